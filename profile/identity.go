package profile

import (
	"crypto/sha256"
	"unicode/utf8"
)

// Identifiers derive every identifier of a profile from the address, so that
// a second download replaces the installed profile (same top-level
// PayloadIdentifier) and updates the mail account in place (same payload
// PayloadIdentifier and PayloadUUID), while two addresses never collide.
// https://developer.apple.com/documentation/devicemanagement/toplevel
type Identifiers struct {
	Profile     string // top-level PayloadIdentifier
	ProfileUUID string
	Payload     string // the account payload's PayloadIdentifier
	PayloadUUID string
}

// deriveIdentifiers computes the identifiers for acct. The top-level
// identifier depends on the address only, so switching between IMAP, POP,
// Exchange and Google replaces the profile instead of adding a second
// account; the UUIDs also depend on the kind, so the device recreates the
// account instead of editing an IMAP account into a POP one. The payload
// identifier ends in .mail for IMAP and POP (as before Exchange and
// Google, so their UUIDs are unchanged), else in the kind.
//
// A profile with calendars or contacts keeps the address's identifier,
// so it replaces a mail-only one and the other way round; its top-level
// UUID also depends on the services, so that two different profiles never
// share one, while a mail-only profile's is what it always was.
//
// Both identifiers are cut from one string: the payload's is the
// profile's and its last part.
func deriveIdentifiers(prefix string, secret []byte, acct Account) Identifiers {
	part := payloadPart(acct.Protocol)
	var buf [320]byte // a usual identifier fits
	b := appendAddressIdentifier(buf[:0], prefix, acct.Address)
	n := len(b)
	payload := string(append(append(b, '.'), part...))
	return identifiersOf(payload[:n], payload, part, secret, acct.Protocol, acct.Services)
}

// identifiersFor derives the identifiers of a profile of kind p with the
// services svc whose top-level identifier is id: an MDM template's
// (BuildTemplate); an address's is made by deriveIdentifiers.
func identifiersFor(id string, secret []byte, p Protocol, svc Services) Identifiers {
	part := payloadPart(p)
	return identifiersOf(id, id+"."+part, part, secret, p, svc)
}

// payloadPart is the last part of the account payload's identifier.
func payloadPart(p Protocol) string {
	if p == Exchange || p == Google {
		return string(p)
	}
	return "mail"
}

// identifiersOf is identifiersFor with the payload's identifier, id.part,
// already made.
func identifiersOf(id, payload, part string, secret []byte, p Protocol, svc Services) Identifiers {
	var uuids [72]byte // both UUIDs, made into one string
	if svc := svc.Effective(); svc != ServiceMail {
		putDerivedUUID((*[36]byte)(uuids[:36]), secret, id, "profile", string(p), svc.String())
	} else {
		putDerivedUUID((*[36]byte)(uuids[:36]), secret, id, "profile", string(p))
	}
	putDerivedUUID((*[36]byte)(uuids[36:]), secret, id, part, string(p))
	both := string(uuids[:])
	return Identifiers{
		Profile:     id,
		ProfileUUID: both[:36],
		Payload:     payload,
		PayloadUUID: both[36:],
	}
}

// serviceIdentifiers are the PayloadIdentifier and PayloadUUID of the
// CalDAV (service ServiceCalendar) or CardDAV (ServiceContacts) payload
// for addr: id.caldav or id.carddav. They depend on the address and the
// service only, not on the kind of mail account beside them or on the
// server, so a new download updates the installed calendar or contacts
// account in place.
func serviceIdentifiers(prefix string, secret []byte, addr Address, service Services) (identifier, uuid string) {
	part := "caldav"
	if service == ServiceContacts {
		part = "carddav"
	}
	var buf [320]byte
	b := appendAddressIdentifier(buf[:0], prefix, addr)
	n := len(b)
	identifier = string(append(append(b, '.'), part...))
	return identifier, derivedUUID(secret, identifier[:n], part)
}

// appendAddressIdentifier appends prefix + "." + escapeIdentifier(a.Key())
// without making the two strings in between: an ASCII address is
// lower-cased byte by byte, as strings.ToLower does it.
func appendAddressIdentifier(b []byte, prefix string, a Address) []byte {
	b = append(append(b, prefix...), '.')
	if !isASCII(a.Local) || !isASCII(a.Domain) {
		return appendEscapedIdentifier(b, a.Key(), false)
	}
	b = appendEscapedIdentifier(b, a.Local, true)
	b = appendEscapedIdentifier(b, "@", false)
	return appendEscapedIdentifier(b, a.Domain, true)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// escapeIdentifier makes an address fit a reverse-DNS identifier, one to
// one: ASCII letters, digits, '-' and '.' stay; every other byte, '_'
// included, becomes _XX, so distinct addresses stay distinct
// ("a@b.com" -> "a_40b.com").
func escapeIdentifier(s string) string {
	return string(appendEscapedIdentifier(make([]byte, 0, len(s)+8), s, false))
}

// appendEscapedIdentifier appends escapeIdentifier(s), or with lower
// escapeIdentifier(strings.ToLower(s)) for an ASCII s.
func appendEscapedIdentifier(b []byte, s string, lower bool) []byte {
	const hexdigits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if lower && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.':
			b = append(b, c)
		default:
			b = append(b, '_', hexdigits[c>>4], hexdigits[c&0xf])
		}
	}
	return b
}

// derivedUUID is an RFC 9562 (successor of RFC 4122) version 8 UUID whose
// bits come from HMAC-SHA-256 of the parts, each followed by a zero byte,
// under the installation's secret: stable for the same inputs, unguessable
// without the secret, and unrelated between installations.
//
// The HMAC (RFC 2104) is computed with two sha256.Sum256 calls over
// buffers on the stack rather than crypto/hmac, whose hmac.New allocates
// two hash states and the padded keys on every call; TestDerivedUUIDHMAC
// and FuzzDerivedUUID hold it to crypto/hmac.
func derivedUUID(secret []byte, parts ...string) string {
	var out [36]byte
	putDerivedUUID(&out, secret, parts...)
	return string(out[:])
}

// putDerivedUUID writes derivedUUID(secret, parts...) to out.
func putDerivedUUID(out *[36]byte, secret []byte, parts ...string) {
	const block = sha256.BlockSize
	var key [block]byte
	if len(secret) > block {
		k := sha256.Sum256(secret)
		copy(key[:], k[:])
	} else {
		copy(key[:], secret)
	}
	var buf [256]byte
	msg := buf[:0]
	for _, b := range key {
		msg = append(msg, b^0x36)
	}
	for _, p := range parts {
		msg = append(msg, p...)
		msg = append(msg, 0)
	}
	inner := sha256.Sum256(msg)
	msg = buf[:0]
	for _, b := range key {
		msg = append(msg, b^0x5c)
	}
	msg = append(msg, inner[:]...)
	sum := sha256.Sum256(msg)

	u := sum[:16]
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	const hexdigits = "0123456789ABCDEF"
	j := 0
	for i, b := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hexdigits[b>>4], hexdigits[b&0xf]
		j += 2
	}
}
