package profile

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest display name accepted, in characters.
const MaxNameLen = 100

// ParseName validates the sender's display name and returns it with the
// white space around it trimmed; a name of only white space is no name
// (""). White space here is the tab and the Unicode space separators
// (U+0020, U+00A0, U+3000, …). A line break is never white space to trim:
// a name is one line, so CR, LF, U+2028 and U+2029 are refused wherever
// they are, like the other control characters and U+FEFF. Everything else
// is kept exactly as typed (the plist encoder escapes it).
//
// Every entry point (the pages, the API, the download, the helpdesk and
// the command line) goes through ParseName, and Build refuses a name that
// ParseName would change, so they all agree.
func ParseName(s string) (string, error) {
	s = strings.TrimFunc(s, isNameSpace)
	if err := checkText(s, MaxNameLen); err != nil {
		return "", &InputError{Field: "name", Message: "the name " + err.Error()}
	}
	return s, nil
}

// checkName is Build's check of a display name: what ParseName returns.
func checkName(s string) error {
	if err := checkText(s, MaxNameLen); err != nil {
		return err
	}
	if strings.TrimFunc(s, isNameSpace) != s {
		return errors.New("has white space at either end")
	}
	return nil
}

// isNameSpace reports the white space trimmed from around a name.
func isNameSpace(r rune) bool { return r == '\t' || unicode.Is(unicode.Zs, r) }

// checkText rejects text that cannot be carried faithfully in a plist, or
// that would break the line it is shown on.
func checkText(s string, max int) error {
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("is %d characters long; the limit is %d", n, max)
	}
	for _, r := range s {
		switch {
		case isControl(r):
			return errors.New("contains a control character or line break")
		case r == 0xfffe, r == 0xffff:
			return fmt.Errorf("contains the non-character U+%04X", r)
		}
	}
	return nil
}

// isControl reports the C0 and C1 controls and DEL, the Unicode line and
// paragraph separators (line breaks to every text renderer), and U+FEFF
// (a byte order mark, invisible inside text).
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 || r == 0xfeff
}
