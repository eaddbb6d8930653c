package profile

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"howett.net/plist"
)

// libraryEncode is what Build wrote before encode: the reference.
func libraryEncode(t *testing.T, doc configuration) []byte {
	t.Helper()
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
		PayloadContent: []mailPayload{mail}, PayloadDescription: s2, PayloadDisplayName: s3,
		PayloadIdentifier: s1, PayloadOrganization: s2, PayloadScope: s3, PayloadType: s1,
		PayloadUUID: s2, PayloadVersion: 1,
	}
}

func TestEncodeMatchesLibrary(t *testing.T) {
	tests := []struct {
		name string
		doc  configuration
	}{
		{"empty", configuration{PayloadContent: []mailPayload{{}}}},
		{"no payloads", configuration{PayloadContent: []mailPayload{}}},
		{"two payloads", configuration{PayloadContent: []mailPayload{{EmailAddress: "a"}, {EmailAddress: "b"}}}},
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
		acct := btAccount(t, "o'brien@talk21.com", POP, name)
		doc, err := Build(acct, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		var decoded configuration
		if _, err := plist.Unmarshal(doc, &decoded); err != nil {
			t.Fatal(err)
		}
		if want := append(libraryEncode(t, decoded), '\n'); !bytes.Equal(doc, want) {
			t.Errorf("Build(%q) differs from the library's encoding:\n%s\nwant\n%s", name, doc, want)
		}
	}
}

func FuzzEncodeMatchesLibrary(f *testing.F) {
	f.Add("someone@btinternet.com", "Some One", "mail.btinternet.com", 993, true)
	f.Add(`<&">'`, "\t\n\r", "\x00\xff\ufffd", -1, false)
	f.Fuzz(func(t *testing.T, s1, s2, s3 string, n int, b bool) {
		doc := fuzzDoc(s1, s2, s3, n, b)
		if got, want := encode(nil, doc), libraryEncode(t, doc); !bytes.Equal(got, want) {
			t.Fatalf("encode() =\n%q\nwant\n%q", got, want)
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
	}
	const provider, email, org = "BT {email} ({organization})", "a@b.com", "Org"
	replacer := strings.NewReplacer("{provider}", provider, "{email}", email, "{organization}", org)
	for _, tt := range tests {
		got := expandTemplate(tt.template, provider, email, org)
		if got != tt.want {
			t.Errorf("expandTemplate(%q) = %q, want %q", tt.template, got, tt.want)
		}
		if want := replacer.Replace(tt.template); got != want {
			t.Errorf("expandTemplate(%q) = %q, strings.Replacer gives %q", tt.template, got, want)
		}
	}
}
