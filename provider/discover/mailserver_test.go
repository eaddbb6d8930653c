package discover

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// mailServer is a minimal IMAP, POP3 or SMTP server: just enough of the
// protocol for probing.
type mailServer struct {
	kind        string // imap, pop3, smtp
	implicitTLS bool
	noSTARTTLS  bool // do not offer the upgrade
	noAuth      bool // offer no password sign-in
	tls         *tls.Config
}

func (m mailServer) serve(c net.Conn) {
	c.SetDeadline(timetest.Wall().Add(10 * time.Second)) // a net.Conn deadline reads the machine's clock
	if m.implicitTLS {
		tc := tls.Server(c, m.tls)
		if tc.Handshake() != nil {
			return
		}
		c = tc
	}
	r := bufio.NewReader(c)
	say := func(lines ...string) { c.Write([]byte(strings.Join(lines, "\r\n") + "\r\n")) }
	secure := m.implicitTLS
	switch m.kind {
	case "imap":
		say("* OK test IMAP ready")
	case "pop3":
		say("+OK test POP3 ready")
	default:
		say("220 test ESMTP ready")
	}
	for {
		l, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(strings.ToUpper(l))
		if len(f) == 0 {
			continue
		}
		upgrade := false
		switch m.kind {
		case "imap":
			if len(f) < 2 {
				say("* BAD")
				continue
			}
			tag := strings.Fields(l)[0]
			switch f[1] {
			case "CAPABILITY":
				caps := "* CAPABILITY IMAP4rev1"
				if !secure && !m.noSTARTTLS {
					caps += " STARTTLS LOGINDISABLED"
				}
				if m.noAuth {
					caps += " LOGINDISABLED AUTH=XOAUTH2"
				}
				say(caps, tag+" OK done")
			case "STARTTLS":
				say(tag + " OK begin TLS")
				upgrade = true
			case "LOGOUT":
				say("* BYE", tag+" OK bye")
				return
			default:
				say(tag + " BAD")
			}
		case "pop3":
			switch f[0] {
			case "CAPA":
				lines := []string{"+OK", "TOP"}
				if !m.noAuth {
					lines = append(lines, "USER")
				} else {
					lines = append(lines, "SASL XOAUTH2")
				}
				if !secure && !m.noSTARTTLS {
					lines = append(lines, "STLS")
				}
				say(append(lines, ".")...)
			case "STLS":
				say("+OK begin TLS")
				upgrade = true
			case "QUIT":
				say("+OK bye")
				return
			default:
				say("-ERR")
			}
		default:
			switch f[0] {
			case "EHLO":
				lines := []string{"250-test.example", "250-PIPELINING"}
				if !secure && !m.noSTARTTLS {
					lines = append(lines, "250-STARTTLS")
				}
				if !m.noAuth {
					lines = append(lines, "250-AUTH PLAIN LOGIN")
				}
				say(append(lines, "250 8BITMIME")...)
			case "STARTTLS":
				say("220 go ahead")
				upgrade = true
			case "QUIT":
				say("221 bye")
				return
			default:
				say("502 no")
			}
		}
		if upgrade {
			tc := tls.Server(c, m.tls)
			if tc.Handshake() != nil {
				return
			}
			c, r, secure = tc, bufio.NewReader(tc), true
		}
	}
}
