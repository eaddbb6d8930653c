package profile

import "fmt"

// Protocol is the incoming mail protocol of an account.
type Protocol string

// The incoming protocols a com.apple.mail.managed payload can express.
const (
	IMAP Protocol = "imap"
	POP  Protocol = "pop"
)

// ParseProtocol reads the user-facing type parameter ("imap" or "pop";
// "pop3" is accepted as a synonym). An empty string means IMAP.
func ParseProtocol(s string) (Protocol, error) {
	switch s {
	case "", "imap", "IMAP":
		return IMAP, nil
	case "pop", "pop3", "POP", "POP3":
		return POP, nil
	}
	if len(s) > 16 {
		s = s[:16] + "…"
	}
	return "", &InputError{Field: "type", Message: fmt.Sprintf("unknown account type %q: choose imap or pop", s)}
}

// accountType is the EmailAccountType value for p.
func (p Protocol) accountType() string {
	if p == POP {
		return "EmailTypePOP"
	}
	return "EmailTypeIMAP"
}

// Auth is an Apple EmailAuth* value.
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

// Account is everything that shapes one mail payload.
type Account struct {
	Address  Address
	Name     string // sender's full name; may be empty
	Protocol Protocol
	Incoming Server
	Outgoing Server
	// Provider is the provider's display name, e.g. "BT Mail".
	Provider string
}

// Validate reports whether the account can become a well-formed payload.
func (a Account) Validate() error {
	if a.Address.Local == "" || a.Address.Domain == "" {
		return fmt.Errorf("account has no address")
	}
	if a.Protocol != IMAP && a.Protocol != POP {
		return fmt.Errorf("account protocol %q is neither imap nor pop", a.Protocol)
	}
	for _, s := range []struct {
		name string
		srv  Server
	}{{"incoming", a.Incoming}, {"outgoing", a.Outgoing}} {
		if s.srv.Host == "" {
			return fmt.Errorf("%s server has no host name", s.name)
		}
		// Discovery and operator files supply these: text the plist cannot
		// carry would come back from the device changed.
		if err := checkText(s.srv.Host, maxDomainLen); err != nil {
			return fmt.Errorf("%s server host name %w", s.name, err)
		}
		if err := checkText(s.srv.Username, maxInputLen); err != nil {
			return fmt.Errorf("%s server user name %w", s.name, err)
		}
		if s.srv.Port < 1 || s.srv.Port > 65535 {
			return fmt.Errorf("%s server port %d out of range", s.name, s.srv.Port)
		}
		switch s.srv.Auth {
		case AuthNone, AuthPassword, AuthCRAMMD5, AuthNTLM, AuthHTTPMD5:
		default:
			return fmt.Errorf("%s server authentication %q is not an Apple EmailAuth value", s.name, s.srv.Auth)
		}
	}
	return nil
}
