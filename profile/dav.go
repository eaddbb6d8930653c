package profile

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// DAVServer is a CalDAV or CardDAV server as the device will use it:
// always over TLS, with the account's user name and no password, which
// the device asks for while installing.
type DAVServer struct {
	Host string `json:"host"`
	Port int    `json:"port"`
	// PrincipalURL is the https URL the device starts from to find the
	// person's calendars or address books, with the address filled in.
	PrincipalURL string `json:"principal_url"`
	Username     string `json:"username"`
}

// maxURLLen bounds a principal URL; the catalog refuses longer ones too.
const maxURLLen = 2048

// validate checks one DAV server; name says which in the error.
func (s DAVServer) validate(name string) error {
	if err := validateEndpoint(name, s.Host, s.Username, s.Port); err != nil {
		return err
	}
	if s.PrincipalURL == "" {
		return nil
	}
	if err := checkText(s.PrincipalURL, maxURLLen); err != nil {
		return fmt.Errorf("%s principal URL %w", name, err)
	}
	// The device takes host and port from the payload's own keys: a
	// principal URL elsewhere, or without TLS, would send the password
	// somewhere the profile does not say.
	u, err := url.Parse(s.PrincipalURL)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return fmt.Errorf("%s principal URL is not an https URL without user information", name)
	}
	port := 443
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	if !strings.EqualFold(u.Hostname(), s.Host) || port != s.Port {
		return fmt.Errorf("%s principal URL is not on %s", name, net.JoinHostPort(s.Host, strconv.Itoa(s.Port)))
	}
	return nil
}

// davPayload is one com.apple.caldav.account or com.apple.carddav.account
// payload. The two share their shape; their keys differ only in the
// prefix (CalDAV, CardDAV), so one type writes both. Every key is from
// Apple's schema (spec/apple/com.apple.caldav.account.yaml and
// com.apple.carddav.account.yaml):
//
//   - the host, port and principal URL, and the user name by the same
//     rule as the mail account's (the provider's pattern, filled in);
//   - UseSSL, always true and always written, though it is Apple's
//     default: a profile never sends a password in the clear;
//   - no password: the device asks for it while installing, once for
//     each account.
//
// macOS ignores CardDAVPrincipalURL (the schema has it for iOS only) and
// finds the address book from the host, as RFC 6764 describes.
// https://developer.apple.com/documentation/devicemanagement/caldav
// https://developer.apple.com/documentation/devicemanagement/carddav
type davPayload struct {
	prefix string // "CalDAV" or "CardDAV"

	AccountDescription string
	HostName           string
	Port               int
	PrincipalURL       string
	UseSSL             bool
	Username           string

	PayloadDescription  string
	PayloadDisplayName  string
	PayloadIdentifier   string
	PayloadOrganization string
	PayloadType         string
	PayloadUUID         string
	PayloadVersion      int
}

// The two kinds of DAV payload.
const (
	calDAVType  = "com.apple.caldav.account"
	cardDAVType = "com.apple.carddav.account"
)

// newDAVPayload is the payload for srv, of the kind service names
// (ServiceCalendar or ServiceContacts); the common keys are the caller's.
func newDAVPayload(service Services, srv DAVServer, email string) davPayload {
	p := davPayload{
		prefix:             "CalDAV",
		AccountDescription: email,
		HostName:           srv.Host,
		Port:               srv.Port,
		PrincipalURL:       srv.PrincipalURL,
		UseSSL:             true,
		Username:           srv.Username,
		PayloadType:        calDAVType,
		PayloadVersion:     1,
	}
	if service == ServiceContacts {
		p.prefix, p.PayloadType = "CardDAV", cardDAVType
	}
	return p
}

// encodeTo writes the payload; the keys are in the order plist sorts
// them, which is the same for both prefixes.
func (p davPayload) encodeTo(e *encoder) {
	e.open("dict")
	e.str(p.prefix+"AccountDescription", p.AccountDescription)
	e.str(p.prefix+"HostName", p.HostName)
	e.integer(p.prefix+"Port", p.Port)
	e.optStr(p.prefix+"PrincipalURL", p.PrincipalURL)
	e.boolean(p.prefix+"UseSSL", p.UseSSL)
	e.optStr(p.prefix+"Username", p.Username)
	e.optStr("PayloadDescription", p.PayloadDescription)
	e.str("PayloadDisplayName", p.PayloadDisplayName)
	e.str("PayloadIdentifier", p.PayloadIdentifier)
	e.optStr("PayloadOrganization", p.PayloadOrganization)
	e.str("PayloadType", p.PayloadType)
	e.str("PayloadUUID", p.PayloadUUID)
	e.integer("PayloadVersion", p.PayloadVersion)
	e.close("dict")
}
