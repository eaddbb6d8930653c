package provider

import (
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// MethodManual marks settings the visitor typed in: nothing was looked
// up or fetched, and a profile of them is never signed, since a
// signature is the operator vouching for the servers inside.
const MethodManual Method = "manual"

// ManualServer is one server as a visitor typed it.
type ManualServer struct {
	Host string
	Port int
	// Security is "ssl" (TLS from the first byte) or "starttls"; a plain
	// connection is not offered, as for every other source.
	Security string
}

// The values of ManualServer.Security.
const (
	SecuritySSL      = "ssl"
	SecurityStartTLS = "starttls"
)

// FieldIn and FieldOut begin the fields Manual's errors name: then
// "_host", "_port" or "_security".
const (
	FieldIn  = "in"
	FieldOut = "out"
)

// Manual is the settings of an IMAP or POP account for addr on the
// servers a visitor typed in, under the rules the catalog's servers
// follow: a fully qualified host name (no IP address, no name of a
// local network), a port from 1 to 65535, an encrypted connection. The
// user name is the address and the sign-in a password, as at most
// providers. Errors are *profile.InputError naming the field.
func Manual(addr profile.Address, proto profile.Protocol, in, out ManualServer) (Settings, error) {
	if proto != profile.IMAP && proto != profile.POP {
		return Settings{}, &profile.InputError{Field: "type", Message: "enter the settings of an IMAP or POP account"}
	}
	inc, err := manualServer(FieldIn, in, addr)
	if err != nil {
		return Settings{}, err
	}
	outg, err := manualServer(FieldOut, out, addr)
	if err != nil {
		return Settings{}, err
	}
	return Settings{
		Provider: &Provider{ID: addr.Domain, DisplayName: addr.Domain, Domains: []string{addr.Domain}, Source: "typed in by the visitor"},
		Incoming: inc,
		Outgoing: outg,
		Origin:   Origin{Method: MethodManual, Confidence: ConfidenceLow, Via: "typed in"},
	}, nil
}

func manualServer(field string, m ManualServer, addr profile.Address) (profile.Server, error) {
	if len(m.Host) > 4*253 { // more than any name, even in U-labels: not worth converting
		return profile.Server{}, &profile.InputError{Field: field + "_host", Message: "the host name is too long"}
	}
	host := normaliseHost(m.Host)
	if err := checkHostname(host); err != nil {
		return profile.Server{}, &profile.InputError{Field: field + "_host", Message: err.Error()}
	}
	if why := localName(host); why != "" {
		return profile.Server{}, &profile.InputError{Field: field + "_host", Message: fmt.Sprintf("hostname %q is %s", host, why)}
	}
	if m.Port < 1 || m.Port > 65535 {
		return profile.Server{}, &profile.InputError{Field: field + "_port", Message: "the port must be a number from 1 to 65535"}
	}
	s := profile.Server{Host: host, Port: m.Port, UseSSL: true, Auth: profile.AuthPassword, Username: addr.String()}
	switch m.Security {
	case SecuritySSL:
	case SecurityStartTLS:
		s.STARTTLS = true
	default:
		return profile.Server{}, &profile.InputError{Field: field + "_security", Message: "choose SSL/TLS or STARTTLS: a password must not travel unencrypted"}
	}
	return s, nil
}

// localName says why h names a host on a local or special network, or
// "" when it does not: a profile for everyone must not point a device at
// its own loopback or home network (RFC 6761, RFC 6762, RFC 8375).
func localName(h string) string {
	for _, suffix := range []string{"localhost", "local", "internal", "home.arpa", "arpa", "invalid", "lan", "intranet", "corp", "home"} {
		if h == suffix || strings.HasSuffix(h, "."+suffix) {
			return "a name for a local network, which other devices cannot reach"
		}
	}
	return ""
}

// ManualGuess is what a visitor is offered to start from when nothing
// was found for addr: the host names most providers use, with implicit
// TLS on the standard ports (RFC 8314).
func ManualGuess(addr profile.Address, proto profile.Protocol) (in, out ManualServer) {
	in = ManualServer{Host: "imap." + addr.Domain, Port: 993, Security: SecuritySSL}
	if proto == profile.POP {
		in = ManualServer{Host: "pop." + addr.Domain, Port: 995, Security: SecuritySSL}
	}
	return in, ManualServer{Host: "smtp." + addr.Domain, Port: 465, Security: SecuritySSL}
}

// ManualFrom is found's servers as a visitor's starting point: what
// discovery guessed, to be corrected by hand.
func ManualFrom(found Settings) (in, out ManualServer) {
	conv := func(s profile.Server) ManualServer {
		sec := SecuritySSL
		if s.STARTTLS {
			sec = SecurityStartTLS
		}
		return ManualServer{Host: s.Host, Port: s.Port, Security: sec}
	}
	return conv(found.Incoming), conv(found.Outgoing)
}
