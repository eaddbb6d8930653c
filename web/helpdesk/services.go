package helpdesk

import "strings"

// HasService reports whether the form as typed asks for the service
// name, to tick its box again; mail, calendar or contacts.
func (f linkForm) HasService(name string) bool {
	for _, s := range strings.Split(f.Services, ",") {
		if strings.EqualFold(strings.TrimSpace(s), name) {
			return true
		}
	}
	return false
}
