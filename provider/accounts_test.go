package provider

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

func TestSettingsAccounts(t *testing.T) {
	c := builtinCatalog(t)
	exchange := func(addr string) profile.Server {
		return profile.Server{Host: "outlook.office365.com", Port: 443, UseSSL: true, Auth: profile.AuthOAuth, Username: addr}
	}
	tests := []struct {
		name  string
		addr  profile.Address
		proto profile.Protocol
		want  profile.Server
	}{
		{"Outlook.com", profile.Address{Local: "Fred", Domain: "hotmail.co.uk"}, profile.Exchange, exchange("Fred@hotmail.co.uk")},
		{"Microsoft 365", profile.Address{Local: "fred", Domain: "contoso.onmicrosoft.com"}, profile.Exchange, exchange("fred@contoso.onmicrosoft.com")},
		{"Gmail", profile.Address{Local: "fred", Domain: "gmail.com"}, profile.Google, profile.Server{}},
		{"Google Workspace by MX", profile.Address{Local: "fred", Domain: "google.com"}, profile.Google, profile.Server{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.Lookup(tt.addr.Domain)
			if err != nil {
				// onmicrosoft.com tenants: their MX leads discovery here.
				p = lookup(t, c, "onmicrosoft.com")
			}
			s, err := p.Settings(tt.addr, tt.proto)
			if err != nil {
				t.Fatalf("Settings(%s) error = %v", tt.proto, err)
			}
			if s.Incoming != tt.want || s.Outgoing != (profile.Server{}) || len(s.Notes) != 0 {
				t.Errorf("Settings(%s) = %+v, want incoming %+v and nothing else", tt.proto, s, tt.want)
			}
			acct := s.Account(tt.addr, tt.proto, "")
			if err := acct.Validate(); err != nil {
				t.Errorf("Account(%s) does not validate: %v", tt.proto, err)
			}
		})
	}
}

// TestNoBareRefusal checks that every provider of the built-in catalog
// offers some kind of account, in its order of preference.
func TestNoBareRefusal(t *testing.T) {
	c := builtinCatalog(t)
	want := map[string][]profile.Protocol{
		"outlook.com":    {profile.Exchange},
		"office365.com":  {profile.Exchange},
		"gmail.com":      {profile.Google, profile.IMAP, profile.POP},
		"btinternet.com": {profile.IMAP, profile.POP},
		"icloud.com":     {profile.IMAP},
	}
	for _, p := range c.Providers() {
		addr := profile.Address{Local: "fred", Domain: c.DomainsOf(p)[0]}
		got := p.Kinds(addr)
		if len(got) == 0 {
			t.Errorf("%s (%s) offers no kind of account", p.ID, p.Source)
		}
		if w, ok := want[p.ID]; ok && !slices.Equal(got, w) {
			t.Errorf("%s.Kinds() = %v, want %v", p.ID, got, w)
		}
		// A refused IMAP names what to choose instead, when anything is.
		if _, err := p.Settings(addr, profile.IMAP); err != nil && len(got) > 0 && !strings.Contains(err.Error(), "instead") {
			t.Errorf("%s IMAP refusal %q names no alternative, but it offers %v", p.ID, err, got)
		}
	}
}

