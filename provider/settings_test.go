package provider

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

func TestSettingsBuiltin(t *testing.T) {
	c := builtinCatalog(t)
	bt := func(port int) profile.Server {
		return profile.Server{Host: "mail.btinternet.com", Port: port, UseSSL: true,
			Auth: profile.AuthPassword, Username: "Fred.Bloggs@btinternet.com"}
	}
	tests := []struct {
		name         string
		addr         profile.Address
		proto        profile.Protocol
		wantIncoming profile.Server
		wantOutgoing profile.Server
	}{
		{
			name: "BT IMAP", addr: profile.Address{Local: "Fred.Bloggs", Domain: "btinternet.com"}, proto: profile.IMAP,
			wantIncoming: bt(993), wantOutgoing: bt(465),
		},
		{
			name: "BT POP", addr: profile.Address{Local: "Fred.Bloggs", Domain: "btinternet.com"}, proto: profile.POP,
			wantIncoming: bt(995), wantOutgoing: bt(465),
		},
		{
			name: "BT talk21 IMAP", addr: profile.Address{Local: "fred", Domain: "talk21.com"}, proto: profile.IMAP,
			wantIncoming: profile.Server{Host: "mail.btinternet.com", Port: 993, UseSSL: true, Auth: profile.AuthPassword, Username: "fred@talk21.com"},
			wantOutgoing: profile.Server{Host: "mail.btinternet.com", Port: 465, UseSSL: true, Auth: profile.AuthPassword, Username: "fred@talk21.com"},
		},
		{
			name: "Gmail skips OAuth2", addr: profile.Address{Local: "fred", Domain: "googlemail.com"}, proto: profile.IMAP,
			wantIncoming: profile.Server{Host: "imap.gmail.com", Port: 993, UseSSL: true, Auth: profile.AuthPassword, Username: "fred@googlemail.com"},
			wantOutgoing: profile.Server{Host: "smtp.gmail.com", Port: 465, UseSSL: true, Auth: profile.AuthPassword, Username: "fred@googlemail.com"},
		},
		{
			name: "iCloud local part in, address out", addr: profile.Address{Local: "fred", Domain: "icloud.com"}, proto: profile.IMAP,
			wantIncoming: profile.Server{Host: "imap.mail.me.com", Port: 993, UseSSL: true, Auth: profile.AuthPassword, Username: "fred"},
			wantOutgoing: profile.Server{Host: "smtp.mail.me.com", Port: 587, UseSSL: true, STARTTLS: true, Auth: profile.AuthPassword, Username: "fred@icloud.com"},
		},
		{
			name: "WEB.DE STARTTLS submission", addr: profile.Address{Local: "fred", Domain: "web.de"}, proto: profile.POP,
			wantIncoming: profile.Server{Host: "pop3.web.de", Port: 995, UseSSL: true, Auth: profile.AuthPassword, Username: "fred"},
			wantOutgoing: profile.Server{Host: "smtp.web.de", Port: 587, UseSSL: true, STARTTLS: true, Auth: profile.AuthPassword, Username: "fred"},
		},
		{
			name: "gmx.com servers", addr: profile.Address{Local: "fred", Domain: "gmx.com"}, proto: profile.IMAP,
			wantIncoming: profile.Server{Host: "imap.gmx.com", Port: 993, UseSSL: true, Auth: profile.AuthPassword, Username: "fred@gmx.com"},
			wantOutgoing: profile.Server{Host: "mail.gmx.com", Port: 465, UseSSL: true, Auth: profile.AuthPassword, Username: "fred@gmx.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.Lookup(tt.addr.Domain)
			if err != nil {
				t.Fatalf("Lookup(%q) error = %v", tt.addr.Domain, err)
			}
			got, err := p.Settings(tt.addr, tt.proto)
			if err != nil {
				t.Fatalf("Settings(%q) error = %v", tt.addr, err)
			}
			if got.Incoming != tt.wantIncoming {
				t.Errorf("Settings(%q).Incoming = %+v, want %+v", tt.addr, got.Incoming, tt.wantIncoming)
			}
			if got.Outgoing != tt.wantOutgoing {
				t.Errorf("Settings(%q).Outgoing = %+v, want %+v", tt.addr, got.Outgoing, tt.wantOutgoing)
			}
			if got.Provider != p {
				t.Errorf("Settings(%q).Provider = %p, want %p", tt.addr, got.Provider, p)
			}
			acct := profile.Account{Address: tt.addr, Protocol: tt.proto, Incoming: got.Incoming, Outgoing: got.Outgoing}
			if err := acct.Validate(); err != nil {
				t.Errorf("Settings(%q) gives an account that does not validate: %v", tt.addr, err)
			}
		})
	}
}

