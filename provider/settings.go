package provider

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// Settings is a provider's configuration mapped onto what an Apple
// account payload can express, for one address and kind of account.
type Settings struct {
	Provider *Provider
	// Incoming and Outgoing are the IMAP or POP and the SMTP server of a
	// mail account; Incoming alone is an Exchange account's ActiveSync
	// server; a Google account has neither.
	Incoming profile.Server
	Outgoing profile.Server
	// Calendar and Contacts are the provider's CalDAV and CardDAV servers
	// for the address, beside a mail account (IMAP, POP); the zero value
	// when it offers none. Exchange and Google accounts have none: they
	// carry calendars and contacts themselves.
	Calendar profile.DAVServer
	Contacts profile.DAVServer
	// Notes are hints for the user, such as an app password being needed
	// or IMAP having to be switched on first, in English; NotesIn says
	// them in another language.
	Notes []string
	// enable is the provider's <enable> block and prefersOAuth says that
	// OAuth was skipped without one: what the notes are made of.
	enable       *Enable
	prefersOAuth bool
	// Origin says how the settings were found; the zero value is the
	// catalog.
	Origin Origin
}

// Settings maps the provider onto the payload of one kind of account for
// addr. The errors are *NoProtocolError, *NoSecureServerError and
// *OAuthOnlyError; their messages are fit for the user.
//
// IMAP and POP (mail.go): the first usable incoming server of the kind
// (imap, pop3) and the first usable smtp server, with the username
// filled in for addr. A server is usable when it is encrypted (SSL, or
// STARTTLS on the plain port; Apple's UseSSL covers both) and lists an
// authentication method a profile can express. The first such method in
// the file's order wins: password-cleartext → EmailAuthPassword,
// password-encrypted → EmailAuthCRAMMD5, NTLM → EmailAuthNTLM, none (and
// client-IP-address for smtp) → EmailAuthNone. OAuth2, GSSAPI,
// TLS-client-cert and smtp-after-pop are skipped.
//
// Exchange: the first type="exchange" server with SSL that lists OAuth2;
// the account signs in on the provider's page, never with a password.
// Google: the extension's <google/>.
// https://developer.apple.com/documentation/devicemanagement/mail
func (p *Provider) Settings(addr profile.Address, proto profile.Protocol) (Settings, error) {
	switch proto {
	case profile.IMAP, profile.POP:
		return p.mailSettings(addr, proto)
	case profile.Exchange:
		return p.exchangeSettings(addr)
	case profile.Google:
		if !p.Google {
			return Settings{}, &NoProtocolError{Provider: p.DisplayName, Type: KindName(proto)}
		}
		return Settings{Provider: p}, nil
	}
	return Settings{}, fmt.Errorf("unknown protocol %q", proto)
}

// exchangeSettings picks the Exchange server for addr.
func (p *Provider) exchangeSettings(addr profile.Address) (Settings, error) {
	secure := false
	for _, s := range p.Exchange {
		if s.SocketType != SocketSSL {
			continue
		}
		secure = true
		host := hostname(s, addr)
		if checkHostname(host) != nil || !slices.Contains(s.Auth, AuthOAuth2) {
			continue
		}
		return Settings{Provider: p, Incoming: profile.Server{
			Host: host, Port: s.Port, UseSSL: true, Auth: profile.AuthOAuth, Username: expand(s.Username, addr),
		}}, nil
	}
	if len(p.Exchange) > 0 && !secure {
		return Settings{}, &NoSecureServerError{Provider: p.DisplayName, Type: "exchange"}
	}
	return Settings{}, &NoProtocolError{Provider: p.DisplayName, Type: "exchange"}
}

// mailSettings is Settings for IMAP and POP.
func (p *Provider) mailSettings(addr profile.Address, proto profile.Protocol) (Settings, error) {
	want, other := "imap", "pop3"
	if proto == profile.POP {
		want, other = "pop3", "imap"
	}
	in, err := p.choose(p.Incoming, want, addr)
	if err != nil {
		var np *NoProtocolError
		if errors.As(err, &np) {
			_, errIn := p.choose(p.Incoming, other, addr)
			_, errOut := p.choose(p.Outgoing, "smtp", addr)
			if errIn == nil && errOut == nil {
				np.Alternative = other
			}
		}
		return Settings{}, p.withInstead(err, addr)
	}
	out, err := p.choose(p.Outgoing, "smtp", addr)
	if err != nil {
		return Settings{}, p.withInstead(err, addr)
	}
	// Most providers sign in with the address on both servers: one string.
	inUser := expand(in.srv.Username, addr)
	outUser := inUser
	if out.srv.Username != in.srv.Username {
		outUser = expand(out.srv.Username, addr)
	}
	s := Settings{
		Provider: p,
		Incoming: in.server(addr, inUser),
		Outgoing: out.server(addr, outUser),
		Calendar: davFor(p.CalDAV, addr),
		Contacts: davFor(p.CardDAV, addr),
	}
	s.enable = p.Enable
	// An <enable> block already says what to do; without one, tell the
	// user why their usual password may be refused.
	s.prefersOAuth = p.Enable == nil && (in.skippedOAuth || out.skippedOAuth)
	s.Notes = s.NotesIn("en", EnglishNotes)
	return s, nil
}

