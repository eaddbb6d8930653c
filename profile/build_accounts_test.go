package profile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

func exchangeAccount(t testing.TB, email, name string) Account {
	t.Helper()
	addr, err := ParseAddress(email)
	if err != nil {
		t.Fatalf("ParseAddress(%q): %v", email, err)
	}
	return Account{
		Address:  addr,
		Name:     name,
		Protocol: Exchange,
		Provider: "Outlook.com",
		Incoming: Server{Host: "outlook.office365.com", Port: 443, UseSSL: true, Auth: AuthOAuth, Username: addr.String()},
	}
}

func googleAccount(t testing.TB, email, name string) Account {
	t.Helper()
	addr, err := ParseAddress(email)
	if err != nil {
		t.Fatalf("ParseAddress(%q): %v", email, err)
	}
	return Account{Address: addr, Name: name, Protocol: Google, Provider: "Gmail"}
}

func TestBuildGoldenAccounts(t *testing.T) {
	tests := []struct {
		golden string
		acct   Account
	}{
		{"outlook-exchange.plist", exchangeAccount(t, "someone@outlook.com", "Some One")},
		{"gmail-google.plist", googleAccount(t, "someone@gmail.com", "Some One")},
		{"gmail-google-no-name.plist", googleAccount(t, "o'brien@gmail.com", "")},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			checkSharedTool(t, golden(t, tt.golden, tt.acct))
		})
	}
}

// checkSharedTool runs ../../shared/tools/verify-profile on an unsigned
// profile: every key against Apple's schema, no password. The web and cmd
// tests run it on signed downloads.
func checkSharedTool(t *testing.T, path string) {
	t.Helper()
	tool := filepath.Join("..", "..", "shared", "tools", "verify-profile")
	if _, err := os.Stat(tool); err != nil {
		t.Log("skipping the shared profile checker: ../shared is not beside this clone")
		return
	}
	if exec.Command("python3", "-c", "import yaml").Run() != nil {
		t.Skip("no python3 with PyYAML: run scripts/test, which installs python3-yaml")
	}
	if out, err := exec.Command("python3", tool, path, "--unsigned-ok").CombinedOutput(); err != nil {
		t.Errorf("verify-profile %s: %v\n%s", path, err, out)
	}
}

