package site

import (
	"errors"
	"strings"

	"github.com/mailprofile/mailprofile/provider"
)

// Error messages of profile and provider are English and meant for the
// visitor. In other languages the known ones are translated from their
// type and fields; the rest get a translated lead with the English text
// beside it.

// exactErrors maps common English input messages, or their starts, to
// catalog keys.
var exactErrors = []struct{ prefix, key string }{
	{"enter your email address", "err.email_missing"},
	{"an email address needs an @", "err.email_no_at"},
	{"the address has more than one @", "err.email_two_at"},
	{"the part before the @ is missing", "err.email_no_local"},
	{"unknown account type", "err.type"},
	{"unknown device", "err.device"},
}

// LocalError is the message for err (nil when only its public message msg
// is known) in the language of ms.
func LocalError(ms Messages, err error, msg, field string) FieldError {
	if ms.lang == "en" {
		return FieldError{Text: Sentence(msg)}
	}
	if err != nil {
		if t, ok := providerError(ms, err); ok {
			return FieldError{Text: t}
		}
	}
	for _, e := range exactErrors {
		if strings.HasPrefix(msg, e.prefix) {
			return FieldError{Text: ms.T(e.key)}
		}
	}
	if t, ok := inputError(ms, msg); ok {
		return FieldError{Text: t}
	}
	var local Localized
	if errors.As(err, &local) {
		return FieldError{Text: local.Local(ms)}
	}
	key := "err.field." + field
	if _, ok := ms.en[key]; !ok {
		key = "error.other_text"
	}
	return FieldError{Text: ms.T(key), Detail: Sentence(msg)}
}

func providerError(ms Messages, err error) (string, bool) {
	var (
		notFound *provider.NotFoundError
		oauth    *provider.OAuthOnlyError
		noProto  *provider.NoProtocolError
		insecure *provider.NoSecureServerError
	)
	switch {
	case errors.As(err, &notFound):
		return ms.T("err.not_found", "domain", notFound.Domain), true
	case errors.As(err, &oauth) && len(oauth.Instead) > 0:
		names := make([]string, len(oauth.Instead))
		for i, k := range oauth.Instead {
			names[i] = ms.T("kind." + string(k))
		}
		return ms.T("err.oauth_instead", "provider", oauth.Provider, "type", serverTypeName(ms, oauth.Type),
			"instead", strings.Join(names, " / ")), true
	case errors.As(err, &oauth):
		return ms.T("err.oauth_only", "provider", oauth.Provider), true
	case errors.As(err, &noProto):
		key := "err.no_protocol"
		if noProto.Type == "exchange" || noProto.Type == "google" {
			key = "err.no_kind"
		}
		t := ms.T(key, "provider", noProto.Provider, "type", serverTypeName(ms, noProto.Type))
		if noProto.Alternative != "" {
			t += " " + ms.T("err.choose_instead", "type", serverTypeName(ms, noProto.Alternative))
		}
		return t, true
	case errors.As(err, &insecure):
		return ms.T("err.no_secure", "provider", insecure.Provider, "type", serverTypeName(ms, insecure.Type)), true
	}
	return "", false
}

func serverTypeName(ms Messages, typ string) string {
	switch typ {
	case "imap":
		return "IMAP"
	case "pop3":
		return "POP"
	case "smtp":
		return ms.T("err.smtp")
	case "exchange":
		return ms.T("kind.exchange")
	case "google":
		return ms.T("kind.google")
	}
	return typ
}

// Localized is an error that says itself what the visitor is told in
// another language (a kind of account the device cannot install, in web).
type Localized interface {
	error
	Local(ms Messages) string
}

// FieldError is an error message shown by a form field. Detail is the
// English text of a message the catalog has no translation for.
type FieldError struct {
	Text   string
	Detail string
}

// ErrorKeys are the catalog keys of the English input messages that
// LocalError translates, so that a test can check that they exist.
func ErrorKeys() []string {
	keys := make([]string, len(exactErrors))
	for i, e := range exactErrors {
		keys[i] = e.key
	}
	return keys
}
