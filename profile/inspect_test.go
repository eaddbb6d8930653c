package profile

import (
	"os"
	"strings"
	"testing"
)

func TestParseGolden(t *testing.T) {
	for _, name := range []string{"bt-imap.plist", "bt-pop.plist", "escaped-name.plist"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Parse(data)
		if err != nil {
			t.Fatalf("Parse(%s) error: %v", name, err)
		}
		if len(sum.Problems) > 0 {
			t.Errorf("Parse(%s) problems: %v", name, sum.Problems)
		}
		if len(sum.Payloads) != 1 || sum.Payloads[0].Mail == nil {
			t.Fatalf("Parse(%s) payloads = %+v, want one mail payload", name, sum.Payloads)
		}
		if got := sum.Payloads[0].Mail.Incoming.Host; got != "mail.btinternet.com" {
			t.Errorf("Parse(%s) incoming host = %q", name, got)
		}
	}
}

func TestParseProblems(t *testing.T) {
	good, err := os.ReadFile("testdata/bt-imap.plist")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		edit    func(string) string
		problem string
	}{
		{"string port", func(s string) string {
			return strings.Replace(s, "<integer>993</integer>", "<string>993</string>", 1)
		}, "payload 1: IncomingMailServerPortNumber is string, want an integer"},
		{"missing UseSSL", func(s string) string {
			return strings.Replace(s, "<key>IncomingMailServerUseSSL</key>\n<true/>", "", 1)
		}, "payload 1: IncomingMailServerUseSSL is not set (its default is false)"},
		{"password", func(s string) string {
			return strings.Replace(s, "<key>PayloadType</key>", "<key>IncomingPassword</key><string>hunter2</string><key>PayloadType</key>", 1)
		}, "payload 1: IncomingPassword is set: anyone with the file can read it"},
		{"empty host", func(s string) string {
			return strings.Replace(s, "<string>mail.btinternet.com</string>", "<string></string>", 1)
		}, "payload 1: required key IncomingMailServerHostName is empty"},
		{"bad auth", func(s string) string {
			return strings.Replace(s, "EmailAuthPassword", "OAuth2", 1)
		}, `payload 1: IncomingMailServerAuthentication "OAuth2" is not an EmailAuth value`},
		{"wrong type", func(s string) string {
			return strings.Replace(s, "<string>Configuration</string>", "<string>Other</string>", 1)
		}, `profile: PayloadType is "Other", want Configuration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := Parse([]byte(tt.edit(string(good))))
			if err != nil {
				t.Fatalf("Parse() error: %v", err)
			}
			found := false
			for _, p := range sum.Problems {
				found = found || p == tt.problem
			}
			if !found {
				t.Errorf("Parse() problems = %q, want %q among them", sum.Problems, tt.problem)
			}
		})
	}
	for _, bad := range []string{"", "not a plist", "<plist><array/></plist>", "\x30\x82\x01"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) = nil error, want one", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"bt-imap.plist", "bt-pop.plist", "outlook-exchange.plist", "gmail-google.plist"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse(data) // must not panic
	})
}
