package profile

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Limits from RFC 5321 §4.5.3.1.
const (
	maxLocalLen   = 64
	maxDomainLen  = 253
	maxLabelLen   = 63
	maxAddressLen = 254
	// maxInputLen bounds the work done on raw input before any parsing.
	maxInputLen = 1024
)

// Address is a validated, normalised email address: the local part as
// typed, the domain lower-cased in A-label (ASCII) form.
type Address struct {
	Local  string
	Domain string
}

// String returns local@domain.
func (a Address) String() string { return a.Local + "@" + a.Domain }

// stringAs returns a.String(), made of s when s spells it already, as
// the username of most accounts does: a profile then makes one string
// less.
func (a Address) stringAs(s string) string {
	if len(s) == len(a.Local)+1+len(a.Domain) && s[len(a.Local)] == '@' &&
		strings.HasPrefix(s, a.Local) && strings.HasSuffix(s, a.Domain) {
		return s
	}
	return a.String()
}

// Key returns the normalised form used for identifiers and caching: the
// whole address lower-cased. Mail providers treat local parts
// case-insensitively in practice, and Fred@ and fred@ must not become two
// accounts on one device.
func (a Address) Key() string { return strings.ToLower(a.String()) }

// idnaProfile converts international domain names to A-labels with the
// checks browsers and registries apply (UTS #46, non-transitional).
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.ValidateLabels(true),
	idna.StrictDomainName(true),
	idna.Transitional(false),
)

func addrError(format string, args ...any) error {
	return &InputError{Field: "email", Message: fmt.Sprintf(format, args...)}
}

// ParseAddress parses a bare RFC 5322 addr-spec (no display name, no angle
// brackets, no comments). The local part is a dot-atom or a quoted string
// of printable ASCII; the domain is a host name, given in Unicode or ASCII.
// Errors are *InputError with a message fit for the person who typed it.
func ParseAddress(s string) (Address, error) {
	if len(s) > maxInputLen {
		return Address{}, addrError("this is too long to be an email address (at most %d characters)", maxAddressLen)
	}
	s = strings.Trim(s, " ")
	if s == "" {
		return Address{}, addrError("enter your email address")
	}
	if !utf8.ValidString(s) {
		return Address{}, addrError("the address contains bytes that are not valid text")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return Address{}, addrError("the address contains a control character or line break")
		}
		if isInvisible(r) {
			return Address{}, addrError("the address contains an invisible or direction-changing character (U+%04X)", r)
		}
	}
	if strings.HasSuffix(s, ">") && strings.Contains(s, "<") {
		return Address{}, addrError("enter only the address, as in name@example.com, without a name or angle brackets")
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return Address{}, addrError("an email address needs an @, as in name@example.com")
	}
	local, domain := s[:at], s[at+1:]
	if err := checkLocal(local); err != nil {
		return Address{}, err
	}
	d, err := normaliseDomain(domain)
	if err != nil {
		return Address{}, err
	}
	a := Address{Local: local, Domain: d}
	if n := len(a.String()); n > maxAddressLen {
		return Address{}, addrError("the address is %d characters long; the limit is %d", n, maxAddressLen)
	}
	return a, nil
}

// isInvisible reports format characters that make an address look like
// another one: bidi controls, zero-width characters, the BOM.
func isInvisible(r rune) bool {
	switch {
	case r == 0xad, r == 0x34f, r == 0x61c, r == 0x180e:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2060 && r <= 0x206f:
		return true
	case r == 0xfeff, r >= 0xfff0 && r <= 0xfffb:
		return true
	}
	return false
}

// atext is RFC 5322 §3.2.3 atext.
func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

func checkLocal(local string) error {
	switch {
	case local == "":
		return addrError("the part before the @ is missing")
	case len(local) > maxLocalLen:
		return addrError("the part before the @ is %d characters long; the limit is %d", len(local), maxLocalLen)
	}
	if local[0] == '"' {
		return checkQuotedLocal(local)
	}
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return addrError("the part before the @ cannot start or end with a dot or have two dots in a row")
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '.' || isAtext(c) {
			continue
		}
		if c >= 0x80 {
			return addrError("the part before the @ may only use the letters a–z, digits and !#$%%&'*+-/=?^_`{|}~.")
		}
		if c == '@' {
			return addrError("the address has more than one @")
		}
		return addrError("the part before the @ cannot contain %q", c)
	}
	return nil
}

// checkQuotedLocal accepts an RFC 5322 quoted-string of printable ASCII.
func checkQuotedLocal(local string) error {
	if len(local) < 2 || local[len(local)-1] != '"' {
		return addrError("a quoted part before the @ must end with a quote")
	}
	body := local[1 : len(local)-1]
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\':
			i++
			if i == len(body) {
				return addrError("a quoted part before the @ cannot end with a backslash")
			}
		case c == '"':
			return addrError("a quote inside a quoted part must be escaped with a backslash")
		case c >= 0x80:
			return addrError("the part before the @ may only use ASCII characters")
		}
	}
	return nil
}

func normaliseDomain(domain string) (string, error) {
	domain = strings.TrimSuffix(domain, ".")
	switch {
	case domain == "":
		return "", addrError("the part after the @ is missing")
	case strings.HasPrefix(domain, "["):
		return "", addrError("addresses with an IP address instead of a domain name are not supported")
	case len(domain) > maxDomainLen*4:
		return "", addrError("the domain is too long (at most %d characters)", maxDomainLen)
	}
	ascii, err := idnaProfile.ToASCII(domain)
	if err != nil {
		return "", addrError("%s is not a valid domain name", quote(domain))
	}
	ascii = strings.ToLower(ascii)
	if ascii != domain {
		// x/net/idna decides whether the Bidi Rule applies from the
		// characters before mapping, so a left-to-right symbol that maps to
		// a right-to-left letter (U+2135 ALEF SYMBOL to U+05D0) passes
		// unchecked and gives an A-label that the same profile rejects.
		// The A-label is what mail clients look up: it must stand alone.
		if _, err := idnaProfile.ToASCII(ascii); err != nil {
			return "", addrError("%s is not a valid domain name", quote(domain))
		}
	}
	if len(ascii) > maxDomainLen {
		return "", addrError("the domain is %d characters long; the limit is %d", len(ascii), maxDomainLen)
	}
	if strings.IndexByte(ascii, '.') < 0 {
		return "", addrError("%s is not a full domain name; it needs a dot, as in example.com", quote(domain))
	}
	var l string // label by label without a slice of them
	for rest, more := ascii, true; more; {
		l, rest, more = strings.Cut(rest, ".")
		if err := checkLabel(l); err != nil {
			return "", err
		}
	}
	if strings.Trim(l, "0123456789") == "" { // the last label, the TLD
		return "", addrError("addresses with an IP address instead of a domain name are not supported")
	}
	return ascii, nil
}

// checkLabel applies the host name rules of RFC 1123 §2.1 to one label.
func checkLabel(l string) error {
	switch {
	case l == "":
		return addrError("the domain has an empty part (two dots in a row, or a leading dot)")
	case len(l) > maxLabelLen:
		return addrError("a part of the domain is %d characters long; the limit is %d", len(l), maxLabelLen)
	case l[0] == '-' || l[len(l)-1] == '-':
		return addrError("a part of the domain cannot start or end with a hyphen")
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return addrError("the domain can only use letters, digits, hyphens and dots")
		}
	}
	return nil
}

// quote quotes user input for a message, shortened to keep messages short.
func quote(s string) string {
	const max = 64
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