func TestBuildExchangeKeys(t *testing.T) {
	doc, err := Build(exchangeAccount(t, "someone@outlook.com", `A <b> & "c"`), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	root, eas := decode(t, doc)
	want := map[string]any{
		"PayloadType": "com.apple.eas.account", "PayloadVersion": uint64(1),
		"EmailAddress": "someone@outlook.com", "UserName": "someone@outlook.com", "Host": "outlook.office365.com",
		"SSL": true, "OAuth": true, "PayloadDisplayName": "someone@outlook.com",
		"PayloadIdentifier": "com.example.mailprofile.someone_40outlook.com.exchange",
		// As free as an account added by hand.
		"EnableMail": true, "EnableContacts": true, "EnableCalendars": true, "EnableReminders": true, "EnableNotes": true,
		"EnableMailUserOverridable": true, "EnableContactsUserOverridable": true, "EnableCalendarsUserOverridable": true,
		"EnableRemindersUserOverridable": true, "EnableNotesUserOverridable": true,
		"PreventMove": false, "PreventAppSheet": false, "disableMailRecentsSyncing": false, "allowMailDrop": true,
		"SMIMESigningUserOverrideable": true, "SMIMESigningCertificateUUIDUserOverrideable": true,
		"SMIMEEncryptByDefaultUserOverrideable": true, "SMIMEEncryptionCertificateUUIDUserOverrideable": true,
		"SMIMEEnableEncryptionPerMessageSwitch": true,
	}
	for k, v := range want {
		if eas[k] != v {
			t.Errorf("Exchange payload %s = %#v, want %#v", k, eas[k], v)
		}
	}
	if len(eas) != len(want)+2 { // and PayloadUUID, PayloadOrganization
		t.Errorf("Exchange payload has %d keys, want %d: %v", len(eas), len(want)+2, eas)
	}
	for _, k := range []string{"Password", "OAuthSignInURL", "OAuthTokenRequestURL", "MailNumberOfPastDaysToSync"} {
		if _, ok := eas[k]; ok {
			t.Errorf("Exchange payload has %s", k)
		}
	}
	if got, want := root["PayloadDescription"], "Sets up the account someone@outlook.com (Outlook.com). No password is in this profile: after installing, you sign in on your provider's own page."; got != want {
		t.Errorf("PayloadDescription = %q, want %q", got, want)
	}
	if root["PayloadIdentifier"] != "com.example.mailprofile.someone_40outlook.com" || root["PayloadScope"] != "User" || root["TargetDeviceType"] != uint64(1) {
		t.Errorf("top level = %v", root)
	}
	if bytes.Contains(doc, []byte("A &lt;b&gt;")) {
		t.Error("the Exchange profile carries the name; the server has it")
	}
}

func TestBuildGoogleKeys(t *testing.T) {
	doc, err := Build(googleAccount(t, "someone@gmail.com", `A <b> & "c"`), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	_, g := decode(t, doc)
	for k, v := range map[string]any{
		"PayloadType": "com.apple.google-oauth", "EmailAddress": "someone@gmail.com",
		"AccountDescription": "someone@gmail.com", "AccountName": `A <b> & "c"`,
		"PayloadIdentifier": "com.example.mailprofile.someone_40gmail.com.google",
	} {
		if g[k] != v {
			t.Errorf("Google payload %s = %#v, want %#v", k, g[k], v)
		}
	}
	if !bytes.Contains(doc, []byte("<string>A &lt;b&gt; &amp; &#34;c&#34;</string>")) {
		t.Errorf("name not escaped:\n%s", doc)
	}
}

// TestSwitchingKindReplaces checks that one address keeps its top-level
// identifier whatever the kind, so that a new download replaces the
// installed profile, while each kind has payload UUIDs of its own.
func TestSwitchingKindReplaces(t *testing.T) {
	addr := "someone@example.com"
	imap := btAccount(t, addr, IMAP, "")
	ex := exchangeAccount(t, addr, "")
	g := googleAccount(t, addr, "")
	seen := map[string]Protocol{}
	var top string
	for _, acct := range []Account{imap, btAccount(t, addr, POP, ""), ex, g} {
		doc, err := Build(acct, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Parse(doc)
		if err != nil || len(sum.Problems) > 0 {
			t.Fatalf("Parse(%s) = %v %v", acct.Protocol, err, sum)
		}
		if top == "" {
			top = sum.Identifier
		} else if sum.Identifier != top {
			t.Errorf("%s profile identifier = %s, want %s: it would add a second profile", acct.Protocol, sum.Identifier, top)
		}
		for _, u := range []string{sum.UUID, sum.Payloads[0].UUID} {
			if prev, ok := seen[u]; ok {
				t.Errorf("%s and %s share the UUID %s", prev, acct.Protocol, u)
			}
			seen[u] = acct.Protocol
		}
	}
	// The IMAP payload keeps the identifiers it had before Exchange and
	// Google existed, so installed profiles update in place.
	if got, want := deriveIdentifiers(testOptions.IdentifierPrefix, testOptions.Secret, imap).PayloadUUID,
		derivedUUID(testOptions.Secret, "com.example.mailprofile.someone_40example.com", "mail", "imap"); got != want {
		t.Errorf("IMAP payload UUID = %s, want %s as before", got, want)
	}
}

func TestBuildRejectsAccounts(t *testing.T) {
	tests := []struct {
		name string
		acct func() Account
		want string
	}{
		{"exchange with a password", func() Account {
			a := exchangeAccount(t, "someone@outlook.com", "")
			a.Incoming.Auth = AuthPassword
			return a
		}, `invalid account: exchange server authentication "EmailAuthPassword": an Exchange account signs in with OAuth only`},
		{"exchange without a host", func() Account {
			a := exchangeAccount(t, "someone@outlook.com", "")
			a.Incoming.Host = ""
			return a
		}, "invalid account: exchange server has no host name"},
		{"exchange with SMTP", func() Account {
			a := exchangeAccount(t, "someone@outlook.com", "")
			a.Outgoing = Server{Host: "smtp.example.com", Port: 587}
			return a
		}, "invalid account: an Exchange account has no outgoing server"},
		{"google with servers", func() Account {
			a := googleAccount(t, "someone@gmail.com", "")
			a.Incoming.Host = "imap.gmail.com"
			return a
		}, "invalid account: a Google account has no servers of its own"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.acct(), testOptions)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Build() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		kind    Protocol
		onMac   bool
		minIOS  int
		signsIn bool
	}{
		{IMAP, true, 4, false}, {POP, true, 4, false}, {Exchange, false, 12, true}, {Google, false, 10, true},
	}
	for _, tt := range tests {
		if got := tt.kind.OnMac(); got != tt.onMac {
			t.Errorf("%s.OnMac() = %v, want %v", tt.kind, got, tt.onMac)
		}
		if got := tt.kind.MinIOS(); got != tt.minIOS {
			t.Errorf("%s.MinIOS() = %d, want %d", tt.kind, got, tt.minIOS)
		}
		if got := tt.kind.SignsIn(); got != tt.signsIn {
			t.Errorf("%s.SignsIn() = %v, want %v", tt.kind, got, tt.signsIn)
		}
	}
}

func FuzzBuildAccounts(f *testing.F) {
	f.Add("someone@outlook.com", "Some One", "outlook.office365.com", true)
	f.Add(`"a\"b"@gmail.com`, `<&">`, "", false)
	f.Fuzz(func(t *testing.T, email, name, host string, exchange bool) {
		addr, err := ParseAddress(email)
		if err != nil {
			return
		}
		if name, err = ParseName(name); err != nil {
			return
		}
		acct := Account{Address: addr, Name: name, Protocol: Google}
		if exchange {
			acct.Protocol = Exchange
			acct.Incoming = Server{Host: host, Port: 443, UseSSL: true, Auth: AuthOAuth, Username: addr.String()}
		}
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
		p := sum.Payloads[0]
		switch {
		case exchange && (p.Exchange == nil || p.Exchange.Address != addr.String() || p.Exchange.Host != host || !p.Exchange.OAuth || p.Exchange.HasPassword):
			t.Fatalf("round trip changed the Exchange account: %+v", p.Exchange)
		case !exchange && (p.Google == nil || p.Google.Address != addr.String() || p.Google.Name != name):
			t.Fatalf("round trip changed the Google account: %+v", p.Google)
		}
	})
}

func TestParseAccounts(t *testing.T) {
	for _, name := range []string{"outlook-exchange.plist", "gmail-google.plist", "gmail-google-no-name.plist"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Parse(data)
		if err != nil || len(sum.Problems) > 0 {
			t.Fatalf("Parse(%s) = %v, problems %v", name, err, sum.Problems)
		}
		if p := sum.Payloads[0]; p.Exchange == nil && p.Google == nil {
			t.Errorf("Parse(%s) payload = %+v, want an Exchange or Google summary", name, p)
		}
	}
	data, _ := os.ReadFile(filepath.Join("testdata", "outlook-exchange.plist"))
	for _, tt := range []struct{ name, old, new, problem string }{
		{"password", "<key>PayloadType</key>", "<key>Password</key><string>hunter2</string><key>PayloadType</key>",
			"payload 1: Password is set: anyone with the file can read it"},
		{"no SSL", "<key>SSL</key>\n<true/>", "", "payload 1: SSL is not set to true (its default is false)"},
		{"string OAuth", "<key>OAuth</key>\n<true/>", "<key>OAuth</key><string>yes</string>", "payload 1: OAuth is string, want a boolean"},
	} {
		sum, err := Parse(bytes.Replace(data, []byte(tt.old), []byte(tt.new), 1))
		if err != nil || !slices.Contains(sum.Problems, tt.problem) {
			t.Errorf("%s: Parse() problems = %v, %v; want %q", tt.name, sum.Problems, err, tt.problem)
		}
	}
}
