package profile

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseName checks the display-name validator: what it accepts is the
// input with the white space around it trimmed, is valid UTF-8 of at most
// MaxNameLen characters without control characters, line breaks or
// U+FEFF, is accepted again unchanged, and builds into a profile that
// parses back to it.
func FuzzParseName(f *testing.F) {
	for _, s := range []string{"", "Some One", `Tom & "Jerry" <script>`, "Ren\u00e9e", "a\x07b", "\xff", "Some\u2028One", strings.Repeat("😀", 100),
		"  Some One  ", "   ", "\t", "\u3000\u00a0", "Some One\u2029", "\ufeffSome One", "Some\ufeffOne", " \u2028 "} {
		f.Add(s)
	}
	addr := Address{Local: "someone", Domain: "example.com"}
	f.Fuzz(func(t *testing.T, s string) {
		name, err := ParseName(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "name" || ie.Message == "" || !utf8.ValidString(ie.Message) {
				t.Fatalf("ParseName(%q) error %v is not a user-facing *InputError for the name", s, err)
			}
			return
		}
		if name != strings.Trim(s, " \t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000") {
			t.Fatalf("ParseName(%q) = %q, want it with only the white space around it trimmed", s, name)
		}
		if !utf8.ValidString(name) || utf8.RuneCountInString(name) > MaxNameLen || strings.ContainsAny(name, "\x00\t\r\n\x7f\u0085\u2028\u2029\ufeff") {
			t.Fatalf("ParseName(%q) accepted a name it should refuse", s)
		}
		if again, err := ParseName(name); err != nil || again != name {
			t.Fatalf("ParseName(%q) = %q, %v; want %q accepted unchanged", name, again, err, name)
		}
		acct := Account{Address: addr, Name: name, Protocol: IMAP,
			Incoming: Server{Host: "imap.example.com", Port: 993, UseSSL: true, Auth: AuthPassword, Username: addr.String()},
			Outgoing: Server{Host: "smtp.example.com", Port: 465, UseSSL: true, Auth: AuthPassword, Username: addr.String()}}
		doc, err := Build(acct, testOptions)
		if err != nil {
			t.Fatalf("Build() with name %q = %v", name, err)
		}
		sum, err := Parse(doc)
		if err != nil || len(sum.Problems) > 0 {
			t.Fatalf("Build() with name %q does not parse cleanly: %v %v", name, err, sum)
		}
	})
}

// FuzzParseProtocol checks the type parameter: only the known spellings
// are accepted, and the error quotes the input safely and briefly.
func FuzzParseProtocol(f *testing.F) {
	for _, s := range []string{"", "imap", "IMAP", "pop", "pop3", "POP3", "exchange", "EXCHANGE", "google", "GOOGLE",
		"Exchange", "gmail", "eas", "Imap", "imap\x00", strings.Repeat("é", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseProtocol(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != "type" || !utf8.ValidString(ie.Message) || len(ie.Message) > 200 {
				t.Fatalf("ParseProtocol(%q) error %v is not a short user-facing *InputError", s, err)
			}
			return
		}
		if p == Auto {
			if s != "" {
				t.Fatalf("ParseProtocol(%q) = no choice, want that only for the empty string", s)
			}
			return
		}
		if !slices.Contains(Kinds, p) {
			t.Fatalf("ParseProtocol(%q) = %q, want imap, pop, exchange or google", s, p)
		}
		if again, err := ParseProtocol(string(p)); err != nil || again != p {
			t.Fatalf("ParseProtocol(%q) = %q, %v; want %q", p, again, err, p)
		}
	})
}
