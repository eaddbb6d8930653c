package profile

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Default texts for the operator's settings. {provider}, {email} and
// {organization} are replaced when the profile is built.
const (
	DefaultDisplayName = "{provider} ({email})"
	DefaultDescription = "Sets up the mail account {email} ({provider}) in Mail. Your password is not in this profile: you type it once while installing."
	// DefaultSignInDescription is for Exchange and Google accounts,
	// which sign in on the provider's page after installing.
	DefaultSignInDescription = "Sets up the account {email} ({provider}). No password is in this profile: after installing, you sign in on your provider's own page."
	// DefaultServicesDescription is for profiles with calendars or
	// contacts: the device asks for the password of each account.
	// {services} says which, e.g. "mail, calendars and contacts".
	DefaultServicesDescription = "Sets up {services} for {email} ({provider}). Your password is not in this profile: you type it while installing, once for each account."
)

// Options are the operator's settings that shape every profile.
type Options struct {
	// IdentifierPrefix is the operator's reverse-DNS prefix, e.g.
	// "com.example.mailprofile".
	IdentifierPrefix string
	// Organization is PayloadOrganization; shown as the profile's source.
	Organization string
	// Texts are the words the device shows, in the visitor's language;
	// the caller sets them for each profile. Empty ones are English.
	Texts
	// Secret keys the derivation of PayloadUUIDs. It is per installation
	// and must not change, or every profile gets new UUIDs.
	Secret []byte
}

