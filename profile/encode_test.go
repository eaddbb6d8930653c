package profile

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"howett.net/plist"
)

// libraryEncode is what Build wrote before encode: the reference. doc is
// a configuration or plain decoded values.
func libraryEncode(t *testing.T, doc any) []byte {
	t.Helper()
	if c, ok := doc.(configuration); ok {
		doc = forLibrary(c)
	}
	out, err := plist.MarshalIndent(doc, plist.XMLFormat, "\t")
	if err != nil {
		t.Fatalf("plist.MarshalIndent: %v", err)
	}
	// encode leaves the indentation out. encoding/xml escapes tabs and
	// newlines in text (&#x9;, &#xA;), so every tab after a newline is
	// indentation.
	return leadingTabs.ReplaceAll(out, []byte("\n"))
}

var leadingTabs = regexp.MustCompile(`\n\t+`)

// libraryConfiguration is configuration with its payloads as the library
// can reflect on them: it marshals a slice of a non-empty interface type
// not at all, and one of any by each element's dynamic type.
type libraryConfiguration struct {
	PayloadContent      []any  `plist:"PayloadContent"`
	PayloadDescription  string `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName  string `plist:"PayloadDisplayName"`
	PayloadIdentifier   string `plist:"PayloadIdentifier"`
	PayloadOrganization string `plist:"PayloadOrganization,omitempty"`
	PayloadScope        string `plist:"PayloadScope"`
	PayloadType         string `plist:"PayloadType"`
	PayloadUUID         string `plist:"PayloadUUID"`
	PayloadVersion      int    `plist:"PayloadVersion"`
	TargetDeviceType    int    `plist:"TargetDeviceType,omitempty"`
}

func forLibrary(c configuration) libraryConfiguration {
	content := make([]any, len(c.PayloadContent))
	for i, p := range c.PayloadContent {
		content[i] = p
	}
	return libraryConfiguration{content, c.PayloadDescription, c.PayloadDisplayName, c.PayloadIdentifier,
		c.PayloadOrganization, c.PayloadScope, c.PayloadType, c.PayloadUUID, c.PayloadVersion, c.TargetDeviceType}
}

// fuzzDoc fills every field of a configuration, so that each escaping,
// omitempty and number path of encode is compared with the library's.
func fuzzDoc(s1, s2, s3 string, n int, b bool) configuration {
	mail := mailPayload{
		EmailAccountDescription: s1, EmailAccountName: s2, EmailAccountType: "EmailTypeIMAP",
		EmailAddress: s1, IncomingMailServerAuthentication: s3, IncomingMailServerHostName: s2,
		IncomingMailServerPortNumber: n, IncomingMailServerUseSSL: b, IncomingMailServerUsername: s3,
		OutgoingMailServerAuthentication: s1, OutgoingMailServerHostName: s3,
		OutgoingMailServerPortNumber: -n, OutgoingMailServerUseSSL: !b, OutgoingMailServerUsername: s2,
		OutgoingPasswordSameAsIncomingPassword: b, PayloadDescription: s3, PayloadDisplayName: s1,
		PayloadIdentifier: s2, PayloadOrganization: s1, PayloadType: s3, PayloadUUID: s2, PayloadVersion: n,
	}
	return configuration{
		PayloadContent: []payload{mail}, PayloadDescription: s2, PayloadDisplayName: s3,
		PayloadIdentifier: s1, PayloadOrganization: s2, PayloadScope: s3, PayloadType: s1,
		PayloadUUID: s2, PayloadVersion: 1,
	}
}

func TestEncodeMatchesLibrary(t *testing.T) {
	tests := []struct {
		name string
		doc  configuration
	}{
		{"empty", configuration{PayloadContent: []payload{mailPayload{}}}},
		{"no payloads", configuration{PayloadContent: []payload{}}},
		{"two payloads", configuration{PayloadContent: []payload{mailPayload{EmailAddress: "a"}, mailPayload{EmailAddress: "b"}}}},
		{"empty exchange and google", configuration{PayloadContent: []payload{exchangePayload{}, googlePayload{}}}},
		{"exchange and google", accountsDoc(`<a&b>"c'`, "tab\tnl\n", 7, true)},
		{"escapes", fuzzDoc(`<a&b>"c'`, "tab\tnl\nCR\r", "\x00\x7f\u00e9\ufffd\xff", 993, true)},
		{"plain", fuzzDoc("someone@btinternet.com", "Some One", "", 0, false)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := encode(nil, tt.doc), libraryEncode(t, tt.doc); !bytes.Equal(got, want) {
				t.Errorf("encode() =\n%s\nwant\n%s", got, want)
			}
		})
	}
	for _, name := range []string{"Some One", "", `Tom & "Jerry" <tj>`} {
		for _, acct := range []Account{
			btAccount(t, "o'brien@talk21.com", POP, name),
			exchangeAccount(t, "o'brien@outlook.com", name),
			googleAccount(t, "o'brien@gmail.com", name),
		} {
			doc, err := Build(acct, testOptions)
			if err != nil {
				t.Fatal(err)
			}
			// Decoded into plain values, which the library writes with
			// the same keys: what is written is what the struct said.
			var decoded map[string]any
			if _, err := plist.Unmarshal(doc, &decoded); err != nil {
				t.Fatal(err)
			}
			if want := append(libraryEncode(t, decoded), '\n'); !bytes.Equal(doc, want) {
				t.Errorf("Build(%s, %q) differs from the library's encoding:\n%s\nwant\n%s", acct.Protocol, name, doc, want)
			}
		}
	}
}

