package discover

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/mailprofile/mailprofile/provider"
)

// candidate is one host, port and kind of connection to probe.
type candidate struct {
	typ    string // imap, pop3 or smtp
	socket string // SSL or STARTTLS; plain is never tried
	host   string
	port   int
}

func (c candidate) String() string {
	return fmt.Sprintf("%s:%d (%s, %s)", c.host, c.port, c.typ, c.socket)
}

// candidates lists what to probe for domain, best first within each
// kind: implicit TLS before STARTTLS, then Thunderbird's host order.
func candidates(domain string) (imap, pop, smtp []candidate) {
	list := func(typ string, prefixes []string, ssl, starttls int) []candidate {
		var out []candidate
		for _, st := range []struct {
			socket string
			port   int
		}{{provider.SocketSSL, ssl}, {provider.SocketSTARTTLS, starttls}} {
			for _, p := range prefixes {
				out = append(out, candidate{typ: typ, socket: st.socket, host: p + domain, port: st.port})
			}
		}
		return out
	}
	imap = list("imap", []string{"imap.", "mail.", ""}, 993, 143)
	pop = list("pop3", []string{"pop3.", "pop.", "mail.", ""}, 995, 110)
	smtp = list("smtp", []string{"smtp.", "mail.", ""}, 465, 587)
	return imap, pop, smtp
}

// fromProbe guesses host names and connects to them: a TLS handshake
// that checks the certificate for the name, then IMAP CAPABILITY, POP
// CAPA or SMTP EHLO, upgrading with STARTTLS on 143, 110 and 587. A
// server that cannot do TLS is never offered. Guessing is the weakest
// source, so the answer is of low confidence.
func (d *Discoverer) fromProbe(ctx context.Context, rec *recorder, domain string) (answer, error) {
	imap, pop, smtp := candidates(domain)
	groups := [][]candidate{imap, pop, smtp}
	found := make([]*provider.Server, len(groups))
	var wg sync.WaitGroup
	for gi, group := range groups {
		wg.Go(func() {
			attempts := make([]attempt[provider.Server], len(group))
			for i, c := range group {
				attempts[i] = attempt[provider.Server]{
					delay: time.Duration(i) * d.cfg.Testing.ProbeStagger,
					run: func(ctx context.Context) (provider.Server, error) {
						return d.probeOne(ctx, rec, c)
					},
				}
			}
			if s, _, err := first(ctx, attempts); err == nil {
				found[gi] = &s
			}
		})
	}
	wg.Wait()
	p := &provider.Provider{
		ID: domain, DisplayName: domain, ShortName: domain, Domains: []string{domain},
		Source: "probing the mail servers of " + domain,
	}
	for _, s := range found[:2] {
		if s != nil {
			p.Incoming = append(p.Incoming, *s)
		}
	}
	if found[2] != nil {
		p.Outgoing = append(p.Outgoing, *found[2])
	}
	if len(p.Incoming) == 0 || len(p.Outgoing) == 0 {
		return answer{}, fmt.Errorf("no incoming and outgoing pair answered: %w", errNoService)
	}
	return answer{p, provider.Origin{
		Method:     provider.MethodProbe,
		Confidence: provider.ConfidenceLow,
		Via:        "probing " + domain,
	}}, nil
}

// probeOne connects to one candidate and returns the server it found.
func (d *Discoverer) probeOne(ctx context.Context, rec *recorder, c candidate) (provider.Server, error) {
	sctx, cancel := d.stepContext(ctx)
	defer cancel()
	end := rec.step(ctx, "probe", c.String())
	auth, err := d.talk(sctx, c)
	if err != nil {
		end(err, "")
		return provider.Server{}, err
	}
	end(nil, "answers with "+auth)
	return provider.Server{
		Type: c.typ, Hostname: c.host, Port: c.port, SocketType: c.socket,
		Auth: []string{auth}, Username: "%EMAILADDRESS%",
	}, nil
}

// talk opens the connection, runs the protocol's dialogue and returns
// the authentication method the server offers.
func (d *Discoverer) talk(ctx context.Context, c candidate) (string, error) {
	conn, err := d.dial.DialContext(ctx, "tcp", net.JoinHostPort(c.host, strconv.Itoa(c.port)))
	if err != nil {
		return "", err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	s := newSession(conn, &tls.Config{ServerName: c.host, RootCAs: d.roots, MinVersion: tls.VersionTLS12})
	if c.socket == provider.SocketSSL {
		if err := s.startTLS(ctx); err != nil {
			return "", err
		}
	}
	starttls := c.socket == provider.SocketSTARTTLS
	var auth string
	switch c.typ {
	case "imap":
		auth, err = probeIMAP(ctx, s, starttls)
	case "pop3":
		auth, err = probePOP(ctx, s, starttls)
	default:
		auth, err = probeSMTP(ctx, s, starttls)
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	return auth, err
}
