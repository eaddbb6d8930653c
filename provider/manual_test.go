package provider

import (
	"errors"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

func TestManual(t *testing.T) {
	addr := profile.Address{Local: "ann", Domain: "example.org"}
	good := ManualServer{Host: "mail.example.org", Port: 993, Security: SecuritySSL}
	smtp := ManualServer{Host: "smtp.example.org", Port: 587, Security: SecurityStartTLS}
	tests := []struct {
		name      string
		proto     profile.Protocol
		in, out   ManualServer
		wantField string // "" for no error
		wantHost  string
	}{
		{name: "imap", proto: profile.IMAP, in: good, out: smtp, wantHost: "mail.example.org"},
		{name: "pop", proto: profile.POP, in: ManualServer{Host: "pop.example.org", Port: 995, Security: SecuritySSL}, out: smtp, wantHost: "pop.example.org"},
		{name: "upper case, spaces and a trailing dot", proto: profile.IMAP, in: ManualServer{Host: " Mail.Example.ORG. ", Port: 993, Security: SecuritySSL}, out: smtp, wantHost: "mail.example.org"},
		{name: "international name", proto: profile.IMAP, in: ManualServer{Host: "mail.bücher.example", Port: 993, Security: SecuritySSL}, out: smtp, wantHost: "mail.xn--bcher-kva.example"},
		{name: "exchange", proto: profile.Exchange, in: good, out: smtp, wantField: "type"},
		{name: "no host", proto: profile.IMAP, in: ManualServer{Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "IPv4 loopback", proto: profile.IMAP, in: ManualServer{Host: "127.0.0.1", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "private IPv4", proto: profile.IMAP, in: good, out: ManualServer{Host: "192.168.1.1", Port: 465, Security: SecuritySSL}, wantField: "out_host"},
		{name: "IPv6 literal", proto: profile.IMAP, in: ManualServer{Host: "[::1]", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "short IPv4", proto: profile.IMAP, in: ManualServer{Host: "127.1", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "localhost", proto: profile.IMAP, in: ManualServer{Host: "localhost", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "under localhost", proto: profile.IMAP, in: ManualServer{Host: "mail.localhost", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "mDNS name", proto: profile.IMAP, in: good, out: ManualServer{Host: "nas.local", Port: 465, Security: SecuritySSL}, wantField: "out_host"},
		{name: "home network", proto: profile.IMAP, in: ManualServer{Host: "mail.home.arpa", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "URL, not a host", proto: profile.IMAP, in: ManualServer{Host: "https://mail.example.org/", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
		{name: "port 0", proto: profile.IMAP, in: ManualServer{Host: "mail.example.org", Port: 0, Security: SecuritySSL}, out: smtp, wantField: "in_port"},
		{name: "port 65536", proto: profile.IMAP, in: good, out: ManualServer{Host: "smtp.example.org", Port: 65536, Security: SecuritySSL}, wantField: "out_port"},
		{name: "plain", proto: profile.IMAP, in: ManualServer{Host: "mail.example.org", Port: 143, Security: "plain"}, out: smtp, wantField: "in_security"},
		{name: "too long", proto: profile.IMAP, in: ManualServer{Host: strings.Repeat("a.", 300) + "org", Port: 993, Security: SecuritySSL}, out: smtp, wantField: "in_host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Manual(addr, tt.proto, tt.in, tt.out)
			if tt.wantField != "" {
				var ie *profile.InputError
				if !errors.As(err, &ie) || ie.Field != tt.wantField {
					t.Fatalf("Manual(%+v, %+v) error = %v, want an input error for %s", tt.in, tt.out, err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatalf("Manual(%+v, %+v) error = %v", tt.in, tt.out, err)
			}
			if got.Incoming.Host != tt.wantHost || !got.Incoming.UseSSL || got.Incoming.Username != "ann@example.org" {
				t.Errorf("Manual(%+v).Incoming = %+v, want host %s over TLS, user ann@example.org", tt.in, got.Incoming, tt.wantHost)
			}
			if !got.Outgoing.STARTTLS || got.Outgoing.Port != 587 {
				t.Errorf("Manual().Outgoing = %+v, want STARTTLS on 587", got.Outgoing)
			}
			if !got.Origin.Discovered() || got.Origin.Method != MethodManual {
				t.Errorf("Manual().Origin = %+v, want the manual method, not the catalog", got.Origin)
			}
			if err := got.Account(addr, tt.proto, "").Validate(); err != nil {
				t.Errorf("Manual() account does not validate: %v", err)
			}
		})
	}
}

func TestManualGuessValidates(t *testing.T) {
	addr := profile.Address{Local: "ann", Domain: "example.org"}
	for _, proto := range []profile.Protocol{profile.IMAP, profile.POP} {
		in, out := ManualGuess(addr, proto)
		if _, err := Manual(addr, proto, in, out); err != nil {
			t.Errorf("Manual(ManualGuess(%s)) error = %v", proto, err)
		}
	}
}

func FuzzManual(f *testing.F) {
	f.Add("mail.example.org", 993, "ssl")
	f.Add("127.0.0.1", 0, "plain")
	f.Add("[::1]", 65536, "starttls")
	f.Add("mail.bücher.example.", 587, "starttls")
	addr := profile.Address{Local: "ann", Domain: "example.org"}
	smtp := ManualServer{Host: "smtp.example.org", Port: 465, Security: SecuritySSL}
	f.Fuzz(func(t *testing.T, host string, port int, security string) {
		got, err := Manual(addr, profile.IMAP, ManualServer{Host: host, Port: port, Security: security}, smtp)
		if err != nil {
			var ie *profile.InputError
			if !errors.As(err, &ie) || !strings.HasPrefix(ie.Field, "in_") {
				t.Fatalf("Manual(%q, %d, %q) error = %v, want an input error for an in_ field", host, port, security, err)
			}
			return
		}
		if err := got.Account(addr, profile.IMAP, "").Validate(); err != nil {
			t.Fatalf("Manual(%q, %d, %q) = %+v, which does not validate: %v", host, port, security, got.Incoming, err)
		}
		if err := CheckHostname(got.Incoming.Host); err != nil || localName(got.Incoming.Host) != "" {
			t.Fatalf("Manual(%q) kept host %q: %v", host, got.Incoming.Host, err)
		}
	})
}
