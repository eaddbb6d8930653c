package profile

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAddress(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantLocal  string
		wantDomain string
	}{
		{name: "plain", in: "someone@btinternet.com", wantLocal: "someone", wantDomain: "btinternet.com"},
		{name: "domain lower-cased", in: "Some.One@BTInternet.COM", wantLocal: "Some.One", wantDomain: "btinternet.com"},
		{name: "surrounding spaces", in: "  a@b.co  ", wantLocal: "a", wantDomain: "b.co"},
		{name: "trailing dot", in: "a@example.com.", wantLocal: "a", wantDomain: "example.com"},
		{name: "plus tag", in: "a+tag@example.com", wantLocal: "a+tag", wantDomain: "example.com"},
		{name: "atext symbols", in: "!#$%&'*+-/=?^_`{|}~@example.com", wantLocal: "!#$%&'*+-/=?^_`{|}~", wantDomain: "example.com"},
		{name: "quoted local", in: `"john doe"@example.com`, wantLocal: `"john doe"`, wantDomain: "example.com"},
		{name: "quoted with escape", in: `"a\"b"@example.com`, wantLocal: `"a\"b"`, wantDomain: "example.com"},
		{name: "IDN to A-label", in: "user@bücher.example", wantLocal: "user", wantDomain: "xn--bcher-kva.example"},
		{name: "IDN upper case", in: "user@BÜCHER.de", wantLocal: "user", wantDomain: "xn--bcher-kva.de"},
		{name: "A-label kept", in: "user@xn--bcher-kva.de", wantLocal: "user", wantDomain: "xn--bcher-kva.de"},
		{name: "64-octet local", in: strings.Repeat("a", 64) + "@example.com", wantLocal: strings.Repeat("a", 64), wantDomain: "example.com"},
		{name: "63-octet label", in: "a@" + strings.Repeat("b", 63) + ".com", wantLocal: "a", wantDomain: strings.Repeat("b", 63) + ".com"},
		{name: "last @ splits", in: `"a@b"@example.com`, wantLocal: `"a@b"`, wantDomain: "example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAddress(tt.in)
			if err != nil {
				t.Fatalf("ParseAddress(%q) error: %v", tt.in, err)
			}
			if got.Local != tt.wantLocal || got.Domain != tt.wantDomain {
				t.Errorf("ParseAddress(%q) = %q, %q; want %q, %q", tt.in, got.Local, got.Domain, tt.wantLocal, tt.wantDomain)
			}
		})
	}
}

func TestParseAddressRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the user-facing message
	}{
		{name: "empty", in: "", want: "enter your email address"},
		{name: "spaces only", in: "   ", want: "enter your email address"},
		{name: "no at", in: "someone.btinternet.com", want: "an email address needs an @, as in name@example.com"},
		{name: "CRLF injection", in: "a@example.com\r\nBcc: x@evil.com", want: "the address contains a control character or line break"},
		{name: "LF", in: "a\n@example.com", want: "the address contains a control character or line break"},
		{name: "NUL", in: "a\x00@example.com", want: "the address contains a control character or line break"},
		{name: "tab", in: "a\t@example.com", want: "the address contains a control character or line break"},
		{name: "DEL", in: "a\x7f@example.com", want: "the address contains a control character or line break"},
		{name: "C1 control", in: "a\u0085@example.com", want: "the address contains a control character or line break"},
		{name: "bidi override", in: "a\u202e@example.com", want: "the address contains an invisible or direction-changing character (U+202E)"},
		{name: "zero width space", in: "a@exa\u200bmple.com", want: "the address contains an invisible or direction-changing character (U+200B)"},
		{name: "invalid UTF-8", in: "a\xff@example.com", want: "the address contains bytes that are not valid text"},
		{name: "300-char local part", in: strings.Repeat("a", 300) + "@btinternet.com", want: "the part before the @ is 300 characters long; the limit is 64"},
		{name: "65-char local part", in: strings.Repeat("a", 65) + "@example.com", want: "the part before the @ is 65 characters long; the limit is 64"},
		{name: "script tag", in: "<script>alert(1)</script>@example.com", want: `the part before the @ cannot contain '<'`},
		{name: "script in domain", in: "a@<script>.com", want: `"<script>.com" is not a valid domain name`},
		{name: "empty local", in: "@example.com", want: "the part before the @ is missing"},
		{name: "empty domain", in: "a@", want: "the part after the @ is missing"},
		{name: "leading dot", in: ".a@example.com", want: "the part before the @ cannot start or end with a dot or have two dots in a row"},
		{name: "double dot", in: "a..b@example.com", want: "the part before the @ cannot start or end with a dot or have two dots in a row"},
		{name: "space in local", in: "a b@example.com", want: `the part before the @ cannot contain ' '`},
		{name: "two ats", in: "a@b@example.com", want: "the address has more than one @"},
		{name: "non-ASCII local", in: "jösé@example.com", want: "the part before the @ may only use the letters a–z, digits and !#$%&'*+-/=?^_`{|}~."},
		{name: "unterminated quote", in: `"abc@example.com`, want: "a quoted part before the @ must end with a quote"},
		{name: "unescaped quote", in: `"a"b"@example.com`, want: "a quote inside a quoted part must be escaped with a backslash"},
		{name: "single label", in: "a@localhost", want: `"localhost" is not a full domain name; it needs a dot, as in example.com`},
		{name: "domain literal", in: "a@[127.0.0.1]", want: "addresses with an IP address instead of a domain name are not supported"},
		{name: "bare IP", in: "a@127.0.0.1", want: "addresses with an IP address instead of a domain name are not supported"},
		{name: "double dot domain", in: "a@example..com", want: "the domain has an empty part (two dots in a row, or a leading dot)"},
		{name: "hyphen label", in: "a@-example.com", want: `"-example.com" is not a valid domain name`},
		{name: "underscore", in: "a@ex_ample.com", want: `"ex_ample.com" is not a valid domain name`},
		{name: "64-octet label", in: "a@" + strings.Repeat("b", 64) + ".com", want: "a part of the domain is 64 characters long; the limit is 63"},
		{name: "overlong domain", in: "a@" + strings.Repeat(strings.Repeat("b", 60)+".", 5) + "com", want: "the domain is 308 characters long; the limit is 253"},
		{name: "huge input", in: strings.Repeat("a", 5000), want: "this is too long to be an email address (at most 254 characters)"},
		{name: "display name form", in: "Bob <bob@example.com>", want: "enter only the address, as in name@example.com, without a name or angle brackets"},
		{name: "symbol mapped to right-to-left letter", in: "a@0\u2135.com", want: "\"0\u2135.com\" is not a valid domain name"},
		{name: "its A-label", in: "a@xn--0-0hc.com", want: `"xn--0-0hc.com" is not a valid domain name`},
		{name: "long bad domain shortened", in: "a@" + strings.Repeat("é_", 40) + ".com", want: `"` + strings.Repeat("é_", 32) + `…" is not a valid domain name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAddress(tt.in)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("ParseAddress(%q) = %v, %v; want *InputError", tt.in, got, err)
			}
			if ie.Field != "email" {
				t.Errorf("ParseAddress(%q) field = %q, want email", tt.in, ie.Field)
			}
			if ie.Message != tt.want {
				t.Errorf("ParseAddress(%q) message = %q, want %q", tt.in, ie.Message, tt.want)
			}
		})
	}
}

func TestAddressKey(t *testing.T) {
	a, _ := ParseAddress("Fred@Example.COM")
	b, _ := ParseAddress("fred@example.com")
	if a.Key() != b.Key() {
		t.Errorf("Key() = %q and %q, want equal", a.Key(), b.Key())
	}
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"someone@btinternet.com", `"a b"@example.com`, "user@bücher.example", "a@b", "a\r\n@b.com", "<x>@y.z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAddress(s)
		if err != nil {
			var ie *InputError
			if !errors.As(err, &ie) || ie.Message == "" {
				t.Fatalf("ParseAddress(%q) error %v is not a user-facing *InputError", s, err)
			}
			return
		}
		full := a.String()
		if len(full) > maxAddressLen || len(a.Local) > maxLocalLen || len(a.Domain) > maxDomainLen {
			t.Fatalf("ParseAddress(%q) = %q exceeds the limits", s, full)
		}
		if strings.ContainsAny(full, "\r\n\x00<>") && !strings.HasPrefix(a.Local, `"`) {
			t.Fatalf("ParseAddress(%q) = %q holds a forbidden character", s, full)
		}
		if a.Domain != strings.ToLower(a.Domain) {
			t.Fatalf("ParseAddress(%q) domain %q is not lower-case", s, a.Domain)
		}
		// Normalised output parses to itself.
		again, err := ParseAddress(full)
		if err != nil || again != a {
			t.Fatalf("ParseAddress(%q) = %v, %v; want %v", full, again, err, a)
		}
	})
}

func TestAddressStringAs(t *testing.T) {
	a := Address{Local: "Some.One", Domain: "btinternet.com"}
	for _, s := range []string{"Some.One@btinternet.com", "some.one@btinternet.com", "Some.One", "", "Some.One@btinternet.co", "Some.One+btinternet.com", "Some.On@ebtinternet.com"} {
		if got := a.stringAs(s); got != a.String() {
			t.Errorf("%q.stringAs(%q) = %q, want %q", a, s, got, a.String())
		}
	}
}
