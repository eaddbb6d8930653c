package profile

import "fmt"

// Protocol is the kind of account a profile sets up: a mail account with
// IMAP or POP incoming mail (com.apple.mail.managed), a Microsoft
// Exchange ActiveSync account signed in with OAuth
// (com.apple.eas.account), or a Google account (com.apple.google-oauth).
// kind.go says where each installs.
type Protocol string

// The kinds of account a profile can set up.
const (
	IMAP     Protocol = "imap"
	POP      Protocol = "pop"
	Exchange Protocol = "exchange"
	Google   Protocol = "google"
)

// Auto is no choice of kind: the provider's preferred kind for the
// device. ParseProtocol returns it for an empty type; an Account never
// has it.
const Auto Protocol = ""

// ParseProtocol reads the user-facing type parameter: "imap", "pop"
// ("pop3" is a synonym), "exchange" or "google", in lower or upper case.
// An empty string is Auto.
func ParseProtocol(s string) (Protocol, error) {
	switch s {
	case "":
		return Auto, nil
	case "imap", "IMAP":
		return IMAP, nil
	case "pop", "pop3", "POP", "POP3":
		return POP, nil
	case "exchange", "EXCHANGE":
		return Exchange, nil
	case "google", "GOOGLE":
		return Google, nil
	}
	if len(s) > 16 {
		s = s[:16] + "…"
	}
	return "", &InputError{Field: "type", Message: fmt.Sprintf("unknown account type %q: choose imap, pop, exchange or google", s)}
}

// accountType is the EmailAccountType value for p.
func (p Protocol) accountType() string {
	if p == POP {
		return "EmailTypePOP"
	}
	return "EmailTypeIMAP"
}

// Auth is an Apple EmailAuth* value, or AuthOAuth.
// https://developer.apple.com/documentation/devicemanagement/mail
type Auth string

// The authentication schemes of com.apple.mail.managed.
const (
	AuthNone     Auth = "EmailAuthNone"
	AuthPassword Auth = "EmailAuthPassword"
	AuthCRAMMD5  Auth = "EmailAuthCRAMMD5"
	AuthNTLM     Auth = "EmailAuthNTLM"
	AuthHTTPMD5  Auth = "EmailAuthHTTPMD5"
)

// AuthOAuth is how an Exchange account signs in: the provider's own
// sign-in page, through the EAS payload's OAuth key. It is not an
// EmailAuth value, and a mail account never has it.
// https://developer.apple.com/documentation/devicemanagement/exchangeactivesync
const AuthOAuth Auth = "OAuth"

// Server is one mail server as the device will use it.
type Server struct {
	Host   string
	Port   int
	UseSSL bool // TLS: implicit, or STARTTLS on the plain port
	// STARTTLS says the server upgrades a plain connection. Apple's
	// UseSSL covers both kinds; people typing settings by hand need to
	// know which.
	STARTTLS bool   `json:"starttls"`
	Auth     Auth   `json:"authentication"`
	Username string `json:"username"` // already expanded from the provider's pattern
}

// Account is everything that shapes one account payload.
type Account struct {
	Address Address
	// Name is the sender's full name; may be empty. An Exchange account
	// takes it from the server, so its profile does not carry it.
	Name     string
	Protocol Protocol
	// Incoming is the incoming mail server of an IMAP or POP account,
	// and the ActiveSync server of an Exchange account. A Google
	// account has none: the device knows Google's servers.
	Incoming Server
	// Outgoing is the SMTP server of an IMAP or POP account.
	Outgoing Server
	// Provider is the provider's display name, e.g. "BT Mail".
	Provider string
	// Services are what the profile sets up; the zero value is mail
	// only. Calendars and contacts go with IMAP and POP accounts only
	// (services.go).
	Services Services
	// Calendar and Contacts are the CalDAV and CardDAV servers; each is
	// read only when Services holds its service.
	Calendar DAVServer
	Contacts DAVServer
}

// Validate reports whether the account can become a well-formed profile.
func (a Account) Validate() error {
	if a.Address.Local == "" || a.Address.Domain == "" {
		return fmt.Errorf("account has no address")
	}
	svc := a.Services.Effective()
	if svc&^AllServices != 0 {
		return fmt.Errorf("services %#x: only mail, calendar and contacts exist", uint8(a.Services))
	}
	if svc.DAV() && (a.Protocol == Exchange || a.Protocol == Google) {
		return fmt.Errorf("%s account takes no CalDAV or CardDAV payload: it syncs calendars and contacts itself", a.Protocol.Label())
	}
	if svc.Has(ServiceCalendar) {
		if err := a.Calendar.validate("CalDAV"); err != nil {
			return err
		}
	}
	if svc.Has(ServiceContacts) {
		if err := a.Contacts.validate("CardDAV"); err != nil {
			return err
		}
	}
	if !svc.Has(ServiceMail) {
		// Calendars and contacts alone: the mail servers go unused.
		if a.Protocol != IMAP && a.Protocol != POP {
			return fmt.Errorf("account protocol %q is not imap or pop", a.Protocol)
		}
		return nil
	}
	switch a.Protocol {
	case IMAP, POP:
		if err := a.Incoming.validate("incoming"); err != nil {
			return err
		}
		return a.Outgoing.validate("outgoing")
	case Exchange:
		if a.Incoming.Auth != AuthOAuth {
			return fmt.Errorf("exchange server authentication %q: an Exchange account signs in with OAuth only", a.Incoming.Auth)
		}
		if a.Outgoing != (Server{}) {
			return fmt.Errorf("an Exchange account has no outgoing server")
		}
		return a.Incoming.validate("exchange")
	case Google:
		if a.Incoming != (Server{}) || a.Outgoing != (Server{}) {
			return fmt.Errorf("a Google account has no servers of its own")
		}
		return nil
	}
	return fmt.Errorf("account protocol %q is not imap, pop, exchange or google", a.Protocol)
}

// validateEndpoint checks a server's host name, user name and port;
// name says which server in the error. Discovery and operator files
// supply these: text the plist cannot carry would come back from the
// device changed.
func validateEndpoint(name, host, username string, port int) error {
	if host == "" {
		return fmt.Errorf("%s server has no host name", name)
	}
	if err := checkText(host, maxDomainLen); err != nil {
		return fmt.Errorf("%s server host name %w", name, err)
	}
	if err := checkText(username, maxInputLen); err != nil {
		return fmt.Errorf("%s server user name %w", name, err)
	}
	if port < 1 || port > 65535 {
		return fmt.Errorf("%s server port %d out of range", name, port)
	}
	return nil
}

// validate checks one server; name says which in the error.
func (s Server) validate(name string) error {
	if err := validateEndpoint(name, s.Host, s.Username, s.Port); err != nil {
		return err
	}
	switch s.Auth {
	case AuthNone, AuthPassword, AuthCRAMMD5, AuthNTLM, AuthHTTPMD5:
	case AuthOAuth:
		if name != "exchange" {
			return fmt.Errorf("%s server authentication %q is not an Apple EmailAuth value", name, s.Auth)
		}
	default:
		return fmt.Errorf("%s server authentication %q is not an Apple EmailAuth value", name, s.Auth)
	}
	return nil
}
