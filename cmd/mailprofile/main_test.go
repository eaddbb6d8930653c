package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/signing"
)

// result is what one in-process run of the command produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// runCmd runs the command in-process with the given environment.
// Discovery is off unless the environment turns it on: tests must not
// depend on the internet.
func runCmd(t *testing.T, environ map[string]string, args ...string) result {
	t.Helper()
	return runCmdInput(t, environ, "", args...)
}

// runCmdInput is runCmd with text on standard input.
func runCmdInput(t *testing.T, environ map[string]string, input string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	lookupEnv := func(k string) (string, bool) {
		if v, ok := environ[k]; ok {
			return v, true
		}
		if k == "MAILPROFILE_DISCOVERY" {
			return "false", true
		}
		return "", false
	}
	code := run(context.Background(), args, env{lookupEnv: lookupEnv, stdin: strings.NewReader(input), stdout: &stdout, stderr: &stderr})
	return result{code, stdout.String(), stderr.String()}
}

func TestGenerate(t *testing.T) {
	data := t.TempDir()
	envm := map[string]string{"MAILPROFILE_DATA_DIR": data}
	r := runCmd(t, envm, "generate", "--email", "someone@btinternet.com")
	if r.code != 0 {
		t.Fatalf("generate exit %d: %s", r.code, r.stderr)
	}
	// generate signs at the machine's time, with a certificate it made then.
	v, err := signing.Verify([]byte(r.stdout), nil, timetest.Wall())
	if err != nil {
		t.Fatalf("generated profile does not verify: %v", err)
	}
	sum, err := profile.Parse(v.Content)
	if err != nil || len(sum.Problems) > 0 {
		t.Fatalf("generated profile: %v %v", err, sum)
	}
	if m := sum.Payloads[0].Mail; m.AccountType != "EmailTypeIMAP" || m.Incoming.Host != "mail.btinternet.com" {
		t.Errorf("mail payload = %+v", m)
	}

	// Again, to a file, as POP: same identifiers, POP settings.
	out := filepath.Join(t.TempDir(), "p.mobileconfig")
	r = runCmd(t, envm, "generate", "--email", "SomeOne@BTinternet.com", "--type", "pop", "-o", out)
	if r.code != 0 {
		t.Fatalf("generate -o exit %d: %s", r.code, r.stderr)
	}
	body, _ := os.ReadFile(out)
	v2, err := signing.Verify(body, nil, timetest.Wall())
	if err != nil {
		t.Fatal(err)
	}
	sum2, _ := profile.Parse(v2.Content)
	if sum2.Identifier != sum.Identifier {
		t.Errorf("identifier %q, want %q (same address)", sum2.Identifier, sum.Identifier)
	}
	if m := sum2.Payloads[0].Mail; m.AccountType != "EmailTypePOP" || m.Incoming.Port != 995 {
		t.Errorf("POP payload = %+v", m)
	}
	if v2.Signer.Equal(v.Signer) == false {
		t.Error("the second run signed with another certificate: the self-signed pair was not reused")
	}

	// The same address twice gives byte-identical content.
	r2 := runCmd(t, envm, "generate", "--email", "someone@btinternet.com")
	v3, _ := signing.Verify([]byte(r2.stdout), nil, timetest.Wall())
	if !bytes.Equal(v3.Content, v.Content) {
		t.Error("the same address gave different plist content")
	}

	// Unsigned.
	r = runCmd(t, envm, "generate", "--email", "someone@btinternet.com", "--unsigned")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "<?xml") {
		t.Errorf("--unsigned: exit %d, output starts %.20q", r.code, r.stdout)
	}
}

