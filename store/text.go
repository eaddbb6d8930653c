package store

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits on free text that visitors send, such as the User-Agent header.
const (
	maxUserAgent = 512
	maxDevice    = 64
	maxRecipient = 320
	maxDetail    = 512
)

// cleanText makes s storable in both databases (PostgreSQL refuses invalid
// UTF-8 and NUL) and cuts it to at most max bytes on a character boundary.
func cleanText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

// checkText rejects a field that the caller should have validated: empty
// when required, too long, not UTF-8 or holding control characters.
func checkText(field, s string, required bool, max int) error {
	switch {
	case s == "" && required:
		return fmt.Errorf("%s is empty", field)
	case len(s) > max:
		return fmt.Errorf("%s is longer than %d bytes", field, max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%s is not valid UTF-8", field)
	case strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("%s contains control characters", field)
	}
	return nil
}