// accountsDoc fills every field of an Exchange and a Google payload.
func accountsDoc(s1, s2 string, n int, b bool) configuration {
	x := exchangePayload{
		EmailAddress: s1, EnableCalendars: b, EnableCalendarsUserOverridable: !b, EnableContacts: b,
		EnableContactsUserOverridable: !b, EnableMail: b, EnableMailUserOverridable: !b, EnableNotes: b,
		EnableNotesUserOverridable: !b, EnableReminders: b, EnableRemindersUserOverridable: !b, Host: s2,
		OAuth: b, PayloadDescription: s2, PayloadDisplayName: s1, PayloadIdentifier: s2, PayloadOrganization: s1,
		PayloadType: s2, PayloadUUID: s1, PayloadVersion: n, PreventAppSheet: !b, PreventMove: b,
		SMIMEEnableEncryptionPerMessageSwitch: b, SMIMEEncryptByDefaultUserOverrideable: !b,
		SMIMEEncryptionCertificateUUIDUserOverrideable: b, SMIMESigningCertificateUUIDUserOverrideable: !b,
		SMIMESigningUserOverrideable: b, SSL: !b, UserName: s2, AllowMailDrop: b, DisableMailRecentsSyncing: !b,
	}
	g := googlePayload{
		AccountDescription: s1, AccountName: s2, EmailAddress: s1, PayloadDescription: s2, PayloadDisplayName: s1,
		PayloadIdentifier: s2, PayloadOrganization: s1, PayloadType: s2, PayloadUUID: s1, PayloadVersion: -n,
	}
	return configuration{PayloadContent: []payload{x, g}, PayloadDisplayName: s1, PayloadIdentifier: s2, PayloadVersion: 1, TargetDeviceType: n}
}

func FuzzEncodeMatchesLibrary(f *testing.F) {
	f.Add("someone@btinternet.com", "Some One", "mail.btinternet.com", 993, true)
	f.Add(`<&">'`, "\t\n\r", "\x00\xff\ufffd", -1, false)
	f.Fuzz(func(t *testing.T, s1, s2, s3 string, n int, b bool) {
		for _, doc := range []configuration{fuzzDoc(s1, s2, s3, n, b), accountsDoc(s1, s3, n, b)} {
			if got, want := encode(nil, doc), libraryEncode(t, doc); !bytes.Equal(got, want) {
				t.Fatalf("encode() =\n%q\nwant\n%q", got, want)
			}
		}
	})
}

func TestExpandTemplate(t *testing.T) {
	tests := []struct{ template, want string }{
		{"", ""},
		{"no placeholders", "no placeholders"},
		{"{provider} ({email})", "BT {email} ({organization}) (a@b.com)"},
		{"{organization}: {email} {unknown} {", "Org: a@b.com {unknown} {"},
		{"{{email}}", "{a@b.com}"},
		{"{services} of {email}", "mail, calendars and contacts of a@b.com"},
	}
	const provider, email, org = "BT {email} ({organization})", "a@b.com", "Org"
	replacer := strings.NewReplacer("{provider}", provider, "{email}", email, "{organization}", org,
		"{services}", "mail, calendars and contacts")
	for _, tt := range tests {
		got := expandTemplate(tt.template, provider, email, org, AllServices.words(Texts{}.withDefaults()))
		if got != tt.want {
			t.Errorf("expandTemplate(%q) = %q, want %q", tt.template, got, tt.want)
		}
		if want := replacer.Replace(tt.template); got != want {
			t.Errorf("expandTemplate(%q) = %q, strings.Replacer gives %q", tt.template, got, want)
		}
	}
}
