package provider

import (
	"errors"
	"strings"

	"github.com/mailprofile/mailprofile/profile"
)

// ErrNoService is the sentinel of NoServiceError, for errors.Is.
var ErrNoService = errors.New("the provider does not offer this service")

// NoServiceError refuses calendars or contacts that the provider does
// not offer beside this kind of account: it names no CalDAV or CardDAV
// server, or the account is Exchange or Google, which brings its own.
// The message is safe to show.
type NoServiceError struct {
	Provider string           // display name
	Kind     profile.Protocol // the kind of account asked for
	Missing  profile.Services // asked for and not offered
	Offered  profile.Services // what can be asked for
}

func (e *NoServiceError) Error() string {
	return e.Provider + " does not offer " + strings.Join(e.Missing.Names(), " or ") + " beside its " + e.Kind.Label() +
		" account: choose from " + strings.Join(e.Offered.Names(), ", ")
}

// Is makes errors.Is(err, ErrNoService) true.
func (e *NoServiceError) Is(target error) bool { return target == ErrNoService }

// Offer checks that s offers every service of svc for an account of kind
// k; the zero value (mail only) always passes.
func (s Settings) Offer(svc profile.Services, k profile.Protocol) error {
	offered := s.Services()
	if missing := svc.Effective() &^ offered; missing != 0 {
		return &NoServiceError{Provider: s.ProviderName(), Kind: k, Missing: missing, Offered: offered}
	}
	return nil
}