func TestGenerateBadInput(t *testing.T) {
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no email", []string{"generate"}, 2, "--email ($MAILPROFILE_EMAIL): is required"},
		{"bad email", []string{"generate", "--email", "a\r\nb@x.com"}, 1, "--email: the address contains a control character or line break"},
		{"bad type", []string{"generate", "--email", "a@btinternet.com", "--type", "jmap"}, 1, `--type: unknown account type "jmap": choose imap, pop, exchange or google`},
		{"no Exchange", []string{"generate", "--email", "a@btinternet.com", "--type", "exchange"}, 1, "BT Mail offers no Microsoft Exchange account"},
		{"Exchange on a Mac", []string{"generate", "--email", "a@outlook.com", "--device", "macos"}, 1,
			"a configuration profile cannot set up a Microsoft Exchange account on a Mac (Apple's profile for it works on iPhone and iPad only): add Outlook.com in System Settings > Internet Accounts > Add Account > Microsoft Exchange"},
		{"bad device", []string{"generate", "--email", "a@outlook.com", "--device", "android"}, 2, "--device ($MAILPROFILE_DEVICE): must be ios or macos"},
		{"unknown domain", []string{"generate", "--email", "a@unknown.example"}, 1, "no settings are known for unknown.example"},
		{"oauth only", []string{"generate", "--email", "a@outlook.com", "--type", "imap"}, 1, "accepts only OAuth sign-in for IMAP"},
		{"stray argument", []string{"generate", "--email", "a@btinternet.com", "extra"}, 2, `unexpected argument "extra"`},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"cert without key", []string{"generate", "--email", "a@btinternet.com", "--sign-cert", "x.pem"}, 2, "--sign-key ($MAILPROFILE_SIGN_KEY): is required with --sign-cert"},
		{"unsigned and cert", []string{"generate", "--email", "a@btinternet.com", "--unsigned", "--sign-cert", "x", "--sign-key", "y"}, 2, "--unsigned ($MAILPROFILE_UNSIGNED): cannot be combined"},
		{"bad prefix", []string{"generate", "--email", "a@btinternet.com", "--identifier-prefix", "com..x"}, 2, `--identifier-prefix ($MAILPROFILE_IDENTIFIER_PREFIX): identifier prefix "com..x": empty label`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, envm, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
		})
	}
}

