package profile

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxNameLen is the longest display name accepted, in characters.
const MaxNameLen = 100

// ParseName validates the sender's display name. It must be valid UTF-8
// without control characters or characters XML cannot hold; everything else
// is kept exactly as typed (the plist encoder escapes it).
func ParseName(s string) (string, error) {
	if err := checkText(s, MaxNameLen); err != nil {
		return "", &InputError{Field: "name", Message: "the name " + err.Error()}
	}
	return s, nil
}

// checkText rejects text that cannot be carried faithfully in a plist.
func checkText(s string, max int) error {
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return fmt.Errorf("is %d characters long; the limit is %d", n, max)
	}
	for _, r := range s {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			return errors.New("contains a control character or line break")
		case r == 0xfffe, r == 0xffff:
			return fmt.Errorf("contains the non-character U+%04X", r)
		}
	}
	return nil
}