func TestSettingsNotes(t *testing.T) {
	c := builtinCatalog(t)
	tests := []struct {
		domain string
		want   []string // substrings, one per note
	}{
		{domain: "btinternet.com", want: nil},
		{domain: "gmail.com", want: []string{"app password and enter it instead of your Google password. See https://myaccount.google.com/apppasswords"}},
		{domain: "icloud.com", want: []string{"app-specific password"}},
		{domain: "gmx.de", want: []string{"Allow access by POP3 and IMAP"}},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			p, _ := c.Lookup(tt.domain)
			got, err := p.Settings(profile.Address{Local: "fred", Domain: tt.domain}, profile.IMAP)
			if err != nil {
				t.Fatalf("Settings(%q) error = %v", tt.domain, err)
			}
			if len(got.Notes) != len(tt.want) {
				t.Fatalf("Settings(%q).Notes = %q, want %d notes", tt.domain, got.Notes, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got.Notes[i], w) {
					t.Errorf("Settings(%q).Notes[%d] = %q, want it to contain %q", tt.domain, i, got.Notes[i], w)
				}
			}
		})
	}
}

func TestSettingsOAuthNoteWithoutEnable(t *testing.T) {
	p := parseOne(t, config(
		server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "OAuth2", "password-cleartext")+
			server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "", "password-cleartext")))
	got, err := p.Settings(profile.Address{Local: "fred", Domain: "example.com"}, profile.IMAP)
	if err != nil || len(got.Notes) != 1 || !strings.Contains(got.Notes[0], "app password") {
		t.Errorf("Settings() = %+v, %v, want one app-password note", got, err)
	}
	if got.Incoming.Username != "fred@example.com" {
		t.Errorf("Settings().Incoming.Username = %q, want the full address for an empty pattern", got.Incoming.Username)
	}
}

