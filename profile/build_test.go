package profile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"howett.net/plist"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testOptions are fixed operator settings, so the output is stable.
var testOptions = Options{
	IdentifierPrefix: "com.example.mailprofile",
	Organization:     "Example ISP",
	Secret:           []byte("0123456789abcdef0123456789abcdef"),
}

func btAccount(t testing.TB, email string, proto Protocol, name string) Account {
	t.Helper()
	addr, err := ParseAddress(email)
	if err != nil {
		t.Fatalf("ParseAddress(%q): %v", email, err)
	}
	port := 993
	if proto == POP {
		port = 995
	}
	return Account{
		Address:  addr,
		Name:     name,
		Protocol: proto,
		Provider: "BT Mail",
		Incoming: Server{Host: "mail.btinternet.com", Port: port, UseSSL: true, Auth: AuthPassword, Username: addr.String()},
		Outgoing: Server{Host: "mail.btinternet.com", Port: 465, UseSSL: true, Auth: AuthPassword, Username: addr.String()},
	}
}

func TestBuildGolden(t *testing.T) {
	tests := []struct {
		golden string
		acct   Account
	}{
		{"bt-imap.plist", btAccount(t, "someone@btinternet.com", IMAP, "Some One")},
		{"bt-pop.plist", btAccount(t, "someone@btinternet.com", POP, "")},
		{"escaped-name.plist", btAccount(t, "o'brien@talk21.com", IMAP, `Tom & "Jerry" <tj>`)},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			golden(t, tt.golden, tt.acct)
		})
	}
}

// golden builds acct and compares it with testdata/name, or writes it
// there with -update; it returns the file's path.
func golden(t *testing.T, name string, acct Account) string {
	t.Helper()
	got, err := Build(acct, testOptions)
	if err != nil {
		t.Fatalf("Build() error: %v", err)
	}
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Build() differs from %s:\n%s", path, got)
	}
	return path
}

