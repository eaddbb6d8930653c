package profile

import (
	"fmt"
	"strings"
)

// Services is the set of things a profile sets up for an address: the
// mail account, the calendars (a CalDAV account) and the contacts (a
// CardDAV account). The zero value is mail only, what every profile was
// before calendars and contacts, so callers that never name services
// build the profiles they always did.
//
// CalDAV and CardDAV accounts go with the mail kinds (IMAP, POP) only:
// an Exchange account syncs calendars and contacts itself, and a Google
// account lets the person choose them on Google's page, so neither takes
// a CalDAV or CardDAV payload beside it.
type Services uint8

// The services, as bits of a Services set.
const (
	ServiceMail Services = 1 << iota
	ServiceCalendar
	ServiceContacts
)

// AllServices is every service there is.
const AllServices = ServiceMail | ServiceCalendar | ServiceContacts

// serviceNames are the names ParseServices reads and String writes, in
// the canonical order.
var serviceNames = [...]struct {
	s    Services
	name string
}{{ServiceMail, "mail"}, {ServiceCalendar, "calendar"}, {ServiceContacts, "contacts"}}

// maxServicesLen bounds what ParseServices reads: the longest sensible
// list, repeated, is well under it.
const maxServicesLen = 200

// ParseServices reads the services parameter: names from mail, calendar
// and contacts, separated by commas (a form with checkboxes sends the
// parameter once per box, which callers join with commas), in any order
// and case, repeats allowed. An empty string is the zero value: the
// caller's default. Errors are *InputError for the field "services".
func ParseServices(s string) (Services, error) {
	if len(s) > maxServicesLen {
		return 0, servicesError("the list of services is too long: choose from mail, calendar and contacts")
	}
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	var out Services
	for _, item := range strings.Split(s, ",") {
		name := strings.ToLower(strings.TrimSpace(item))
		if name == "" {
			continue // "mail,,calendar": nothing asked for there
		}
		found := false
		for _, n := range serviceNames {
			if n.name == name {
				out |= n.s
				found = true
			}
		}
		if !found {
			return 0, servicesError(fmt.Sprintf("unknown service %q: choose from mail, calendar and contacts", truncateRunes(name, 16)))
		}
	}
	if out == 0 {
		return 0, servicesError("choose at least one service: mail, calendar or contacts")
	}
	return out, nil
}

func servicesError(msg string) error { return &InputError{Field: "services", Message: msg} }

// truncateRunes cuts s to n runes, marking the cut.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Effective is s with the zero value read as mail only.
func (s Services) Effective() Services {
	if s == 0 {
		return ServiceMail
	}
	return s
}

// Has reports whether s (read as Effective) holds every service of x.
func (s Services) Has(x Services) bool { return s.Effective()&x == x }

// DAV reports whether s holds calendars or contacts.
func (s Services) DAV() bool { return s&(ServiceCalendar|ServiceContacts) != 0 }

// String is the canonical form of s, which ParseServices reads back:
// "mail,calendar,contacts" in that order, leaving out what s lacks; ""
// for the zero value.
func (s Services) String() string {
	var b strings.Builder
	for _, n := range serviceNames {
		if s&n.s != 0 {
			if b.Len() > 0 {
				b.WriteByte(',')
			}
			b.WriteString(n.name)
		}
	}
	return b.String()
}

// Names are the names of the services in s, in the canonical order.
func (s Services) Names() []string {
	var out []string
	for _, n := range serviceNames {
		if s&n.s != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// words are the services of s as a profile's description says them:
// "mail, calendars and contacts".
func (s Services) words(t Texts) string {
	var w []string
	for _, n := range [...]struct {
		s    Services
		word string
	}{{ServiceMail, t.WordMail}, {ServiceCalendar, t.WordCalendars}, {ServiceContacts, t.WordContacts}} {
		if s.Effective()&n.s != 0 {
			w = append(w, n.word)
		}
	}
	if len(w) == 1 {
		return w[0]
	}
	return strings.Join(w[:len(w)-1], ", ") + " " + t.WordAnd + " " + w[len(w)-1]
}