func TestConfigFromEnvironment(t *testing.T) {
	getenv := func(m map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	cfg, _, err := parseConfig("serve", nil, getenv(map[string]string{
		"MAILPROFILE_ADDR": "127.0.0.1:9999", "MAILPROFILE_DATA_DIR": "/srv/mp", "MAILPROFILE_UNSIGNED": "true", "MAILPROFILE_RATE_BURST": "7",
	}), &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:9999" || cfg.DataDir != "/srv/mp" || !cfg.Unsigned || cfg.RateBurst != 7 {
		t.Errorf("config = %+v", cfg)
	}
	// A flag wins over the environment.
	cfg, _, err = parseConfig("serve", []string{"--addr", "127.0.0.1:1234"}, getenv(map[string]string{"MAILPROFILE_ADDR": "127.0.0.1:9999"}), &bytes.Buffer{})
	if err != nil || cfg.Addr != "127.0.0.1:1234" {
		t.Errorf("flag did not win: %v %v", cfg, err)
	}
	// Defaults.
	cfg, _, err = parseConfig("serve", nil, getenv(nil), &bytes.Buffer{})
	if err != nil || cfg.Addr != "127.0.0.1:8080" || cfg.DataDir != "./data" || cfg.Unsigned {
		t.Errorf("defaults = %+v, %v", cfg, err)
	}
	for name, tt := range map[string]struct {
		env  map[string]string
		args []string
		want string
	}{
		"bad bool env":   {map[string]string{"MAILPROFILE_UNSIGNED": "maybe"}, nil, `MAILPROFILE_UNSIGNED="maybe": want true or false`},
		"bad int env":    {map[string]string{"MAILPROFILE_RATE_BURST": "lots"}, nil, `MAILPROFILE_RATE_BURST="lots": want a whole number`},
		"bad duration":   {map[string]string{"MAILPROFILE_SHUTDOWN_TIMEOUT": "soon"}, nil, `MAILPROFILE_SHUTDOWN_TIMEOUT="soon": want a duration`},
		"bad addr":       {nil, []string{"--addr", "nonsense"}, `--addr ($MAILPROFILE_ADDR): "nonsense" is not host:port`},
		"bad log format": {nil, []string{"--log-format", "xml"}, `--log-format ($MAILPROFILE_LOG_FORMAT): "xml": want text or json`},
		"negative rate":  {nil, []string{"--rate-limit", "-1"}, "--rate-limit ($MAILPROFILE_RATE_LIMIT): must be a number, not negative"},
		"NaN rate":       {nil, []string{"--rate-limit", "NaN"}, "--rate-limit ($MAILPROFILE_RATE_LIMIT): must be a number, not negative"},
		"empty data dir": {nil, []string{"--data-dir", ""}, "--data-dir ($MAILPROFILE_DATA_DIR): must not be empty"},
		"unknown flag":   {nil, []string{"--nope"}, "flag provided but not defined: -nope"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := parseConfig("serve", tt.args, getenv(tt.env), &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseConfig() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSigningFiles(t *testing.T) {
	rsa := newOperatorChain(t, "rsa")
	ec := newOperatorChain(t, "ec")
	expiredCert, expiredKey := expiredPair(t)

	// The EC leaf key in SEC1 and the RSA key in PKCS#1 load too.
	openssl(t, ec.dir, "ec", "-in", "leaf.key", "-out", "leaf-sec1.key")
	openssl(t, rsa.dir, "rsa", "-traditional", "-in", "leaf.key", "-out", "leaf-pkcs1.key")
	for _, k := range []string{filepath.Join(ec.dir, "leaf-sec1.key"), filepath.Join(rsa.dir, "leaf-pkcs1.key")} {
		if err := os.Chmod(k, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	readable := filepath.Join(t.TempDir(), "readable.key")
	data, _ := os.ReadFile(ec.key)
	writeFile(t, readable, string(data), 0o644)
	// A chain whose intermediate belongs to another root.
	other := newOperatorChain(t, "ec")
	leaf, _ := os.ReadFile(filepath.Join(ec.dir, "leaf.pem"))
	otherInt, _ := os.ReadFile(filepath.Join(other.dir, "int.pem"))
	broken := filepath.Join(t.TempDir(), "broken.pem")
	writeFile(t, broken, string(leaf)+string(otherInt), 0o644)
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	writeFile(t, garbage, "hello\n", 0o644)

	tests := []struct {
		name       string
		cert, key  string
		wantErr    string // empty: loads
		wantLeafCN string
	}{
		{"RSA chain", rsa.fullchain, rsa.key, "", "profiles.example.com"},
		{"EC chain", ec.fullchain, ec.key, "", "profiles.example.com"},
		{"SEC1 key", ec.fullchain, filepath.Join(ec.dir, "leaf-sec1.key"), "", "profiles.example.com"},
		{"PKCS#1 key", rsa.fullchain, filepath.Join(rsa.dir, "leaf-pkcs1.key"), "", "profiles.example.com"},
		{"missing cert", filepath.Join(t.TempDir(), "none.pem"), ec.key, "none.pem: no such file or directory", ""},
		{"missing key", ec.fullchain, filepath.Join(t.TempDir(), "none.key"), "none.key: no such file or directory", ""},
		{"key readable by others", ec.fullchain, readable, "readable.key: mode 0644 lets other users read or change the key; run chmod", ""},
		{"key does not match", ec.fullchain, rsa.key, rsa.key + ": key:", ""},
		{"expired", expiredCert, expiredKey, expiredCert + ": certificate:", ""},
		{"broken chain", broken, ec.key, broken + ": certificate:", ""},
		{"garbage cert", garbage, ec.key, garbage + ": certificate:", ""},
		{"key as cert", ec.key, ec.key, ec.key + ": certificate:", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir(), "MAILPROFILE_SIGN_CERT": tt.cert, "MAILPROFILE_SIGN_KEY": tt.key}
			r := runCmd(t, envm, "generate", "--email", "someone@btinternet.com")
			if tt.wantErr != "" {
				if r.code != 1 || !strings.Contains(r.stderr, tt.wantErr) || r.stdout != "" {
					t.Errorf("exit %d, stderr %q, %d bytes out; want exit 1 and %q", r.code, r.stderr, len(r.stdout), tt.wantErr)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			v, err := signing.Verify([]byte(r.stdout), nil, timetest.Wall()) // generate signed at the machine's time
			if err != nil {
				t.Fatal(err)
			}
			if v.Signer.Subject.CommonName != tt.wantLeafCN || len(v.Certificates) != 2 {
				t.Errorf("signer %q with %d certificates, want %q with leaf and intermediate", v.Signer.Subject, len(v.Certificates), tt.wantLeafCN)
			}
		})
	}
	if testing.Short() {
		return
	}
	// The wrong-key and expired errors say what is wrong in words.
	r := runCmd(t, map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}, "generate", "--email", "a@btinternet.com", "--sign-cert", expiredCert, "--sign-key", expiredKey)
	if !strings.Contains(r.stderr, "expired") {
		t.Errorf("expired certificate error does not say so: %q", r.stderr)
	}
}

// TestOperatorChainOpenSSL signs with root -> intermediate -> leaf chains
// made by openssl and checks the profiles with openssl cms -verify against
// the root: the leaf and the intermediate must both be embedded.
func TestOperatorChainOpenSSL(t *testing.T) {
	for _, kind := range []string{"rsa", "ec"} {
		t.Run(kind, func(t *testing.T) {
			chain := newOperatorChain(t, kind)
			out := filepath.Join(chain.dir, "p.mobileconfig")
			envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
			r := runCmd(t, envm, "generate", "--email", "someone@btinternet.com", "--sign-cert", chain.fullchain, "--sign-key", chain.key, "-o", out)
			if r.code != 0 {
				t.Fatalf("generate: %s", r.stderr)
			}
			content := filepath.Join(chain.dir, "content.plist")
			cmd := exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-binary", "-in", out, "-CAfile", chain.root, "-purpose", "any", "-out", content)
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("openssl cms -verify with the root: %v\n%s", err, b)
			}
			// Without the intermediate in the file, the root alone could
			// not verify the leaf: prove it is embedded.
			certs, err := exec.Command("openssl", "pkcs7", "-inform", "DER", "-in", out, "-print_certs", "-noout").CombinedOutput()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(certs), "CN = profiles.example.com") || !strings.Contains(string(certs), "CN = Test Intermediate CA") {
				t.Errorf("embedded certificates:\n%s", certs)
			}
			plist, _ := os.ReadFile(content)
			if sum, err := profile.Parse(plist); err != nil || len(sum.Problems) > 0 {
				t.Errorf("content from openssl: %v %v", err, sum)
			}
			// And in Go.
			body, _ := os.ReadFile(out)
			rootPEM, _ := os.ReadFile(chain.root)
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM(rootPEM)
			v, err := signing.Verify(body, pool, timetest.Wall()) // openssl made the chain from the machine's clock
			if err != nil || !v.ChainOK {
				t.Errorf("signing.Verify with the root: %v, chain %v", err, v.ChainErr)
			}
			// inspect agrees.
			r = runCmd(t, nil, "inspect", "--ca", chain.root, out)
			if r.code != 0 || !strings.Contains(r.stdout, "chain:       OK") {
				t.Errorf("inspect --ca: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestInspect(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	envm := map[string]string{"MAILPROFILE_DATA_DIR": data}
	signed := filepath.Join(dir, "signed.mobileconfig")
	unsigned := filepath.Join(dir, "unsigned.mobileconfig")
	if r := runCmd(t, envm, "generate", "--email", "someone@btinternet.com", "-o", signed); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if r := runCmd(t, envm, "generate", "--email", "someone@btinternet.com", "--unsigned", "-o", unsigned); r.code != 0 {
		t.Fatal(r.stderr)
	}
	good, _ := os.ReadFile(signed)
	i := bytes.Index(good, []byte("mail.btinternet.com"))
	tampered := bytes.Clone(good)
	tampered[i] = 'M'
	tamperedPath := filepath.Join(dir, "tampered.mobileconfig")
	writeFile(t, tamperedPath, string(tampered), 0o644)
	garbagePath := filepath.Join(dir, "garbage.mobileconfig")
	writeFile(t, garbagePath, "\x30\x82garbage", 0o644)

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"signed", []string{"inspect", signed}, 0, "signature:   OK (1 signer, SHA-256: true)"},
		{"unsigned", []string{"inspect", unsigned}, 0, "signature:   none (unsigned profile)"},
		{"tampered", []string{"inspect", tamperedPath}, 1, "problem:     signature:"},
		{"garbage", []string{"inspect", garbagePath}, 1, "problem:     plist:"},
		{"missing", []string{"inspect", filepath.Join(dir, "none")}, 1, "no such file"},
		{"no file", []string{"inspect"}, 2, "want exactly one FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, nil, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("exit %d; want %d and %q in\n%s%s", r.code, tt.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
	r := runCmd(t, nil, "inspect", "--json", signed)
	var rep inspectReport
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || !rep.Signed || !rep.Signature.OK || rep.Profile.Payloads[0].Mail.Incoming.Port != 993 {
		t.Errorf("inspect --json: %v\n%s", err, r.stdout)
	}
	if openssl, err := exec.LookPath("openssl"); err == nil {
		if out, err := exec.Command(openssl, "cms", "-verify", "-inform", "DER", "-binary", "-noverify", "-in", tamperedPath, "-out", os.DevNull).CombinedOutput(); err == nil {
			t.Errorf("openssl accepted the tampered profile:\n%s", out)
		}
	}
}

func TestLookup(t *testing.T) {
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
	r := runCmd(t, envm, "lookup", "someone@btinternet.com")
	if r.code != 0 || !strings.Contains(r.stdout, "mail.btinternet.com:993 SSL/TLS") || !strings.Contains(r.stdout, "mail.btinternet.com:995") {
		t.Errorf("lookup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCmd(t, envm, "lookup", "--json", "someone@icloud.com")
	var got struct {
		Email   string
		Results []lookupResult
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("lookup --json: %v %d\n%s", err, r.code, r.stdout)
	}
	if got.Results[0].Incoming.Host != "imap.mail.me.com" || got.Results[1].Error == "" {
		t.Errorf("lookup --json = %+v", got)
	}
	r = runCmd(t, envm, "lookup", "someone@unknown.example")
	if r.code != 1 || !strings.Contains(r.stdout, "no settings are known for unknown.example") {
		t.Errorf("unknown domain: exit %d\n%s", r.code, r.stdout)
	}
	r = runCmd(t, envm, "lookup", "not an address@example.com")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot contain") {
		t.Errorf("bad address: exit %d %q", r.code, r.stderr)
	}
}

func TestProvidersFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "example.xml"), `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="example.net"><domain>example.net</domain><displayName>Example Mail</displayName>
<incomingServer type="imap"><hostname>imap.example.net</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILLOCALPART%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.net</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`, 0o644)
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir(), "MAILPROFILE_PROVIDERS": dir}
	r := runCmd(t, envm, "lookup", "fred@example.net")
	if r.code != 0 || !strings.Contains(r.stdout, "imap.example.net:993 SSL/TLS, EmailAuthPassword, username fred") || !strings.Contains(r.stdout, "smtp.example.net:587 STARTTLS") {
		t.Errorf("lookup with --providers: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	writeFile(t, filepath.Join(dir, "broken.xml"), "<clientConfig><emailProvider>", 0o644)
	r = runCmd(t, envm, "lookup", "fred@example.net")
	if r.code != 1 || !strings.Contains(r.stderr, "broken.xml") {
		t.Errorf("broken provider file: exit %d %q", r.code, r.stderr)
	}
	r = runCmd(t, map[string]string{"MAILPROFILE_PROVIDERS": filepath.Join(dir, "none")}, "lookup", "fred@example.net")
	if r.code != 1 || !strings.Contains(r.stderr, "--providers") {
		t.Errorf("missing providers folder: exit %d %q", r.code, r.stderr)
	}
}

func TestDataFolder(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	envm := map[string]string{"MAILPROFILE_DATA_DIR": data}
	if r := runCmd(t, envm, "generate", "--email", "a@btinternet.com"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	for name, want := range map[string]os.FileMode{"": 0o700, selfSignedKeyFile: 0o600, secretFile: 0o600, selfSignedCertFile: 0o644} {
		info, err := os.Stat(filepath.Join(data, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s mode %04o, want %04o", filepath.Join(data, name), got, want)
		}
	}
	// Only one of the pair: refuse rather than silently make a new signer.
	if err := os.Remove(filepath.Join(data, selfSignedKeyFile)); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, envm, "generate", "--email", "a@btinternet.com")
	if r.code != 1 || !strings.Contains(r.stderr, "one exists without the other") {
		t.Errorf("half a pair: exit %d %q", r.code, r.stderr)
	}
	// A damaged secret is refused.
	writeFile(t, filepath.Join(data, secretFile), "xyz", 0o600)
	r = runCmd(t, envm, "generate", "--email", "a@btinternet.com", "--unsigned")
	if r.code != 1 || !strings.Contains(r.stderr, "restore it from a backup") {
		t.Errorf("damaged secret: exit %d %q", r.code, r.stderr)
	}
}
