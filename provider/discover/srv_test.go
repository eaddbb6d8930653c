package discover

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

func TestSRV(t *testing.T) {
	e := newEnv(t)
	e.dns.add(t,
		"_imaps._tcp.srv.test. SRV 10 1 993 imaps.srv.test.",
		"_imap._tcp.srv.test. SRV 0 1 143 imap.srv.test.",
		"_pop3s._tcp.srv.test. SRV 0 0 0 .",
		"_submissions._tcp.srv.test. SRV 0 1 465 smtp.srv.test.",
		"_submission._tcp.srv.test. SRV 0 1 587 smtp.srv.test.",
		// A domain that says "no service" everywhere.
		"_imaps._tcp.none.test. SRV 0 0 0 .",
		"_submissions._tcp.none.test. SRV 0 0 0 .",
	)
	d := e.discoverer(t, e.config())
	res, _ := d.Discover(context.Background(), "srv.test")
	logSteps(t, res)
	addr := mustAddr(t, "Fred@srv.test")
	s, err := res.Settings(addr, profile.IMAP)
	if err != nil {
		t.Fatalf("Settings(IMAP) error = %v", err)
	}
	// Priority first (imap 0 beats imaps 10), then implicit TLS.
	wantServer(t, "incoming", s.Incoming, "imap.srv.test", 143, true)
	wantServer(t, "outgoing", s.Outgoing, "smtp.srv.test", 465, false)
	if s.Incoming.Username != "Fred@srv.test" || s.Incoming.Auth != profile.AuthPassword {
		t.Errorf("incoming = %+v, want the full address and password auth", s.Incoming)
	}
	if s.Origin.Method != provider.MethodSRV || s.Origin.Confidence != provider.ConfidenceMedium {
		t.Errorf("Origin = %+v, want srv, medium", s.Origin)
	}
	var np *provider.NoProtocolError
	if _, err := res.Settings(addr, profile.POP); !errors.As(err, &np) {
		t.Errorf("Settings(POP) error = %v, want *provider.NoProtocolError", err)
	}
	if st, _ := findStep(res, "srv", "_pop3s._tcp.srv.test"); st.Outcome != OutcomeNotFound {
		t.Errorf("_pop3s step = %+v, want not-found for target \".\"", st)
	}

	res, _ = d.Discover(context.Background(), "none.test")
	logSteps(t, res)
	if res.Found() {
		t.Errorf("Discover(none.test) found %+v, want nothing", res.Origin)
	}
}

func TestSRVProvider(t *testing.T) {
	mk := func(typ, socket string, prio, weight uint16, host string) srvServer {
		return srvServer{srv: provider.Server{Type: typ, SocketType: socket, Hostname: host}, priority: prio, weight: weight}
	}
	p := srvProvider("x.test", []srvServer{
		mk("smtp", "STARTTLS", 0, 0, "sub"),
		mk("pop3", "SSL", 0, 0, "pop"),
		mk("imap", "STARTTLS", 0, 0, "imap"),
		mk("imap", "SSL", 0, 5, "imaps-light"),
		mk("imap", "SSL", 0, 50, "imaps-heavy"),
		mk("smtp", "SSL", 0, 0, "subs"),
	})
	var in, out []string
	for _, s := range p.Incoming {
		in = append(in, s.Hostname)
	}
	for _, s := range p.Outgoing {
		out = append(out, s.Hostname)
	}
	if got, want := strings.Join(in, ","), "imaps-heavy,imaps-light,imap,pop"; got != want {
		t.Errorf("incoming order = %s, want %s", got, want)
	}
	if got, want := strings.Join(out, ","), "subs,sub"; got != want {
		t.Errorf("outgoing order = %s, want %s", got, want)
	}
	if srvProvider("x.test", []srvServer{mk("imap", "SSL", 0, 0, "imap")}) != nil {
		t.Errorf("srvProvider without SMTP = non-nil, want nil")
	}
}
