package profile

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"howett.net/plist"
)

// templateAccount is the account of TemplateAddress(domain) with user
// names by rule: "%EMAILADDRESS%" or "%EMAILLOCALPART%".
func templateAccount(t testing.TB, domain string, proto Protocol, rule string) Account {
	t.Helper()
	addr, err := TemplateAddress(domain)
	if err != nil {
		t.Fatalf("TemplateAddress(%q): %v", domain, err)
	}
	return withUsernames(btAccount(t, addr.String(), proto, ""), rule)
}

// withUsernames sets both user names of acct by rule.
func withUsernames(acct Account, rule string) Account {
	u := acct.Address.String()
	if rule == "%EMAILLOCALPART%" {
		u = acct.Address.Local
	}
	acct.Incoming.Username, acct.Outgoing.Username = u, u
	return acct
}

// substitute does what an MDM does: each variable replaced by the user's
// value, XML-escaped, the longest variable first ($EMAIL_PREFIX before
// $EMAIL).
func substitute(t testing.TB, doc []byte, ph Placeholders, addr Address, name string) []byte {
	t.Helper()
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	pairs := [][2]string{{ph.Address, esc(addr.String())}, {ph.LocalPart, esc(addr.Local)}, {ph.Name, esc(name)}}
	for i := range pairs {
		for j := i + 1; j < len(pairs); j++ {
			if len(pairs[j][0]) > len(pairs[i][0]) {
				pairs[i], pairs[j] = pairs[j], pairs[i]
			}
		}
	}
	for _, p := range pairs {
		if p[0] != "" {
			doc = bytes.ReplaceAll(doc, []byte(p[0]), []byte(p[1]))
		}
	}
	return doc
}

// withoutIdentifiers decodes a profile and drops its identifiers, which
// differ between a template and a person's own profile.
func withoutIdentifiers(t testing.TB, doc []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if _, err := plist.Unmarshal(doc, &m); err != nil {
		t.Fatalf("plist.Unmarshal: %v\n%s", err, doc)
	}
	delete(m, "PayloadIdentifier")
	delete(m, "PayloadUUID")
	for _, p := range m["PayloadContent"].([]any) {
		delete(p.(map[string]any), "PayloadIdentifier")
		delete(p.(map[string]any), "PayloadUUID")
	}
	return m
}

func TestBuildTemplateIsTheUsersProfile(t *testing.T) {
	addigy := Placeholders{Address: `{{.User "emails_primary"}}`, Name: `{{.User "display_name"}}`}
	kandji := Placeholders{Address: "$EMAIL", Name: "$FULL_NAME", LocalPart: "$EMAIL_PREFIX"}
	user, err := ParseAddress("o'brien.k@btinternet.com")
	if err != nil {
		t.Fatal(err)
	}
	const name = `Ann "Kit" O'Brien & Co <x>`
	tests := []struct {
		name  string
		acct  Account
		ph    Placeholders
		rule  string
		wants []string
	}{
		{name: "quotes as they are", acct: templateAccount(t, "btinternet.com", IMAP, "%EMAILADDRESS%"), ph: addigy,
			wants: []string{`<string>{{.User "emails_primary"}}</string>`, `<key>EmailAccountName</key>` + "\n" + `<string>{{.User "display_name"}}</string>`}},
		{name: "local part", acct: templateAccount(t, "btinternet.com", POP, "%EMAILLOCALPART%"), ph: kandji, rule: "%EMAILLOCALPART%",
			wants: []string{"<key>IncomingMailServerUsername</key>\n<string>$EMAIL_PREFIX</string>", "<string>$EMAIL (POP)</string>"}},
		{name: "no name", acct: templateAccount(t, "btinternet.com", IMAP, "%EMAILADDRESS%"), ph: Placeholders{Address: "%Email%"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := BuildTemplate(tt.acct, tt.ph, "example-mdm", testOptions)
			if err != nil {
				t.Fatalf("BuildTemplate: %v", err)
			}
			for _, w := range tt.wants {
				if !bytes.Contains(doc, []byte(w)) {
					t.Errorf("template lacks %q:\n%s", w, doc)
				}
			}
			var m map[string]any
			if _, err := plist.Unmarshal(doc, &m); err != nil {
				t.Fatalf("the template is no plist: %v", err)
			}
			if got, want := m["PayloadIdentifier"], "com.example.mailprofile.mdm.example-mdm.btinternet.com."+string(tt.acct.Protocol); got != want {
				t.Errorf("PayloadIdentifier = %v, want %v", got, want)
			}
			userName := name
			if tt.ph.Name == "" {
				userName = ""
			}
			mine := btAccount(t, user.String(), tt.acct.Protocol, userName)
			own, err := Build(withUsernames(mine, tt.rule), testOptions)
			if err != nil {
				t.Fatal(err)
			}
			got := withoutIdentifiers(t, substitute(t, doc, tt.ph, user, userName))
			if want := withoutIdentifiers(t, own); !equalPlist(got, want) {
				t.Errorf("template filled in for %s = %v\nwant the user's own profile %v", user, got, want)
			}
		})
	}
}

func equalPlist(a, b map[string]any) bool {
	x, _ := plist.Marshal(a, plist.XMLFormat)
	y, _ := plist.Marshal(b, plist.XMLFormat)
	return bytes.Equal(x, y)
}

