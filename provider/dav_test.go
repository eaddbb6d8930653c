package provider

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

// davConfig is a clientConfig with a usable IMAP and SMTP server, inner
// inside <emailProvider> and root after it.
func davConfig(inner, root string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain>` +
		server("incomingServer", "imap", "imap.example.com", "993", "SSL", "%EMAILADDRESS%", "password-cleartext") +
		server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "%EMAILADDRESS%", "password-cleartext") +
		inner + `</emailProvider>` + root + `</clientConfig>`)
}

// davSection is a calendar or address book element.
func davSection(elem, typ, url, username string, auth ...string) string {
	var b strings.Builder
	b.WriteString(`<` + elem + ` type="` + typ + `"><url>` + url + `</url>`)
	for _, a := range auth {
		b.WriteString(a)
	}
	if username != "" {
		b.WriteString(`<username>` + username + `</username>`)
	}
	b.WriteString(`</` + elem + `>`)
	return b.String()
}

func TestParseDAV(t *testing.T) {
	basic := `<authentication>http-basic</authentication>`
	draftBasic := `<authentication system="http">Basic</authentication>`
	oauth := `<authentication>OAuth2</authentication>`
	addr := profile.Address{Local: "Fred Bloggs", Domain: "example.com"}
	quoted := profile.Address{Local: `"fred bloggs"`, Domain: "example.com"}
	tests := []struct {
		name         string
		inner, root  string
		addr         profile.Address
		wantCal      profile.DAVServer
		wantCard     profile.DAVServer
		wantWarnings []string // parts of the warnings, in order
	}{
		{
			name: "root sections as Thunderbird and the sample spell them",
			root: davSection("calendar", "caldav", "https://dav.example.com/cal/", "%EMAILADDRESS%", basic) +
				davSection("addressBook", "carddav", "https://dav.example.com/card/", "%EMAILLOCALPART%", draftBasic),
			wantCal:  profile.DAVServer{Host: "dav.example.com", Port: 443, PrincipalURL: "https://dav.example.com/cal/", Username: "Fred Bloggs@example.com"},
			wantCard: profile.DAVServer{Host: "dav.example.com", Port: 443, PrincipalURL: "https://dav.example.com/card/", Username: "Fred Bloggs"},
		},
		{
			name:     "the draft schema's addressbook, a port, no authentication or user name",
			root:     davSection("addressbook", "CardDAV", "https://DAV.example.com:8443/", ""),
			wantCard: profile.DAVServer{Host: "dav.example.com", Port: 8443, PrincipalURL: "https://dav.example.com:8443/", Username: "Fred Bloggs@example.com"},
		},
		{
			name:    "inside emailProvider, placeholders filled in host and path",
			inner:   davSection("calendar", "caldav", "https://cal.%EMAILDOMAIN%/dav/%EMAILADDRESS%/", "%EMAILADDRESS%", `<authentication>password-cleartext</authentication>`),
			wantCal: profile.DAVServer{Host: "cal.example.com", Port: 443, PrincipalURL: "https://cal.example.com/dav/Fred%20Bloggs@example.com/", Username: "Fred Bloggs@example.com"},
		},
		{
			name:    "a quoted local part is escaped in the path",
			addr:    quoted,
			inner:   davSection("calendar", "caldav", "https://cal.example.com/%EMAILLOCALPART%/", "", basic),
			wantCal: profile.DAVServer{Host: "cal.example.com", Port: 443, PrincipalURL: "https://cal.example.com/%22fred%20bloggs%22/", Username: `"fred bloggs"@example.com`},
		},
		{
			name: "the root's first, then the provider's",
			root: davSection("calendar", "caldav", "https://root.example.com/", "", basic),
			inner: davSection("calendar", "caldav", "https://inner.example.com/", "", basic) +
				davSection("addressbook", "carddav", "https://inner.example.com/", "", basic),
			wantCal:  profile.DAVServer{Host: "root.example.com", Port: 443, PrincipalURL: "https://root.example.com/", Username: "Fred Bloggs@example.com"},
			wantCard: profile.DAVServer{Host: "inner.example.com", Port: 443, PrincipalURL: "https://inner.example.com/", Username: "Fred Bloggs@example.com"},
		},
		{
			name: "OAuth2 only is skipped for the next",
			root: davSection("calendar", "caldav", "https://oauth.example.com/", "", oauth) +
				davSection("calendar", "caldav", "https://dav.example.com/", "", oauth, basic),
			wantCal: profile.DAVServer{Host: "dav.example.com", Port: 443, PrincipalURL: "https://dav.example.com/", Username: "Fred Bloggs@example.com"},
		},
		{
			name: "other types and the wrong element are ignored",
			root: davSection("calendar", "webdav", "https://files.example.com/", "", basic) +
				davSection("calendar", "carddav", "https://x.example.com/", "", basic) +
				davSection("fileShare", "webdav", "https://files.example.com/", "", basic),
		},
		{
			name: "invalid sections are dropped with a warning",
			root: davSection("calendar", "caldav", "http://dav.example.com/", "", basic) +
				davSection("calendar", "caldav", "https://u:p@dav.example.com/", "", basic) +
				davSection("calendar", "caldav", "https://dav.example.com/%REALNAME%/", "", basic) +
				davSection("calendar", "caldav", "https://192.0.2.1/", "", basic) +
				davSection("addressBook", "carddav", "https://dav.example.com/", "", `<authentication>kerberos</authentication>`) +
				davSection("addressBook", "carddav", "https://dav.example.com:99999/", "", basic) +
				davSection("addressBook", "carddav", "", "", basic),
			wantWarnings: []string{"calendar 1 (caldav) dropped: url is not an https URL",
				"calendar 2 (caldav) dropped: url has user information",
				"calendar 3 (caldav) dropped: url uses unsupported placeholder %REALNAME%",
				"calendar 4 (caldav) dropped: url host: hostname \"192.0.2.1\" is an IP address",
				"addressBook 1 (carddav) dropped: no known authentication method",
				"addressBook 2 (carddav) dropped: url port \"99999\"",
				"addressBook 3 (carddav) dropped: no url"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseOne(t, davConfig(tt.inner, tt.root))
			if len(p.Warnings) != len(tt.wantWarnings) {
				t.Fatalf("Warnings = %q, want %d like %q", p.Warnings, len(tt.wantWarnings), tt.wantWarnings)
			}
			for i, w := range tt.wantWarnings {
				if !strings.Contains(p.Warnings[i], w) {
					t.Errorf("Warnings[%d] = %q, want it to say %q", i, p.Warnings[i], w)
				}
			}
			a := tt.addr
			if a == (profile.Address{}) {
				a = addr
			}
			for _, kind := range []profile.Protocol{profile.IMAP, profile.POP} {
				s, err := p.Settings(a, kind)
				if kind == profile.POP {
					if err == nil {
						t.Fatalf("Settings(pop) = %+v, want none: the file has no POP server", s)
					}
					continue
				}
				if err != nil {
					t.Fatalf("Settings(imap) = %v", err)
				}
				if s.Calendar != tt.wantCal || s.Contacts != tt.wantCard {
					t.Errorf("Settings(imap) calendar, contacts =\n%+v\n%+v\nwant\n%+v\n%+v", s.Calendar, s.Contacts, tt.wantCal, tt.wantCard)
				}
				acct := s.Account(a, kind, "")
				acct.Services = s.Services()
				if err := acct.Validate(); err != nil {
					t.Errorf("the account with every service offered does not validate: %v", err)
				}
			}
		})
	}
}

// TestBuiltinDAV checks which built-in providers offer calendars and
// contacts: Fastmail, whose published settings name its CalDAV and CardDAV
// servers, and none that the catalog has no source for.
func TestBuiltinDAV(t *testing.T) {
	c, err := NewCatalog(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if w := c.Warnings(); len(w) > 0 {
		t.Fatalf("built-in catalog warnings: %q", w)
	}
	ctx := context.Background()
	addr := profile.Address{Local: "someone", Domain: "fastmail.com"}
	for _, kind := range []profile.Protocol{profile.IMAP, profile.POP} {
		s, err := c.Find(ctx, addr, kind)
		if err != nil {
			t.Fatal(err)
		}
		want := profile.DAVServer{Host: "caldav.fastmail.com", Port: 443, PrincipalURL: "https://caldav.fastmail.com/", Username: "someone@fastmail.com"}
		if s.Calendar != want {
			t.Errorf("Fastmail %s calendar = %+v, want %+v", kind, s.Calendar, want)
		}
		want = profile.DAVServer{Host: "carddav.fastmail.com", Port: 443, PrincipalURL: "https://carddav.fastmail.com/", Username: "someone@fastmail.com"}
		if s.Contacts != want {
			t.Errorf("Fastmail %s contacts = %+v, want %+v", kind, s.Contacts, want)
		}
		if s.Services() != profile.AllServices {
			t.Errorf("Fastmail %s services = %v, want all", kind, s.Services())
		}
	}
	var offer []string
	for _, p := range c.Providers() {
		if len(p.CalDAV) > 0 || len(p.CardDAV) > 0 {
			offer = append(offer, p.ID)
		}
	}
	if !slices.Equal(offer, []string{"fastmail.com"}) {
		t.Errorf("built-in providers with calendars or contacts = %q, want only fastmail.com (README, Adding a provider)", offer)
	}
	for _, kind := range []profile.Protocol{profile.Exchange, profile.Google} {
		for _, email := range []profile.Address{{Local: "x", Domain: "outlook.com"}, {Local: "x", Domain: "gmail.com"}} {
			if s, err := c.Find(ctx, email, kind); err == nil && s.Services() != profile.ServiceMail {
				t.Errorf("%s %s services = %v, want mail: the account carries calendars itself", email, kind, s.Services())
			}
		}
	}
}
