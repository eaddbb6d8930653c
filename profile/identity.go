package profile

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Identifiers derive every identifier of a profile from the address, so that
// a second download replaces the installed profile (same top-level
// PayloadIdentifier) and updates the mail account in place (same payload
// PayloadIdentifier and PayloadUUID), while two addresses never collide.
// https://developer.apple.com/documentation/devicemanagement/toplevel
type Identifiers struct {
	Profile     string // top-level PayloadIdentifier
	ProfileUUID string
	Mail        string // mail payload PayloadIdentifier
	MailUUID    string
}

// deriveIdentifiers computes the identifiers for acct. The top-level
// identifier depends on the address only, so switching between IMAP and POP
// replaces the profile; the UUIDs also depend on the protocol, so the device
// recreates the account instead of editing an IMAP account into a POP one.
func deriveIdentifiers(prefix string, secret []byte, acct Account) Identifiers {
	id := prefix + "." + escapeIdentifier(acct.Address.Key())
	return Identifiers{
		Profile:     id,
		ProfileUUID: derivedUUID(secret, id, "profile", string(acct.Protocol)),
		Mail:        id + ".mail",
		MailUUID:    derivedUUID(secret, id, "mail", string(acct.Protocol)),
	}
}

// escapeIdentifier makes an address fit a reverse-DNS identifier, one to
// one: ASCII letters, digits, '-' and '.' stay; every other byte, '_'
// included, becomes _XX, so distinct addresses stay distinct
// ("a@b.com" -> "a_40b.com").
func escapeIdentifier(s string) string {
	const hexdigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
			b.WriteByte(hexdigits[c>>4])
			b.WriteByte(hexdigits[c&0xf])
		}
	}
	return b.String()
}

// derivedUUID is an RFC 9562 (successor of RFC 4122) version 8 UUID whose
// bits come from HMAC-SHA-256 of the parts under the installation's secret:
// stable for the same inputs, unguessable without the secret, and unrelated
// between installations.
func derivedUUID(secret []byte, parts ...string) string {
	m := hmac.New(sha256.New, secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	var u [16]byte
	copy(u[:], m.Sum(nil))
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	h := strings.ToUpper(hex.EncodeToString(u[:]))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
