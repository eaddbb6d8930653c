package provider

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Authentication values of clientConfig v1.1, in their canonical spelling.
const (
	AuthPasswordCleartext = "password-cleartext"
	AuthPasswordEncrypted = "password-encrypted"
	AuthNTLM              = "NTLM"
	AuthGSSAPI            = "GSSAPI"
	AuthTLSClientCert     = "TLS-client-cert"
	AuthOAuth2            = "OAuth2"
	AuthNone              = "none"
	AuthClientIP          = "client-IP-address"
	AuthSMTPAfterPOP      = "smtp-after-pop"
)

// authNames maps the lower-cased spellings found in files to the canonical
// value, including the deprecated aliases plain and secure.
var authNames = map[string]string{
	"password-cleartext": AuthPasswordCleartext,
	"plain":              AuthPasswordCleartext,
	"password-encrypted": AuthPasswordEncrypted,
	"secure":             AuthPasswordEncrypted,
	"ntlm":               AuthNTLM,
	"gssapi":             AuthGSSAPI,
	"tls-client-cert":    AuthTLSClientCert,
	"oauth2":             AuthOAuth2,
	"none":               AuthNone,
	"client-ip-address":  AuthClientIP,
	"smtp-after-pop":     AuthSMTPAfterPOP,
}

var socketTypes = map[string]string{
	"ssl":      SocketSSL,
	"starttls": SocketSTARTTLS,
	"plain":    SocketPlain,
}

// placeholders are the username placeholders Settings can fill in.
var placeholders = []string{"%EMAILADDRESS%", "%EMAILLOCALPART%", "%EMAILDOMAIN%"}

const maxUsernameLen = 320

func convertServer(typ string, xs xmlServer) (Server, error) {
	s := Server{Type: typ}
	s.Hostname = normaliseHost(xs.Hostname)
	// Some ISPDB files (inbox.lv, mail.ee) name the host after the
	// address's domain; Thunderbird fills placeholders in hostnames too.
	s.Hostname = strings.ReplaceAll(s.Hostname, "%emaildomain%", "%EMAILDOMAIN%")
	if err := checkHostname(strings.ReplaceAll(s.Hostname, "%EMAILDOMAIN%", "example.com")); err != nil {
		return Server{}, err
	}
	port, err := strconv.Atoi(strings.TrimSpace(xs.Port))
	if err != nil || port < 1 || port > 65535 {
		return Server{}, fmt.Errorf("port %q is not a number from 1 to 65535", truncate(strings.TrimSpace(xs.Port), 20))
	}
	s.Port = port
	// Thunderbird takes the first socket type it knows.
	for _, st := range xs.SocketType {
		if v, ok := socketTypes[strings.ToLower(strings.TrimSpace(st))]; ok {
			s.SocketType = v
			break
		}
	}
	if s.SocketType == "" {
		return Server{}, errors.New("no known socketType (SSL, STARTTLS or plain)")
	}
	for _, a := range xs.Auth {
		if v, ok := authNames[strings.ToLower(strings.TrimSpace(a))]; ok {
			s.Auth = append(s.Auth, v)
		}
	}
	if len(s.Auth) == 0 {
		return Server{}, errors.New("no known authentication method")
	}
	s.Username, err = usernamePattern(xs.Username)
	if err != nil {
		return Server{}, err
	}
	return s, nil
}

// usernamePattern checks a <username> pattern and repairs the
// %EMAILADDRESS typo found in the ISPDB's office365.com file.
func usernamePattern(u string) (string, error) {
	u = strings.TrimSpace(u)
	if len(u) > maxUsernameLen {
		return "", fmt.Errorf("username is longer than %d bytes", maxUsernameLen)
	}
	u = strings.ReplaceAll(u, "%EMAILADDRESS%", "%EMAILADDRESS")
	u = strings.ReplaceAll(u, "%EMAILADDRESS", "%EMAILADDRESS%")
	for _, r := range u {
		if r < 0x20 || r == 0x7f {
			return "", errors.New("username contains a control character")
		}
	}
	// Every remaining %WORD% must be one we can fill in; %REALNAME% and
	// custom inputField keys cannot be known when building a profile.
	rest := u
	for _, ph := range placeholders {
		rest = strings.ReplaceAll(rest, ph, "")
	}
	if ph := placeholderRE.FindString(rest); ph != "" {
		return "", fmt.Errorf("username uses unsupported placeholder %s", truncate(ph, 30))
	}
	return u, nil
}

var placeholderRE = regexp.MustCompile(`%[A-Z][A-Z0-9_]*%`)

// normaliseHost trims, drops a trailing dot, converts an international
// name to A-labels and lower-cases. A name idna refuses is returned as it
// was, for checkHostname to reject with a clear message.
func normaliseHost(h string) string {
	h = strings.TrimSuffix(strings.TrimSpace(h), ".")
	for i := 0; i < len(h); i++ {
		if h[i] >= utf8.RuneSelf {
			// The A-label is checked on its own too: idna lets a symbol
			// that maps to a right-to-left letter (U+2135) skip the Bidi
			// Rule that the A-label then fails.
			if a, err := idna.Lookup.ToASCII(h); err == nil {
				if _, err := idna.Lookup.ToASCII(a); err == nil {
					h = a
				}
			}
			break
		}
	}
	return strings.ToLower(h)
}

// CheckHostname reports whether h is a fully qualified ASCII host name, as
// server host names and catalog domains must be: at least two labels of
// letters, digits and hyphens, not an IP address. h is expected lower-case
// without a trailing dot; the error says what is wrong.
func CheckHostname(h string) error { return checkHostname(h) }

// checkHostname accepts an ASCII host name of at least two labels, matching
// ^[A-Za-z0-9.-]+$ with the RFC 1123 label rules, and refuses IPv4
// literals. Input is expected lower-cased without a trailing dot.
func checkHostname(h string) error {
	switch {
	case h == "":
		return errors.New("no hostname")
	case len(h) > 253:
		return fmt.Errorf("hostname is %d characters long; the limit is 253", len(h))
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("hostname %q may only contain letters, digits, dots and hyphens", truncate(h, 64))
		}
	}
	if strings.IndexByte(h, '.') < 0 {
		return fmt.Errorf("hostname %q is not a fully qualified domain name", h)
	}
	var l string // label by label without a slice of them: it runs for every download
	for rest, more := h, true; more; {
		l, rest, more = strings.Cut(rest, ".")
		switch {
		case l == "":
			return fmt.Errorf("hostname %q has an empty label", h)
		case len(l) > 63:
			return fmt.Errorf("hostname %q has a label longer than 63 characters", truncate(h, 64))
		case l[0] == '-' || l[len(l)-1] == '-':
			return fmt.Errorf("hostname %q has a label that starts or ends with a hyphen", h)
		}
	}
	if strings.Trim(l, "0123456789") == "" { // the last label
		return fmt.Errorf("hostname %q is an IP address, not a name", h)
	}
	return nil
}
