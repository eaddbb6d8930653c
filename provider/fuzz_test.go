package provider

import (
	"errors"
	"io/fs"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

func FuzzParse(f *testing.F) {
	files, err := fs.Glob(Builtin(), "*.xml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no built-in catalog files: %v", err)
	}
	for _, name := range files {
		data, err := fs.ReadFile(Builtin(), name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(billionLaughs))
	f.Add(config(server("incomingServer", "imap", "mail.%EMAILDOMAIN%", "993", "SSL", "%EMAILADDRESS", "secure")))
	f.Add([]byte(operatorBT))
	f.Add(davConfig(`<calendar type="caldav"><url>https://cal.%EMAILDOMAIN%/%EMAILADDRESS%/</url></calendar>`,
		`<addressBook type="carddav"><url>https://dav.example.com:8443/x</url><authentication system="http">Basic</authentication>`+
			`<username>%EMAILLOCALPART%</username></addressBook><addressbook type="carddav"><url>http://x.example.com/</url></addressbook>`))
	f.Add(config(server("incomingServer", "exchange", "%EMAILDOMAIN%", "443", "SSL", "%EMAILLOCALPART%", "OAuth2") +
		`<accounts xmlns="` + ExtensionNS + `" prefer="pop3 exchange x"><google/><google/></accounts>`))

	addr := profile.Address{Local: "fred", Domain: "example.com"}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := Parse(data)
		if err != nil {
			return
		}
		for _, p := range ps {
			if len(p.Domains) == 0 {
				t.Fatalf("Parse() kept a provider without domains: %+v", p)
			}
			for _, d := range p.Domains {
				if err := checkHostname(d); err != nil {
					t.Fatalf("Parse() kept domain %q: %v", d, err)
				}
			}
			for _, proto := range profile.Kinds {
				s, err := p.Settings(addr, proto)
				if err != nil {
					if !errors.Is(err, ErrOAuthOnly) && !errors.Is(err, ErrNoProtocol) && !errors.Is(err, ErrNoSecureServer) {
						t.Fatalf("Settings(%q) error = %v, want a typed error", proto, err)
					}
					continue
				}
				acct := profile.Account{Address: addr, Protocol: proto, Incoming: s.Incoming, Outgoing: s.Outgoing,
					Services: s.Services(), Calendar: s.Calendar, Contacts: s.Contacts}
				if err := acct.Validate(); err != nil {
					t.Fatalf("Settings(%q) = %+v, which does not validate: %v", proto, s, err)
				}
				if proto == profile.Google {
					continue
				}
				servers := []profile.Server{s.Incoming, s.Outgoing}
				if proto == profile.Exchange {
					servers = servers[:1]
				}
				for _, srv := range servers {
					if err := checkHostname(srv.Host); err != nil || !srv.UseSSL {
						t.Fatalf("Settings(%q) server %+v: host error %v", proto, srv, err)
					}
				}
			}
		}
	})
}