func TestSettingsErrors(t *testing.T) {
	c := builtinCatalog(t)
	imapSSL := server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "password-cleartext")
	smtpSSL := server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "", "password-cleartext")
	tests := []struct {
		name     string
		provider *Provider
		proto    profile.Protocol
		sentinel error
		target   any
		message  string
	}{
		{
			name: "Outlook.com IMAP", provider: lookup(t, c, "hotmail.com"), proto: profile.IMAP,
			sentinel: ErrOAuthOnly, target: new(*OAuthOnlyError),
			message: "Outlook.com accepts only OAuth sign-in for IMAP, which a mail account profile cannot carry: choose Microsoft Exchange (type exchange) instead; it signs in on Outlook.com's own page",
		},
		{
			name: "Outlook.com POP", provider: lookup(t, c, "outlook.com"), proto: profile.POP,
			sentinel: ErrOAuthOnly, target: new(*OAuthOnlyError),
			message: "Outlook.com accepts only OAuth sign-in for POP, which a mail account profile cannot carry: choose Microsoft Exchange (type exchange) instead; it signs in on Outlook.com's own page",
		},
		{
			name: "Microsoft 365", provider: lookup(t, c, "onmicrosoft.com"), proto: profile.IMAP,
			sentinel: ErrOAuthOnly, target: new(*OAuthOnlyError),
			message: "Microsoft 365 accepts only OAuth sign-in for IMAP, which a mail account profile cannot carry: choose Microsoft Exchange (type exchange) instead; it signs in on Microsoft 365's own page",
		},
		{
			name: "OAuth only, nothing instead",
			provider: parseOne(t, config(
				server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "OAuth2")+smtpSSL)),
			proto: profile.IMAP, sentinel: ErrOAuthOnly, target: new(*OAuthOnlyError),
			message: "example.com accepts only OAuth sign-in, which a configuration profile cannot set up: add the account from your device's own settings instead (iPhone and iPad: Settings > Apps > Mail > Mail Accounts > Add Account; Mac: System Settings > Internet Accounts)",
		},
		{
			name: "no Exchange", provider: lookup(t, c, "btinternet.com"), proto: profile.Exchange,
			sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "BT Mail offers no Microsoft Exchange account that a configuration profile can use",
		},
		{
			name: "no Google", provider: lookup(t, c, "outlook.com"), proto: profile.Google,
			sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "Outlook.com offers no Google account that a configuration profile can use",
		},
		{
			name: "Exchange with a password only",
			provider: parseOne(t, config(
				server("incomingServer", "exchange", "eas.example.com", "443", "SSL", "", "password-cleartext")+imapSSL+smtpSSL)),
			proto: profile.Exchange, sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "example.com offers no Microsoft Exchange account that a configuration profile can use",
		},
		{
			name: "Exchange over plain HTTP",
			provider: parseOne(t, config(
				server("incomingServer", "exchange", "eas.example.com", "80", "plain", "", "OAuth2"))),
			proto: profile.Exchange, sentinel: ErrNoSecureServer, target: new(*NoSecureServerError),
			message: "example.com offers no encrypted connection for Microsoft Exchange, so no profile is offered: your password would travel unprotected",
		},
		{
			name: "iCloud has no POP", provider: lookup(t, c, "icloud.com"), proto: profile.POP,
			sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "iCloud Mail offers no POP server that a configuration profile can use: choose IMAP instead",
		},
		{
			name: "POP-only asked for IMAP",
			provider: parseOne(t, config(
				server("incomingServer", "pop3", "pop.example.com", "995", "SSL", "", "password-cleartext")+smtpSSL)),
			proto: profile.IMAP, sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "example.com offers no IMAP server that a configuration profile can use: choose POP instead",
		},
		{
			name: "only plain IMAP",
			provider: parseOne(t, config(
				server("incomingServer", "imap", "imap.example.com", "143", "plain", "", "password-cleartext")+smtpSSL)),
			proto: profile.IMAP, sentinel: ErrNoSecureServer, target: new(*NoSecureServerError),
			message: "example.com offers no encrypted connection for IMAP, so no profile is offered: your password would travel unprotected",
		},
		{
			name:     "only plain SMTP",
			provider: parseOne(t, config(imapSSL+server("outgoingServer", "smtp", "smtp.example.com", "25", "plain", "", "none"))),
			proto:    profile.IMAP, sentinel: ErrNoSecureServer, target: new(*NoSecureServerError),
			message: "example.com offers no encrypted connection for outgoing (SMTP), so no profile is offered: your password would travel unprotected",
		},
		{
			name:     "no SMTP",
			provider: parseOne(t, config(imapSSL)),
			proto:    profile.IMAP, sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "example.com offers no outgoing (SMTP) server that a configuration profile can use",
		},
		{
			name: "only GSSAPI",
			provider: parseOne(t, config(
				server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "GSSAPI", "TLS-client-cert")+smtpSSL)),
			proto: profile.IMAP, sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "example.com offers no IMAP server that a configuration profile can use",
		},
		{
			name: "client-IP-address is outgoing only",
			provider: parseOne(t, config(
				server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "client-IP-address")+smtpSSL)),
			proto: profile.IMAP, sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "example.com offers no IMAP server that a configuration profile can use",
		},
		{
			name: "smtp-after-pop only",
			provider: parseOne(t, config(
				imapSSL+server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "", "smtp-after-pop"))),
			proto: profile.IMAP, sentinel: ErrNoProtocol, target: new(*NoProtocolError),
			message: "example.com offers no outgoing (SMTP) server that a configuration profile can use",
		},
	}
	addr := profile.Address{Local: "fred", Domain: "example.com"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.provider.Settings(addr, tt.proto)
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("Settings(%q) = %+v, %v, want %v", tt.proto, got, err, tt.sentinel)
			}
			if !errors.As(err, tt.target) {
				t.Errorf("Settings(%q) error type = %T, want %T", tt.proto, err, reflect.ValueOf(tt.target).Elem().Interface())
			}
			if err.Error() != tt.message {
				t.Errorf("Settings(%q) error = %q, want %q", tt.proto, err, tt.message)
			}
			for _, other := range []error{ErrNotFound, ErrOAuthOnly, ErrNoProtocol, ErrNoSecureServer} {
				if other != tt.sentinel && errors.Is(err, other) {
					t.Errorf("Settings(%q) error also matches %v", tt.proto, other)
				}
			}
		})
	}
}