// Validate reports the first unusable option, naming it.
func (o Options) Validate() error {
	if err := ValidateIdentifierPrefix(o.IdentifierPrefix); err != nil {
		return err
	}
	if len(o.Secret) < 16 {
		return errors.New("identifier secret: need at least 16 bytes")
	}
	for _, f := range append(o.Texts.fields(), struct{ name, v string }{"organization", o.Organization}) {
		if err := checkText(f.v, 1000); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

// ValidateIdentifierPrefix checks a reverse-DNS prefix: dot-separated labels
// of ASCII letters, digits and hyphens.
func ValidateIdentifierPrefix(p string) error {
	if p == "" {
		return errors.New("identifier prefix: must not be empty (e.g. com.example.mail)")
	}
	if len(p) > 200 {
		return errors.New("identifier prefix: longer than 200 characters")
	}
	for _, l := range strings.Split(p, ".") {
		if l == "" {
			return fmt.Errorf("identifier prefix %q: empty label", p)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("identifier prefix %q: only letters, digits, hyphens and dots are allowed", p)
			}
		}
	}
	return nil
}

// configuration is the top level of a profile.
// https://developer.apple.com/documentation/devicemanagement/toplevel
type configuration struct {
	PayloadContent      []payload `plist:"PayloadContent"`
	PayloadDescription  string    `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName  string    `plist:"PayloadDisplayName"`
	PayloadIdentifier   string    `plist:"PayloadIdentifier"`
	PayloadOrganization string    `plist:"PayloadOrganization,omitempty"`
	// PayloadScope is macOS-only; mail payloads are user-channel only.
	PayloadScope   string `plist:"PayloadScope"`
	PayloadType    string `plist:"PayloadType"`
	PayloadUUID    string `plist:"PayloadUUID"`
	PayloadVersion int    `plist:"PayloadVersion"`
	// TargetDeviceType 1 (iPhone, iPad) marks the profiles whose payload
	// only iOS installs, so a Mac refuses them at once and an iPhone
	// paired with a Watch does not ask which of the two it is for.
	TargetDeviceType int `plist:"TargetDeviceType,omitempty"`
}

// targetIOS is TargetDeviceType's value for iPhone, iPad and iPod touch.
const targetIOS = 1

// payload is one entry of PayloadContent: a mailPayload, an
// exchangePayload, a googlePayload or a davPayload, each of which writes
// itself.
type payload interface{ encodeTo(e *encoder) }

// mailPayload is one com.apple.mail.managed payload. The UseSSL keys have no
// omitempty: their default is false, so they are always written.
// https://developer.apple.com/documentation/devicemanagement/mail
type mailPayload struct {
	EmailAccountDescription          string `plist:"EmailAccountDescription"`
	EmailAccountName                 string `plist:"EmailAccountName,omitempty"`
	EmailAccountType                 string `plist:"EmailAccountType"`
	EmailAddress                     string `plist:"EmailAddress"`
	IncomingMailServerAuthentication string `plist:"IncomingMailServerAuthentication"`
	IncomingMailServerHostName       string `plist:"IncomingMailServerHostName"`
	IncomingMailServerPortNumber     int    `plist:"IncomingMailServerPortNumber"`
	IncomingMailServerUseSSL         bool   `plist:"IncomingMailServerUseSSL"`
	IncomingMailServerUsername       string `plist:"IncomingMailServerUsername,omitempty"`
	OutgoingMailServerAuthentication string `plist:"OutgoingMailServerAuthentication"`
	OutgoingMailServerHostName       string `plist:"OutgoingMailServerHostName"`
	OutgoingMailServerPortNumber     int    `plist:"OutgoingMailServerPortNumber"`
	OutgoingMailServerUseSSL         bool   `plist:"OutgoingMailServerUseSSL"`
	OutgoingMailServerUsername       string `plist:"OutgoingMailServerUsername,omitempty"`
	// The profile carries no password, so the device asks once for both.
	OutgoingPasswordSameAsIncomingPassword bool `plist:"OutgoingPasswordSameAsIncomingPassword"`

	PayloadDescription  string `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName  string `plist:"PayloadDisplayName"`
	PayloadIdentifier   string `plist:"PayloadIdentifier"`
	PayloadOrganization string `plist:"PayloadOrganization,omitempty"`
	PayloadType         string `plist:"PayloadType"`
	PayloadUUID         string `plist:"PayloadUUID"`
	PayloadVersion      int    `plist:"PayloadVersion"`
}

// Build returns the XML property list of a configuration profile for
// one address: a mail, Exchange or Google payload by acct.Protocol, and
// the CalDAV and CardDAV payloads acct.Services asks for. The output
// depends only on acct and opts, so the same input gives the same bytes.
func Build(acct Account, opts Options) ([]byte, error) {
	return AppendBuild(nil, acct, opts)
}

// AppendBuild is Build appending to dst, for a caller that reuses the
// buffer once the profile is signed (the signature holds a copy).
func AppendBuild(dst []byte, acct Account, opts Options) ([]byte, error) {
	if err := acct.Validate(); err != nil {
		return nil, fmt.Errorf("invalid account: %w", err)
	}
	if err := checkName(acct.Name); err != nil {
		return nil, fmt.Errorf("invalid account name: %w", err)
	}
	ids := deriveIdentifiers(opts.IdentifierPrefix, opts.Secret, acct)
	email := acct.Address.stringAs(acct.Incoming.Username)
	provider := acct.Provider
	if provider == "" {
		provider = acct.Address.Domain
	}
	svc := acct.Services.Effective()
	texts := opts.Texts.withDefaults()
	words := svc.words(texts)
	expand := func(template string) string {
		return expandTemplate(template, provider, email, opts.Organization, words)
	}
	description := texts.Description
	switch {
	case svc.DAV():
		description = texts.ServicesDescription
	case acct.Protocol.SignsIn():
		description = texts.SignInDescription
	}
	// Mail, calendars, contacts: the payloads are stored by index, not
	// appended, so the compiler sees that they do not outlive the
	// encoding and keeps them, boxed, off the heap.
	var payloads [3]payload
	n := 0
	switch {
	case !svc.Has(ServiceMail):
	case acct.Protocol.SignsIn():
		payloads[n] = signInPayload(acct, ids, opts.Organization, texts, expand)
		n++
	default:
		payloads[n] = mailAccountPayload(acct, email, ids, opts.Organization, texts, expand)
		n++
	}
	for _, dav := range [...]struct {
		service Services
		srv     DAVServer
		name    string
	}{{ServiceCalendar, acct.Calendar, texts.CalendarPayloadName}, {ServiceContacts, acct.Contacts, texts.ContactsPayloadName}} {
		if !svc.Has(dav.service) {
			continue
		}
		p := newDAVPayload(dav.service, dav.srv, email)
		p.PayloadDisplayName = expand(dav.name)
		p.PayloadIdentifier, p.PayloadUUID = serviceIdentifiers(opts.IdentifierPrefix, opts.Secret, acct.Address, dav.service)
		p.PayloadOrganization = opts.Organization
		payloads[n] = p
		n++
	}
	doc := configuration{
		PayloadContent:      payloads[:n],
		PayloadDescription:  expand(description),
		PayloadDisplayName:  expand(texts.DisplayName),
		PayloadIdentifier:   ids.Profile,
		PayloadOrganization: opts.Organization,
		PayloadScope:        "User",
		PayloadType:         "Configuration",
		PayloadUUID:         ids.ProfileUUID,
		PayloadVersion:      1,
	}
	if !acct.Protocol.OnMac() {
		doc.TargetDeviceType = targetIOS
	}
	return append(encode(dst, doc), '\n'), nil
}

// signInPayload is the payload of an account that signs in on the
// provider's page, Exchange or Google by acct.Protocol, with texts
// expanded by expand.
func signInPayload(acct Account, ids Identifiers, organization string, texts Texts, expand func(string) string) payload {
	accountDescription := expand(texts.AccountDescription)
	switch acct.Protocol {
	case Exchange:
		p := newExchangePayload(acct)
		// The account's name in Mail, as a mail account's description is.
		p.PayloadDisplayName, p.PayloadIdentifier, p.PayloadUUID = accountDescription, ids.Payload, ids.PayloadUUID
		p.PayloadOrganization = organization
		return p
	case Google:
		p := newGooglePayload(acct)
		p.AccountDescription = accountDescription
		p.PayloadDisplayName, p.PayloadIdentifier, p.PayloadUUID = expand(texts.GooglePayloadName), ids.Payload, ids.PayloadUUID
		p.PayloadOrganization = organization
		return p
	}
	panic("profile: signInPayload of " + string(acct.Protocol)) // AppendBuild asks only for kinds that sign in
}

// mailAccountPayload is the payload of an IMAP or POP account, with texts
// expanded by expand; email is acct.Address.String().
func mailAccountPayload(acct Account, email string, ids Identifiers, organization string, texts Texts, expand func(string) string) mailPayload {
	accountDescription := expand(texts.AccountDescription)
	return mailPayload{
		EmailAccountDescription:                accountDescription,
		EmailAccountName:                       acct.Name,
		EmailAccountType:                       acct.Protocol.accountType(),
		EmailAddress:                           email,
		IncomingMailServerAuthentication:       string(acct.Incoming.Auth),
		IncomingMailServerHostName:             acct.Incoming.Host,
		IncomingMailServerPortNumber:           acct.Incoming.Port,
		IncomingMailServerUseSSL:               acct.Incoming.UseSSL,
		IncomingMailServerUsername:             acct.Incoming.Username,
		OutgoingMailServerAuthentication:       string(acct.Outgoing.Auth),
		OutgoingMailServerHostName:             acct.Outgoing.Host,
		OutgoingMailServerPortNumber:           acct.Outgoing.Port,
		OutgoingMailServerUseSSL:               acct.Outgoing.UseSSL,
		OutgoingMailServerUsername:             acct.Outgoing.Username,
		OutgoingPasswordSameAsIncomingPassword: true,
		// {kind} first: the provider's name may hold braces.
		PayloadDisplayName:  expand(strings.ReplaceAll(texts.MailPayloadName, "{kind}", acct.Protocol.Label())),
		PayloadIdentifier:   ids.Payload,
		PayloadOrganization: organization,
		PayloadType:         "com.apple.mail.managed",
		PayloadUUID:         ids.PayloadUUID,
		PayloadVersion:      1,
	}
}

// expandTemplate replaces {provider}, {email}, {organization} and
// {services} in one pass, as strings.Replacer would: replaced text is not scanned again, so
// a provider name holding "{email}" stays as it is. Building a Replacer
// for every profile cost more than the rest of the expansion.
func expandTemplate(template, provider, email, organization, services string) string {
	if strings.IndexByte(template, '{') < 0 {
		return template
	}
	var b strings.Builder
	b.Grow(len(template) + 2*len(email) + len(provider))
	for i := 0; i < len(template); {
		if template[i] == '{' {
			rest := template[i:]
			switch {
			case strings.HasPrefix(rest, "{provider}"):
				b.WriteString(provider)
				i += len("{provider}")
				continue
			case strings.HasPrefix(rest, "{email}"):
				b.WriteString(email)
				i += len("{email}")
				continue
			case strings.HasPrefix(rest, "{organization}"):
				b.WriteString(organization)
				i += len("{organization}")
				continue
			case strings.HasPrefix(rest, "{services}"):
				b.WriteString(services)
				i += len("{services}")
				continue
			}
		}
		b.WriteByte(template[i])
		i++
	}
	return b.String()
}

// FileName is a safe download name for acct's profile: ASCII only, no path
// or quoting characters, ending in .mobileconfig.
func FileName(a Address) string {
	var buf [256]byte // a usual name fits: one allocation, the string
	return string(AppendFileName(buf[:0], a))
}

// AppendFileName appends FileName(a) to dst, for a caller that writes it
// into a header. It reads the address as Key does, lower-cased rune by
// rune, without making that string.
func AppendFileName(dst []byte, a Address) []byte {
	start := len(dst)
	dst = appendFileChars(dst, a.Local)
	dst = append(dst, '@')
	dst = appendFileChars(dst, a.Domain)
	name := dst[start:]
	i, j := 0, len(name)
	for i < j && name[i] == '.' {
		i++
	}
	for j > i && name[j-1] == '.' {
		j--
	}
	n := copy(name, name[i:j]) // strings.Trim(name, ".")
	dst = dst[:start+min(n, 200)]
	return append(dst, ".mobileconfig"...)
}

// appendFileChars appends the characters of s that a file name keeps,
// lower-cased as strings.ToLower does, and '_' for every other rune.
func appendFileChars(dst []byte, s string) []byte {
	for _, r := range s {
		if r >= utf8.RuneSelf || 'A' <= r && r <= 'Z' {
			r = unicode.ToLower(r) // the Kelvin sign becomes a k, as in Key
		}
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '@', r == '+':
			dst = append(dst, byte(r))
		default:
			dst = append(dst, '_')
		}
	}
	return dst
}