// TestAppendBuild checks that AppendBuild appends Build's bytes, into
// the caller's buffer when it has room.
func TestAppendBuild(t *testing.T) {
	acct := btAccount(t, "someone@btinternet.com", IMAP, "Some One")
	want, err := Build(acct, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 0, 8192)
	buf = append(buf, "prefix"...)
	got, err := AppendBuild(buf, acct, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	if string(got[:6]) != "prefix" || !bytes.Equal(got[6:], want) {
		t.Errorf("AppendBuild() = %q, want prefix then Build's bytes", got)
	}
	if &got[0] != &buf[0] {
		t.Error("AppendBuild() did not use the buffer it was given")
	}
	if _, err := AppendBuild(buf, Account{}, testOptions); err == nil {
		t.Error("AppendBuild() of an empty account: no error")
	}
}

// decode parses a built profile into generic values.
func decode(t *testing.T, doc []byte) (map[string]any, map[string]any) {
	t.Helper()
	var root map[string]any
	format, err := plist.Unmarshal(doc, &root)
	if err != nil {
		t.Fatalf("plist.Unmarshal: %v", err)
	}
	if format != plist.XMLFormat {
		t.Fatalf("format = %v, want XML", format)
	}
	content := root["PayloadContent"].([]any)
	if len(content) != 1 {
		t.Fatalf("PayloadContent has %d payloads, want 1", len(content))
	}
	return root, content[0].(map[string]any)
}

func TestBuildKeys(t *testing.T) {
	for _, proto := range []Protocol{IMAP, POP} {
		t.Run(string(proto), func(t *testing.T) {
			doc, err := Build(btAccount(t, "someone@btinternet.com", proto, `A <b> & "c"`), testOptions)
			if err != nil {
				t.Fatal(err)
			}
			root, mail := decode(t, doc)
			wantPort, wantType := uint64(993), "EmailTypeIMAP"
			if proto == POP {
				wantPort, wantType = 995, "EmailTypePOP"
			}
			want := map[string]any{
				"EmailAccountType":                       wantType,
				"EmailAddress":                           "someone@btinternet.com",
				"EmailAccountName":                       `A <b> & "c"`,
				"IncomingMailServerHostName":             "mail.btinternet.com",
				"IncomingMailServerPortNumber":           wantPort,
				"IncomingMailServerUseSSL":               true,
				"IncomingMailServerAuthentication":       "EmailAuthPassword",
				"IncomingMailServerUsername":             "someone@btinternet.com",
				"OutgoingMailServerHostName":             "mail.btinternet.com",
				"OutgoingMailServerPortNumber":           uint64(465),
				"OutgoingMailServerUseSSL":               true,
				"OutgoingMailServerAuthentication":       "EmailAuthPassword",
				"OutgoingMailServerUsername":             "someone@btinternet.com",
				"OutgoingPasswordSameAsIncomingPassword": true,
				"PayloadType":                            "com.apple.mail.managed",
				"PayloadVersion":                         uint64(1),
			}
			for k, v := range want {
				if mail[k] != v {
					t.Errorf("mail payload %s = %#v, want %#v", k, mail[k], v)
				}
			}
			for _, k := range []string{"IncomingPassword", "OutgoingPassword"} {
				if _, ok := mail[k]; ok {
					t.Errorf("mail payload has %s; a profile must never carry a password", k)
				}
			}
			for k, v := range map[string]any{
				"PayloadType": "Configuration", "PayloadVersion": uint64(1), "PayloadScope": "User",
				"PayloadOrganization": "Example ISP", "PayloadIdentifier": "com.example.mailprofile.someone_40btinternet.com",
				"PayloadDisplayName": "BT Mail (someone@btinternet.com)",
			} {
				if root[k] != v {
					t.Errorf("top level %s = %#v, want %#v", k, root[k], v)
				}
			}
			if !strings.Contains(string(doc), "<string>A &lt;b&gt; &amp; &#34;c&#34;</string>") {
				t.Errorf("name not escaped in the XML:\n%s", doc)
			}
		})
	}
}

var uuidRE = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$`)

func TestIdentifiersStable(t *testing.T) {
	build := func(email string, proto Protocol, opts Options) (map[string]any, map[string]any, []byte) {
		doc, err := Build(btAccount(t, email, proto, "x"), opts)
		if err != nil {
			t.Fatal(err)
		}
		root, mail := decode(t, doc)
		return root, mail, doc
	}
	r1, m1, d1 := build("someone@btinternet.com", IMAP, testOptions)
	_, _, d2 := build("someone@btinternet.com", IMAP, testOptions)
	if !bytes.Equal(d1, d2) {
		t.Error("Build() twice for the same address gave different bytes")
	}
	for _, u := range []any{r1["PayloadUUID"], m1["PayloadUUID"]} {
		if !uuidRE.MatchString(u.(string)) {
			t.Errorf("PayloadUUID %q is not an upper-case RFC 4122-variant UUID", u)
		}
	}
	if r1["PayloadUUID"] == m1["PayloadUUID"] {
		t.Error("profile and mail payload share a UUID")
	}
	// Case of the address does not make a second account.
	r3, m3, _ := build("SomeOne@BTInternet.com", IMAP, testOptions)
	if r3["PayloadIdentifier"] != r1["PayloadIdentifier"] || m3["PayloadUUID"] != m1["PayloadUUID"] {
		t.Error("identifiers differ by the case of the address")
	}
	// Other addresses never collide.
	seen := map[any]string{}
	for _, email := range []string{"someone@btinternet.com", "someone@btopenworld.com", "some.one@btinternet.com", "some_one@btinternet.com", "some_2Eone@btinternet.com", "someone2@btinternet.com"} {
		r, m, _ := build(email, IMAP, testOptions)
		for _, id := range []any{r["PayloadIdentifier"], r["PayloadUUID"], m["PayloadIdentifier"], m["PayloadUUID"]} {
			if prev, ok := seen[id]; ok {
				t.Errorf("%s and %s share the identifier %v", prev, email, id)
			}
			seen[id] = email
		}
	}
	// POP replaces the IMAP profile (same top-level identifier) but
	// recreates the account (new payload UUID).
	r4, m4, _ := build("someone@btinternet.com", POP, testOptions)
	if r4["PayloadIdentifier"] != r1["PayloadIdentifier"] {
		t.Error("POP profile has another top-level identifier than IMAP; it would add a second profile")
	}
	if m4["PayloadUUID"] == m1["PayloadUUID"] {
		t.Error("POP mail payload reuses the IMAP payload UUID")
	}
	// Another installation secret gives other UUIDs.
	other := testOptions
	other.Secret = []byte("another secret, 32 bytes long!!!")
	r5, _, _ := build("someone@btinternet.com", IMAP, other)
	if r5["PayloadUUID"] == r1["PayloadUUID"] {
		t.Error("UUID does not depend on the installation secret")
	}
}

func TestBuildRejects(t *testing.T) {
	good := btAccount(t, "someone@btinternet.com", IMAP, "")
	tests := []struct {
		name   string
		modify func(*Account)
		want   string
	}{
		{"no incoming host", func(a *Account) { a.Incoming.Host = "" }, "invalid account: incoming server has no host name"},
		{"no outgoing host", func(a *Account) { a.Outgoing.Host = "" }, "invalid account: outgoing server has no host name"},
		{"port zero", func(a *Account) { a.Incoming.Port = 0 }, "invalid account: incoming server port 0 out of range"},
		{"port too big", func(a *Account) { a.Outgoing.Port = 70000 }, "invalid account: outgoing server port 70000 out of range"},
		{"bad auth", func(a *Account) { a.Incoming.Auth = "OAuth2" }, `invalid account: incoming server authentication "OAuth2" is not an Apple EmailAuth value`},
		{"bad protocol", func(a *Account) { a.Protocol = "jmap" }, `invalid account: account protocol "jmap" is not imap, pop, exchange or google`},
		{"no protocol", func(a *Account) { a.Protocol = Auto }, `invalid account: account protocol "" is not imap, pop, exchange or google`},
		{"OAuth for IMAP", func(a *Account) { a.Incoming.Auth = AuthOAuth }, `invalid account: incoming server authentication "OAuth" is not an Apple EmailAuth value`},
		{"no address", func(a *Account) { a.Address = Address{} }, "invalid account: account has no address"},
		{"control in name", func(a *Account) { a.Name = "a\x01b" }, "invalid account name: contains a control character or line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := good
			tt.modify(&a)
			_, err := Build(a, testOptions)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Build() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseName(t *testing.T) {
	for _, ok := range []string{"", "Some One", `Tom & "Jerry" <tj>`, "Zoë Ångström", "李小龙", strings.Repeat("é", MaxNameLen)} {
		if got, err := ParseName(ok); err != nil || got != ok {
			t.Errorf("ParseName(%q) = %q, %v; want it unchanged", ok, got, err)
		}
	}
	for in, want := range map[string]string{
		"a\r\nb":                          "the name contains a control character or line break",
		"a\x00":                           "the name contains a control character or line break",
		"\xff":                            "the name is not valid UTF-8 text",
		strings.Repeat("x", MaxNameLen+1): "the name is 101 characters long; the limit is 100",
		"a\uffffb":                        "the name contains the non-character U+FFFF",
	} {
		_, err := ParseName(in)
		if ie, ok := err.(*InputError); !ok || ie.Message != want || ie.Field != "name" {
			t.Errorf("ParseName(%q) = %v, want name error %q", in, err, want)
		}
	}
}

func TestParseProtocol(t *testing.T) {
	for in, want := range map[string]Protocol{"": Auto, "imap": IMAP, "IMAP": IMAP, "pop": POP, "pop3": POP, "POP3": POP,
		"exchange": Exchange, "EXCHANGE": Exchange, "google": Google, "GOOGLE": Google} {
		if got, err := ParseProtocol(in); err != nil || got != want {
			t.Errorf("ParseProtocol(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"jmap":                  `unknown account type "jmap": choose imap, pop, exchange or google`,
		"Exchange ":             `unknown account type "Exchange ": choose imap, pop, exchange or google`,
		"<b>":                   `unknown account type "<b>": choose imap, pop, exchange or google`,
		strings.Repeat("x", 40): `unknown account type "xxxxxxxxxxxxxxxx…": choose imap, pop, exchange or google`,
	} {
		_, err := ParseProtocol(in)
		if ie, ok := err.(*InputError); !ok || ie.Message != want || ie.Field != "type" {
			t.Errorf("ParseProtocol(%q) = %v, want type error %q", in, err, want)
		}
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"someone@btinternet.com":  "someone@btinternet.com.mobileconfig",
		"Some.One@BTinternet.com": "some.one@btinternet.com.mobileconfig",
		`"a/b\"c"@example.com`:    "_a_b__c_@example.com.mobileconfig",
		"x=y#z@example.com":       "x_y_z@example.com.mobileconfig",
		"a@xn--bcher-kva.example": "a@xn--bcher-kva.example.mobileconfig",
	} {
		a, err := ParseAddress(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := FileName(a); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"good", testOptions, ""},
		{"empty prefix", Options{Secret: testOptions.Secret}, "identifier prefix: must not be empty (e.g. com.example.mail)"},
		{"bad prefix", Options{IdentifierPrefix: "com..x", Secret: testOptions.Secret}, `identifier prefix "com..x": empty label`},
		{"space in prefix", Options{IdentifierPrefix: "com.ex ample", Secret: testOptions.Secret}, `identifier prefix "com.ex ample": only letters, digits, hyphens and dots are allowed`},
		{"short secret", Options{IdentifierPrefix: "com.x", Secret: []byte("x")}, "identifier secret: need at least 16 bytes"},
		{"control in org", Options{IdentifierPrefix: "com.x", Secret: testOptions.Secret, Organization: "a\nb"}, "organization: contains a control character or line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.opts.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzBuild(f *testing.F) {
	f.Add("someone@btinternet.com", "Some One", "mail.btinternet.com", 993, true)
	f.Add(`"a\"b"@example.com`, `<&">`, "imap.example.com", 143, false)
	f.Fuzz(func(t *testing.T, email, name, host string, port int, pop bool) {
		addr, err := ParseAddress(email)
		if err != nil {
			return
		}
		name, err = ParseName(name)
		if err != nil {
			return
		}
		proto := IMAP
		if pop {
			proto = POP
		}
		acct := Account{Address: addr, Name: name, Protocol: proto,
			Incoming: Server{Host: host, Port: port, UseSSL: true, Auth: AuthPassword, Username: addr.String()},
			Outgoing: Server{Host: host, Port: 465, UseSSL: true, Auth: AuthPassword, Username: addr.String()}}
		doc, err := Build(acct, testOptions)
		if err != nil {
			return
		}
		sum, err := Parse(doc)
		if err != nil {
			t.Fatalf("Build() output does not parse: %v\n%s", err, doc)
		}
		if len(sum.Problems) > 0 {
			t.Fatalf("Build() output breaks the rules: %v", sum.Problems)
		}
		m := sum.Payloads[0].Mail
		if m.Address != addr.String() || m.Incoming.Host != host || m.Incoming.Port != port {
			t.Fatalf("round trip changed the account: %+v", m)
		}
		var root map[string]any
		if _, err := plist.Unmarshal(doc, &root); err != nil {
			t.Fatal(err)
		}
		if got := root["PayloadContent"].([]any)[0].(map[string]any)["EmailAccountName"]; name != "" && got != name {
			t.Fatalf("name %q came back as %q", name, got)
		}
	})
}

func BenchmarkBuild(b *testing.B) {
	acct := btAccount(b, "someone@btinternet.com", IMAP, "Some One")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(acct, testOptions); err != nil {
			b.Fatal(err)
		}
	}
}
