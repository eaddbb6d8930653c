package discover

import (
	"context"
	"errors"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

func TestProbe(t *testing.T) {
	e := newEnv(t)
	// imap.probe.test answers with a certificate for another name, so
	// mail.probe.test is the first IMAP candidate that passes.
	e.dns.host(t, "imap.probe.test", "mail.probe.test", "smtp.probe.test")
	e.ca.markWrong("imap.probe.test")
	e.mail(t, 993, mailServer{kind: "imap", implicitTLS: true})
	e.mail(t, 110, mailServer{kind: "pop3"})
	e.mail(t, 587, mailServer{kind: "smtp"})
	d := e.discoverer(t, e.config())
	res, _ := d.Discover(context.Background(), "probe.test")
	logSteps(t, res)
	if !res.Found() {
		t.Fatal("Discover(probe.test) found nothing")
	}
	if res.Origin.Method != provider.MethodProbe || res.Origin.Confidence != provider.ConfidenceLow {
		t.Errorf("Origin = %+v, want probe, low", res.Origin)
	}
	addr := mustAddr(t, "fred@probe.test")
	s, err := res.Settings(addr, profile.IMAP)
	if err != nil {
		t.Fatalf("Settings(IMAP) error = %v", err)
	}
	wantServer(t, "IMAP incoming", s.Incoming, "mail.probe.test", 993, false)
	wantServer(t, "outgoing", s.Outgoing, "smtp.probe.test", 587, true)
	if s.Incoming.Username != "fred@probe.test" || s.Outgoing.Auth != profile.AuthPassword {
		t.Errorf("settings = %+v, want the full address and password auth", s)
	}
	s, err = res.Settings(addr, profile.POP)
	if err != nil {
		t.Fatalf("Settings(POP) error = %v", err)
	}
	wantServer(t, "POP incoming", s.Incoming, "mail.probe.test", 110, true)
	if st, _ := findStep(res, "probe", "imap.probe.test:993"); st.Outcome != OutcomeFailed {
		t.Errorf("imap.probe.test:993 step = %+v, want failed on the certificate", st)
	}
}

// TestProbeRefusesPlain: servers that do not offer STARTTLS on the plain
// ports, or offer no password sign-in, are never offered.
func TestProbeRefusesPlain(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "mail.plain.test")
	e.mail(t, 143, mailServer{kind: "imap", noSTARTTLS: true})
	e.mail(t, 110, mailServer{kind: "pop3", noSTARTTLS: true})
	e.mail(t, 587, mailServer{kind: "smtp", noSTARTTLS: true})
	e.mail(t, 465, mailServer{kind: "smtp", implicitTLS: true, noAuth: true})
	d := e.discoverer(t, e.config())
	res, _ := d.Discover(context.Background(), "plain.test")
	logSteps(t, res)
	if res.Found() {
		t.Errorf("Discover(plain.test) = %+v, want nothing", res.Provider)
	}
	for _, target := range []string{"mail.plain.test:143", "mail.plain.test:110", "mail.plain.test:587", "mail.plain.test:465"} {
		if st, ok := findStep(res, "probe", target); !ok || st.Outcome != OutcomeFailed {
			t.Errorf("step %s = %+v, want failed", target, st)
		}
	}
	_, err := d.Find(context.Background(), mustAddr(t, "x@plain.test"), profile.IMAP)
	if !errors.Is(err, provider.ErrNotFound) {
		t.Errorf("Find(plain.test) error = %v, want ErrNotFound", err)
	}
}

// TestProbeSTARTTLS: every STARTTLS dialogue reaches a verified handshake.
func TestProbeSTARTTLS(t *testing.T) {
	e := newEnv(t)
	e.dns.host(t, "st.test")
	e.mail(t, 143, mailServer{kind: "imap"})
	e.mail(t, 995, mailServer{kind: "pop3", implicitTLS: true})
	e.mail(t, 465, mailServer{kind: "smtp", implicitTLS: true})
	d := e.discoverer(t, e.config())
	res, _ := d.Discover(context.Background(), "st.test")
	logSteps(t, res)
	s, err := res.Settings(mustAddr(t, "a@st.test"), profile.IMAP)
	if err != nil {
		t.Fatalf("Settings(IMAP) error = %v", err)
	}
	wantServer(t, "incoming", s.Incoming, "st.test", 143, true)
	wantServer(t, "outgoing", s.Outgoing, "st.test", 465, false)
	s, err = res.Settings(mustAddr(t, "a@st.test"), profile.POP)
	if err != nil {
		t.Fatalf("Settings(POP) error = %v", err)
	}
	wantServer(t, "POP incoming", s.Incoming, "st.test", 995, false)
}