func TestExtension(t *testing.T) {
	ext := func(attrs, inner string) string {
		return `<accounts xmlns="` + ExtensionNS + `"` + attrs + `>` + inner + `</accounts>`
	}
	imap := server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "OAuth2", "password-cleartext")
	smtp := server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "", "OAuth2", "password-cleartext")
	addr := profile.Address{Local: "fred", Domain: "example.com"}
	tests := []struct {
		name       string
		inner      string
		wantGoogle bool
		wantPrefer []profile.Protocol
		wantKinds  []profile.Protocol
		wantWarn   string
	}{
		{name: "none", inner: imap + smtp, wantKinds: []profile.Protocol{profile.IMAP}},
		{name: "google, default order", inner: imap + smtp + ext("", "<google/>"),
			wantGoogle: true, wantKinds: []profile.Protocol{profile.Google, profile.IMAP}},
		{name: "IMAP preferred", inner: imap + smtp + ext(` prefer="imap google"`, "<google/>"),
			wantGoogle: true, wantPrefer: []profile.Protocol{profile.IMAP, profile.Google}, wantKinds: []profile.Protocol{profile.IMAP, profile.Google}},
		{name: "prefix form", inner: imap + smtp + `<mp:accounts xmlns:mp="` + ExtensionNS + `" prefer="POP3 Google"><mp:google/></mp:accounts>`,
			wantGoogle: true, wantPrefer: []profile.Protocol{profile.POP, profile.Google}, wantKinds: []profile.Protocol{profile.Google, profile.IMAP}},
		{name: "no namespace: not ours", inner: imap + smtp + `<accounts prefer="google"><google/></accounts>`,
			wantKinds: []profile.Protocol{profile.IMAP}},
		{name: "another namespace", inner: imap + smtp + `<accounts xmlns="urn:other" prefer="google"><google/></accounts>`,
			wantKinds: []profile.Protocol{profile.IMAP}},
		{name: "unknown and repeated kinds", inner: imap + smtp + ext(` prefer="jmap imap imap"`, ""),
			wantPrefer: []profile.Protocol{profile.IMAP}, wantKinds: []profile.Protocol{profile.IMAP}, wantWarn: `accounts: unknown kind "jmap" in prefer ignored`},
		{name: "exchange server", inner: imap + smtp + server("incomingServer", "Exchange", "EAS.example.com", "443", "SSL", "%EMAILADDRESS%", "OAuth2"),
			wantKinds: []profile.Protocol{profile.Exchange, profile.IMAP}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseOne(t, config(tt.inner))
			if p.Google != tt.wantGoogle || !slices.Equal(p.Prefer, tt.wantPrefer) {
				t.Errorf("Parse() Google = %v, Prefer = %v; want %v, %v", p.Google, p.Prefer, tt.wantGoogle, tt.wantPrefer)
			}
			if got := p.Kinds(addr); !slices.Equal(got, tt.wantKinds) {
				t.Errorf("Kinds() = %v, want %v", got, tt.wantKinds)
			}
			if tt.wantWarn != "" && !slices.Contains(p.Warnings, tt.wantWarn) {
				t.Errorf("Warnings = %q, want %q", p.Warnings, tt.wantWarn)
			}
			if got := p.Preference(); len(got) != len(profile.Kinds) {
				t.Errorf("Preference() = %v, want every kind once", got)
			}
		})
	}
	p := parseOne(t, config(server("incomingServer", "exchange", "eas.example.com", "443", "SSL", "", "OAuth2")))
	if got, want := p.Exchange[0].Hostname, "eas.example.com"; len(p.Incoming) != 0 || got != want {
		t.Errorf("exchange server: Incoming %v, Exchange host %q; want none and %q", p.Incoming, got, want)
	}
}

// TestISPDBExchange reads Thunderbird's own Microsoft 365 entry: its
// type="exchange" server makes an Exchange account, as ours does.
func TestISPDBExchange(t *testing.T) {
	files := ispdbFiles(t)
	path := filepath.Join(ispdbDir, "office365.com.xml")
	if !slices.Contains(files, path) {
		t.Skip("no office365.com.xml in the ISPDB copy")
	}
	p := parseISPDBFile(t, path)[0]
	addr := profile.Address{Local: "fred", Domain: "contoso.com"}
	s, err := p.Settings(addr, profile.Exchange)
	if err != nil {
		t.Fatalf("Settings(exchange) error = %v", err)
	}
	if s.Incoming.Host != "outlook.office365.com" || s.Incoming.Auth != profile.AuthOAuth || s.Incoming.Username != "fred@contoso.com" {
		t.Errorf("Settings(exchange) = %+v", s.Incoming)
	}
}
