package mailer

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Relay is a parsed --smtp-url: where to send, how, and as whom.
type Relay struct {
	// Implicit is TLS from the first byte (smtps://, port 465 by
	// default); otherwise STARTTLS is required (smtp://, port 587).
	Implicit bool
	Host     string
	Port     string
	User     string
	password string
}

// Addr is host:port.
func (r Relay) Addr() string { return net.JoinHostPort(r.Host, r.Port) }

// String is the relay's URL without its password, for logs.
func (r Relay) String() string {
	scheme := "smtp"
	if r.Implicit {
		scheme = "smtps"
	}
	return scheme + "://" + url.User(r.User).String() + "@" + r.Addr()
}

// ParseURL reads smtp://user:password@host[:port] or smtps://…. password,
// when not empty, is the password from a file or the environment, and
// takes the place of one in the URL. A user and a password are required.
// No error quotes the URL's userinfo, where the password is.
func ParseURL(raw, password string) (Relay, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	var r Relay
	switch {
	case !ok:
		return r, errors.New("want smtp://user@host:587 (STARTTLS) or smtps://user@host:465")
	case scheme == "smtps":
		r.Implicit, r.Port = true, "465"
	case scheme == "smtp":
		r.Port = "587"
	default:
		return r, errors.New("want smtp:// (STARTTLS) or smtps://")
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return r, errors.New("no user: want smtp://user@host, with the password in the URL, a file or the environment")
	}
	user, pass, hasPass := strings.Cut(rest[:at], ":")
	hostport := rest[at+1:]
	if strings.ContainsAny(hostport, "/?#") {
		hostport, _, _ = strings.Cut(hostport, "/")
		if strings.ContainsAny(hostport, "?#") {
			return r, errors.New("want no query or fragment after the host")
		}
	}
	u, err := url.PathUnescape(user)
	if err != nil || u == "" {
		return r, errors.New("the user name is empty or wrongly percent-encoded")
	}
	r.User = u
	if hasPass {
		p, err := url.PathUnescape(pass)
		if err != nil {
			return r, errors.New("the password is wrongly percent-encoded")
		}
		r.password = p
	}
	if password != "" {
		r.password = password
	}
	if r.password == "" {
		return r, errors.New("no password: put it in the URL, a file (--smtp-password-file) or $MAILPROFILE_SMTP_PASSWORD")
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	} else if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return r, errors.New("the port is not a number from 1 to 65535")
		}
		r.Port = port
	}
	host = strings.Trim(host, "[]")
	if host == "" || strings.ContainsAny(host, " \t\r\n@") {
		return r, errors.New("no host name")
	}
	r.Host = host
	return r, nil
}