func TestBuildTemplateStableIdentifiers(t *testing.T) {
	acct := templateAccount(t, "btinternet.com", IMAP, "%EMAILADDRESS%")
	ph := Placeholders{Address: "$EMAIL", Name: "$FULLNAME"}
	a, err := BuildTemplate(acct, ph, "jamf-pro", testOptions)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BuildTemplate(acct, ph, "jamf-pro", testOptions)
	if !bytes.Equal(a, b) {
		t.Error("two builds of one template differ")
	}
	c, _ := BuildTemplate(acct, ph, "kandji", testOptions)
	pop, _ := BuildTemplate(templateAccount(t, "btinternet.com", POP, "%EMAILADDRESS%"), ph, "jamf-pro", testOptions)
	ids := func(doc []byte) [2]string {
		var m struct {
			ID   string `plist:"PayloadIdentifier"`
			UUID string `plist:"PayloadUUID"`
		}
		if _, err := plist.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		return [2]string{m.ID, m.UUID}
	}
	if ids(a)[0] != "com.example.mailprofile.mdm.jamf-pro.btinternet.com.imap" {
		t.Errorf("identifier %q", ids(a)[0])
	}
	for _, other := range [][]byte{c, pop} {
		if o := ids(other); o[0] == ids(a)[0] || o[1] == ids(a)[1] {
			t.Errorf("another vendor or kind shares the identifiers %v", o)
		}
	}
}

func TestBuildTemplateRefuses(t *testing.T) {
	local := templateAccount(t, "web.de", IMAP, "%EMAILLOCALPART%")
	outLocal := templateAccount(t, "web.de", IMAP, "%EMAILADDRESS%")
	outLocal.Outgoing.Username = outLocal.Address.Local
	ok := templateAccount(t, "btinternet.com", IMAP, "%EMAILADDRESS%")
	stranger := btAccount(t, "someone@btinternet.com", IMAP, "")
	shady := testOptions
	shady.Description = "Made for mdm-user-7f3q2x"
	tests := []struct {
		name    string
		acct    Account
		ph      Placeholders
		opts    Options
		vendor  string
		wantErr string
	}{
		{name: "local part, no variable", acct: local, ph: Placeholders{Address: "$EMAIL"}, wantErr: "IncomingMailServerUsername is the part of the address before the @"},
		{name: "outgoing local part", acct: outLocal, ph: Placeholders{Address: "$EMAIL"}, wantErr: "OutgoingMailServerUsername is"},
		{name: "no address variable", acct: ok, ph: Placeholders{Name: "$FULLNAME"}, wantErr: "the address variable is required"},
		{name: "markup", acct: ok, ph: Placeholders{Address: "<email/>"}, wantErr: "cannot stand in a profile"},
		{name: "ampersand", acct: ok, ph: Placeholders{Address: "$A&B"}, wantErr: "cannot stand in a profile"},
		{name: "space", acct: ok, ph: Placeholders{Address: " $EMAIL"}, wantErr: "cannot stand in a profile"},
		{name: "line break", acct: ok, ph: Placeholders{Address: "$EMAIL\n"}, wantErr: "control character"},
		{name: "twice", acct: ok, ph: Placeholders{Address: "$X", Name: "$X"}, wantErr: "the address and name variables are both"},
		{name: "vendor", acct: ok, ph: Placeholders{Address: "$EMAIL"}, vendor: "Jamf Pro", wantErr: "template vendor"},
		{name: "a real address", acct: stranger, ph: Placeholders{Address: "$EMAIL"}, wantErr: "TemplateAddress"},
		{name: "stand-in in a text", acct: ok, ph: Placeholders{Address: "$EMAIL", LocalPart: "$LOCAL"}, opts: shady, wantErr: "contain the text that stands for the user"},
		{name: "stand-in left over", acct: ok, ph: Placeholders{Address: "$EMAIL"}, opts: shady, wantErr: "left over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, vendor := tt.opts, tt.vendor
			if opts.Secret == nil {
				opts = testOptions
			}
			if vendor == "" {
				vendor = "jamf-pro"
			}
			doc, err := BuildTemplate(tt.acct, tt.ph, vendor, opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("BuildTemplate = %d bytes, %v; want an error with %q", len(doc), err, tt.wantErr)
			}
		})
	}
	_, err := BuildTemplate(local, Placeholders{Address: "$EMAIL"}, "jamf-pro", testOptions)
	var me *MissingVariableError
	if !errors.As(err, &me) || me.Field != "IncomingMailServerUsername" {
		t.Errorf("BuildTemplate(local part) error = %#v, want *MissingVariableError", err)
	}
}

// FuzzBuildTemplate checks that any variable BuildTemplate accepts gives
// a plist in which it reads back as it was, where the address goes.
func FuzzBuildTemplate(f *testing.F) {
	for _, s := range []string{"$EMAIL", `{{.User "emails_primary"}}`, "%Email%", "{{mail}}", "{EmailAddress}", "]]", "'\"", "é€"} {
		f.Add(s)
	}
	acct := templateAccount(f, "btinternet.com", IMAP, "%EMAILADDRESS%")
	f.Fuzz(func(t *testing.T, v string) {
		doc, err := BuildTemplate(acct, Placeholders{Address: v}, "fuzz", testOptions)
		if err != nil {
			return
		}
		var m struct {
			Content []struct {
				EmailAddress string `plist:"EmailAddress"`
			} `plist:"PayloadContent"`
		}
		if _, err := plist.Unmarshal(doc, &m); err != nil {
			t.Fatalf("BuildTemplate(%q) is no plist: %v", v, err)
		}
		if len(m.Content) != 1 || m.Content[0].EmailAddress != v {
			t.Fatalf("BuildTemplate(%q): EmailAddress reads back as %+v", v, m.Content)
		}
	})
}
