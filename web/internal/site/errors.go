package site

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/store"
)

// PublicError is what a visitor is told about an error: a status, a message
// safe to show, and the form field it concerns, if any.
type PublicError struct {
	Status  int
	Message string
	Field   string
	// Key names catalog entries Key+".title" and Key+".text" for pages
	// whose heading and text are their own (a used-up link, a database
	// that is down); empty for the generic ones.
	Key string
	// RetryAfter, when not zero, is sent as the Retry-After header, in
	// whole seconds (RFC 9110 §10.2.3).
	RetryAfter int
}

// KeyedError is an error whose public text is in the catalogs, under
// Key+".title" and Key+".text"; Message is the English text, for JSON
// clients and the log.
type KeyedError struct {
	Status  int
	Key     string
	Message string
}

func (e *KeyedError) Error() string { return e.Message }

// Classify decides the status and public message for err with errors.As, so
// wrapped errors keep their meaning. Anything unknown is a 500 whose
// details stay in the log.
func Classify(err error) PublicError {
	var (
		inputErr *profile.InputError
		httpErr  *echo.HTTPError
		busyErr  *discover.BusyError
		keyed    *KeyedError
		public   Public
	)
	switch {
	case errors.As(err, &keyed):
		return PublicError{Status: keyed.Status, Message: keyed.Message, Key: keyed.Key}
	case errors.As(err, &public):
		return public.Public()
	case errors.As(err, &inputErr):
		return PublicError{Status: http.StatusBadRequest, Message: inputErr.Message, Field: inputErr.Field}
	case errors.Is(err, provider.ErrNotFound):
		return PublicError{Status: http.StatusNotFound, Message: UserMessage(err), Field: "email"}
	case errors.Is(err, provider.ErrOAuthOnly),
		errors.Is(err, provider.ErrNoProtocol),
		errors.Is(err, provider.ErrNoSecureServer):
		return PublicError{Status: http.StatusUnprocessableEntity, Message: UserMessage(err), Field: "email"}
	case errors.Is(err, provider.ErrNoService):
		return PublicError{Status: http.StatusUnprocessableEntity, Message: UserMessage(err), Field: "services"}
	case errors.As(err, &busyErr):
		return BusyError(busyErr)
	case errors.Is(err, store.ErrGone):
		return goneError(err)
	case errors.Is(err, store.ErrUnavailable):
		return PublicError{Status: http.StatusServiceUnavailable, Key: "unavailable",
			Message: "The helpdesk database cannot be reached at the moment. Please try again in a few minutes."}
	case errors.As(err, &httpErr):
		msg := http.StatusText(httpErr.Code)
		if m, ok := httpErr.Message.(string); ok && m != "" {
			msg = m
		}
		if httpErr.Code >= 500 {
			msg = http.StatusText(httpErr.Code)
		}
		return PublicError{Status: httpErr.Code, Message: msg}
	}
	return PublicError{Status: http.StatusInternalServerError, Message: "Something went wrong on our side. Please try again in a moment."}
}

// Public is an error that says itself what the visitor is told (a kind of
// account the device cannot install, in web).
type Public interface {
	error
	Public() PublicError
}

// UserMessage is the message of a provider error. The provider's typed
// errors are written for the visitor, and handlers return them unwrapped.
func UserMessage(err error) string { return err.Error() }

// WantsJSON is true for the API and for clients that ask for JSON first.
func WantsJSON(c echo.Context) bool {
	r := c.Request()
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	accept := r.Header.Get(echo.HeaderAccept)
	return strings.HasPrefix(accept, echo.MIMEApplicationJSON)
}

// goneError is the 410 for a link that can no longer be used, saying why.
func goneError(err error) PublicError {
	key := "gone"
	var ge *store.GoneError
	if errors.As(err, &ge) {
		switch ge.State {
		case store.LinkExpired:
			key = "gone.expired"
		case store.LinkRevoked:
			key = "gone.revoked"
		case store.LinkUsedUp:
			key = "gone.used_up"
		}
	}
	return PublicError{Status: http.StatusGone, Key: key,
		Message: "This link can no longer be used. Please contact your helpdesk for a new one."}
}

// BusyError is the answer to a lookup discovery refused: 503 while too
// many lookups are in flight, 429 when this client has started too many,
// both with Retry-After. Catalog and cached answers are never refused.
func BusyError(e *discover.BusyError) PublicError {
	secs := e.RetrySeconds()
	if e.Reason == discover.ReasonClient {
		return PublicError{Status: http.StatusTooManyRequests, Key: "busy.client", RetryAfter: secs,
			Message: fmt.Sprintf("Too many new mail domains were looked up from your address. Please try again in %d seconds.", secs)}
	}
	return PublicError{Status: http.StatusServiceUnavailable, Key: "busy", RetryAfter: secs,
		Message: fmt.Sprintf("The settings of new mail domains are being looked up for many people at the moment. Please try again in %d seconds.", secs)}
}
