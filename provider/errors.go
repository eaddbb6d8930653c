package provider

import (
	"errors"
	"fmt"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// Sentinels for errors.Is. Each has a struct type below that carries the
// details; every message is safe to show the user.
var (
	ErrNotFound       = errors.New("no settings are known for this domain")
	ErrOAuthOnly      = errors.New("the provider accepts only OAuth sign-in")
	ErrNoProtocol     = errors.New("the provider offers no usable server of this type")
	ErrNoSecureServer = errors.New("the provider offers no encrypted connection")
)

// NotFoundError reports a domain the catalog has no entry for.
type NotFoundError struct {
	Domain string
}

func (e *NotFoundError) Error() string {
	return "no settings are known for " + truncate(e.Domain, 253)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// OAuthOnlyError reports a provider whose IMAP, POP or SMTP servers accept
// only OAuth2, which a mail account payload cannot carry (Outlook.com,
// Microsoft 365). Instead names the kinds of account the provider offers
// that sign in on its own page (Exchange, Google); without them, the
// device's built-in account types are the way.
type OAuthOnlyError struct {
	Provider string // display name
	Type     string // imap, pop3 or smtp: the servers that take only OAuth
	// Instead are the provider's Exchange and Google kinds, in its order
	// of preference; empty when it offers neither.
	Instead []profile.Protocol
}

func (e *OAuthOnlyError) Error() string {
	if len(e.Instead) > 0 {
		names := make([]string, len(e.Instead))
		for i, k := range e.Instead {
			names[i] = typeName(KindName(k)) + " (type " + KindName(k) + ")"
		}
		return e.Provider + " accepts only OAuth sign-in for " + typeName(e.Type) + ", which a mail account profile cannot carry: " +
			"choose " + strings.Join(names, " or ") + " instead; it signs in on " + e.Provider + "'s own page"
	}
	return e.Provider + " accepts only OAuth sign-in, which a configuration profile cannot set up: " +
		"add the account from your device's own settings instead (iPhone and iPad: Settings > Apps > Mail > Mail Accounts > Add Account; " +
		"Mac: System Settings > Internet Accounts)"
}

// Is makes errors.Is(err, ErrOAuthOnly) true.
func (e *OAuthOnlyError) Is(target error) bool { return target == ErrOAuthOnly }

// NoProtocolError reports that a provider has no server of the wanted type
// that a profile can use, such as IMAP at a POP-only provider, or does
// not offer the kind of account at all (Exchange, Google).
type NoProtocolError struct {
	Provider string // display name
	Type     string // imap, pop3, smtp, exchange or google
	// Alternative is the other incoming protocol when the provider does
	// offer that one; empty otherwise.
	Alternative string
}

func (e *NoProtocolError) Error() string {
	what := "server"
	if e.Type == "exchange" || e.Type == "google" {
		what = "account"
	}
	msg := fmt.Sprintf("%s offers no %s %s that a configuration profile can use", e.Provider, typeName(e.Type), what)
	if e.Alternative != "" {
		msg += fmt.Sprintf(": choose %s instead", typeName(e.Alternative))
	}
	return msg
}

// Is makes errors.Is(err, ErrNoProtocol) true.
func (e *NoProtocolError) Is(target error) bool { return target == ErrNoProtocol }

// NoSecureServerError reports that every server of the wanted type is
// plain text. A password sent that way can be read on the network, so no
// profile is offered.
type NoSecureServerError struct {
	Provider string // display name
	Type     string // imap, pop3, smtp or exchange
}

func (e *NoSecureServerError) Error() string {
	return fmt.Sprintf("%s offers no encrypted connection for %s, so no profile is offered: "+
		"your password would travel unprotected", e.Provider, typeName(e.Type))
}

// Is makes errors.Is(err, ErrNoSecureServer) true.
func (e *NoSecureServerError) Is(target error) bool { return target == ErrNoSecureServer }

func typeName(typ string) string {
	switch typ {
	case "imap":
		return "IMAP"
	case "pop3":
		return "POP"
	case "smtp":
		return "outgoing (SMTP)"
	case "exchange":
		return "Microsoft Exchange"
	case "google":
		return "Google"
	}
	return typ
}