func TestSettingsPicksFirstUsable(t *testing.T) {
	p := parseOne(t, config(
		server("incomingServer", "imap", "plain.example.com", "143", "plain", "", "password-cleartext")+
			server("incomingServer", "imap", "oauth.example.com", "993", "SSL", "", "OAuth2")+
			server("incomingServer", "imap", "cram.example.com", "143", "STARTTLS", "%EMAILLOCALPART%.%EMAILDOMAIN%", "GSSAPI", "password-encrypted", "password-cleartext")+
			server("outgoingServer", "smtp", "relay.example.com", "587", "STARTTLS", "", "client-IP-address")+
			server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "", "NTLM")))
	got, err := p.Settings(profile.Address{Local: "Fred", Domain: "example.com"}, profile.IMAP)
	if err != nil {
		t.Fatalf("Settings() error = %v", err)
	}
	wantIn := profile.Server{Host: "cram.example.com", Port: 143, UseSSL: true, STARTTLS: true, Auth: profile.AuthCRAMMD5, Username: "Fred.example.com"}
	wantOut := profile.Server{Host: "relay.example.com", Port: 587, UseSSL: true, STARTTLS: true, Auth: profile.AuthNone, Username: "Fred@example.com"}
	if got.Incoming != wantIn || got.Outgoing != wantOut {
		t.Errorf("Settings() = %+v / %+v, want %+v / %+v", got.Incoming, got.Outgoing, wantIn, wantOut)
	}
}

func TestSettingsPlaceholdersInAddress(t *testing.T) {
	// A local part may itself contain %; replacement is a single pass, so
	// text from the address is never expanded again.
	p := parseOne(t, config(
		server("incomingServer", "imap", "imap.example.com", "993", "SSL", "%EMAILADDRESS%", "password-cleartext")+
			server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "%EMAILLOCALPART%", "password-cleartext")))
	addr := profile.Address{Local: "%EMAILDOMAIN%", Domain: "example.com"}
	got, err := p.Settings(addr, profile.IMAP)
	if err != nil || got.Incoming.Username != "%EMAILDOMAIN%@example.com" || got.Outgoing.Username != "%EMAILDOMAIN%" {
		t.Errorf("Settings(%q) = %+v, %v, want usernames %q and %q", addr, got, err, "%EMAILDOMAIN%@example.com", "%EMAILDOMAIN%")
	}
}

func TestSettingsDomainInHostname(t *testing.T) {
	p := parseOne(t, []byte(`<clientConfig><emailProvider id="inbox.example">
		<domain>inbox.example</domain><domain>inbox.test</domain>
		<displayName>%EMAILDOMAIN%</displayName>`+
		server("incomingServer", "imap", "mail.%EMAILDOMAIN%", "993", "SSL", "%EMAILADDRESS%", "password-cleartext")+
		server("outgoingServer", "smtp", "%EMAILDOMAIN%", "465", "SSL", "%EMAILADDRESS%", "password-cleartext")+
		`</emailProvider></clientConfig>`))
	if p.DisplayName != "inbox.example" {
		t.Errorf("Parse() DisplayName = %q, want the id in place of %%EMAILDOMAIN%%", p.DisplayName)
	}
	addr := profile.Address{Local: "fred", Domain: "inbox.test"}
	got, err := p.Settings(addr, profile.IMAP)
	if err != nil || got.Incoming.Host != "mail.inbox.test" || got.Outgoing.Host != "inbox.test" {
		t.Errorf("Settings(%q) = %+v, %v, want hosts mail.inbox.test and inbox.test", addr, got, err)
	}
	long := profile.Address{Local: "fred", Domain: strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".test"}
	if _, err := p.Settings(long, profile.IMAP); !errors.Is(err, ErrNoProtocol) {
		t.Errorf("Settings(%q) error = %v, want ErrNoProtocol for a host name over 253 characters", long, err)
	}
}

func TestSettingsUnknownProtocol(t *testing.T) {
	p := lookup(t, builtinCatalog(t), "btinternet.com")
	if _, err := p.Settings(profile.Address{Local: "a", Domain: "btinternet.com"}, "exchange"); err == nil {
		t.Errorf("Settings(%q) error = nil, want an error", "exchange")
	}
}

func lookup(t testing.TB, c *Catalog, domain string) *Provider {
	t.Helper()
	p, err := c.Lookup(domain)
	if err != nil {
		t.Fatalf("Lookup(%q) error = %v", domain, err)
	}
	return p
}

func BenchmarkLookupSettings(b *testing.B) {
	c := builtinCatalog(b)
	domains := c.Domains()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		d := domains[i%len(domains)]
		p, err := c.Lookup(d)
		if err != nil {
			b.Fatal(err)
		}
		_, err = p.Settings(profile.Address{Local: "fred", Domain: d}, profile.IMAP)
		if err != nil && !errors.Is(err, ErrOAuthOnly) {
			b.Fatal(fmt.Errorf("Settings(%q): %w", d, err))
		}
	}
}