// withInstead names, in an *OAuthOnlyError, the kinds of account that
// sign in on the provider's page which the provider offers, so that no
// refusal is bare.
func (p *Provider) withInstead(err error, addr profile.Address) error {
	var oe *OAuthOnlyError
	if !errors.As(err, &oe) {
		return err
	}
	for _, k := range p.Preference() {
		if !k.SignsIn() {
			continue
		}
		if _, e := p.Settings(addr, k); e == nil {
			oe.Instead = append(oe.Instead, k)
		}
	}
	return err
}

// choice is a server picked for the profile, with the Apple auth value.
type choice struct {
	srv          Server
	auth         profile.Auth
	skippedOAuth bool // OAuth2 was listed before the method we took
}

// server is the profile's server for c, whose username is
// expand(c.srv.Username, addr).
func (c choice) server(addr profile.Address, username string) profile.Server {
	return profile.Server{
		Host:     hostname(c.srv, addr),
		Port:     c.srv.Port,
		UseSSL:   true, // choose only returns SSL and STARTTLS servers
		STARTTLS: c.srv.SocketType == SocketSTARTTLS,
		Auth:     c.auth,
		Username: username,
	}
}

// choose returns the first usable server of type typ, or the error that
// best explains why there is none.
func (p *Provider) choose(servers []Server, typ string, addr profile.Address) (choice, error) {
	var found, secure, oauth bool
	for _, s := range servers {
		if s.Type != typ {
			continue
		}
		found = true
		if !s.Secure() {
			continue
		}
		secure = true
		if checkHostname(hostname(s, addr)) != nil {
			continue // %EMAILDOMAIN% made the name too long
		}
		c := choice{srv: s}
		for _, a := range s.Auth {
			if pa, ok := appleAuth(a, typ); ok {
				c.auth = pa
				return c, nil
			}
			if a == AuthOAuth2 {
				c.skippedOAuth = true
				oauth = true
			}
		}
	}
	switch {
	case !found:
		return choice{}, &NoProtocolError{Provider: p.DisplayName, Type: typ}
	case !secure:
		return choice{}, &NoSecureServerError{Provider: p.DisplayName, Type: typ}
	case oauth:
		return choice{}, &OAuthOnlyError{Provider: p.DisplayName, Type: typ}
	}
	// Encrypted servers exist, but only with GSSAPI, client certificates
	// or smtp-after-pop, none of which a profile can carry.
	return choice{}, &NoProtocolError{Provider: p.DisplayName, Type: typ}
}

func appleAuth(a, typ string) (profile.Auth, bool) {
	switch a {
	case AuthPasswordCleartext:
		return profile.AuthPassword, true
	case AuthPasswordEncrypted:
		return profile.AuthCRAMMD5, true
	case AuthNTLM:
		return profile.AuthNTLM, true
	case AuthNone:
		return profile.AuthNone, true
	case AuthClientIP:
		return profile.AuthNone, typ == "smtp"
	}
	return "", false
}

// hostname fills in a %EMAILDOMAIN% in the server's host name.
func hostname(s Server, addr profile.Address) string {
	return s.HostFor(strings.ToLower(addr.Domain))
}

// HostFor is the server's host name for the addresses of domain (lower
// case, A-labels): a %EMAILDOMAIN% in it is filled in. The result may be
// too long to be a host name; check it with CheckHostname.
func (s Server) HostFor(domain string) string {
	if !strings.Contains(s.Hostname, "%") {
		return s.Hostname
	}
	return strings.ReplaceAll(s.Hostname, "%EMAILDOMAIN%", domain)
}

// UsernameFor is the user name addr signs in with: the server's pattern
// with its placeholders filled in.
func (s Server) UsernameFor(addr profile.Address) string { return expand(s.Username, addr) }

// expand fills in the placeholders of a username pattern by plain
// substring replacement; an empty pattern means the full address.
func expand(pattern string, addr profile.Address) string {
	if pattern == "" || pattern == "%EMAILADDRESS%" { // most providers; no replacer needed
		return addr.String()
	}
	if !strings.Contains(pattern, "%") {
		return pattern
	}
	return strings.NewReplacer(
		"%EMAILADDRESS%", addr.String(),
		"%EMAILLOCALPART%", addr.Local,
		"%EMAILDOMAIN%", addr.Domain,
	).Replace(pattern)
}
