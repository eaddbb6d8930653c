package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/store"
)

// publicError is what a visitor is told about an error: a status, a message
// safe to show, and the form field it concerns, if any.
type publicError struct {
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

// classify decides the status and public message for err with errors.As, so
// wrapped errors keep their meaning. Anything unknown is a 500 whose
// details stay in the log.
func classify(err error) publicError {
	var (
		inputErr *profile.InputError
		httpErr  *echo.HTTPError
		busyErr  *discover.BusyError
		notHere  *notInstallableError
	)
	switch {
	case errors.As(err, &inputErr):
		return publicError{Status: http.StatusBadRequest, Message: inputErr.Message, Field: inputErr.Field}
	case errors.As(err, &notHere):
		return publicError{Status: http.StatusUnprocessableEntity, Message: notHere.Error(), Field: "type"}
	case errors.Is(err, provider.ErrNotFound):
		return publicError{Status: http.StatusNotFound, Message: userMessage(err), Field: "email"}
	case errors.Is(err, provider.ErrOAuthOnly),
		errors.Is(err, provider.ErrNoProtocol),
		errors.Is(err, provider.ErrNoSecureServer):
		return publicError{Status: http.StatusUnprocessableEntity, Message: userMessage(err), Field: "email"}
	case errors.As(err, &busyErr):
		return busyError(busyErr)
	case errors.Is(err, store.ErrGone):
		return goneError(err)
	case errors.Is(err, store.ErrUnavailable):
		return publicError{Status: http.StatusServiceUnavailable, Key: "unavailable",
			Message: "The helpdesk database cannot be reached at the moment. Please try again in a few minutes."}
	case errors.As(err, &httpErr):
		msg := http.StatusText(httpErr.Code)
		if m, ok := httpErr.Message.(string); ok && m != "" {
			msg = m
		}
		if httpErr.Code >= 500 {
			msg = http.StatusText(httpErr.Code)
		}
		return publicError{Status: httpErr.Code, Message: msg}
	}
	return publicError{Status: http.StatusInternalServerError, Message: "Something went wrong on our side. Please try again in a moment."}
}

// userMessage is the message of a provider error. The provider's typed
// errors are written for the visitor, and handlers return them unwrapped.
func userMessage(err error) string { return err.Error() }

// handleError is the one place errors become responses.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	pe := classify(err)
	s.logError(c, err, pe)
	if pe.RetryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(pe.RetryAfter))
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(pe.Status)
		return
	}
	if wantsJSON(c) {
		body := map[string]any{"error": map[string]any{"status": pe.Status, "message": pe.Message}}
		if pe.Field != "" {
			body["error"].(map[string]any)["field"] = pe.Field
		}
		_ = c.JSON(pe.Status, body)
		return
	}
	s.renderErrorPage(c, err, pe)
}

// logError logs err, classified as pe: server errors as errors, refused
// requests but for 404s (bots ask for everything) as information.
func (s *Server) logError(c echo.Context, err error, pe publicError) {
	attrs := []any{"status", pe.Status, "path", logPath(c.Request().URL.Path), "request_id", requestID(c), "error", err.Error()}
	switch {
	case pe.Status >= 500 && pe.RetryAfter == 0: // a 503 with Retry-After is a bound doing its job
		s.log.Error("request failed", attrs...)
	case pe.Status != http.StatusNotFound:
		s.log.Info("request rejected", attrs...)
	}
}

func (s *Server) renderErrorPage(c echo.Context, err error, pe publicError) {
	var buf bytes.Buffer
	data := s.page(c, http.StatusText(pe.Status))
	data.Error = &pe
	if pe.Field != "" {
		data.setFieldError(pe.Field, err, pe.Message) // in the visitor's language
	}
	data.BackURL = "/"
	if f := rawForm(c); f.Email != "" {
		data.BackURL = "/?" + formQuery(f)
	}
	if err := s.pages.ExecuteTemplate(&buf, "error.html", data); err != nil {
		s.log.Error("render error page", "error", err)
		_ = c.String(pe.Status, pe.Message)
		return
	}
	_ = c.HTMLBlob(pe.Status, buf.Bytes())
}

// wantsJSON is true for the API and for clients that ask for JSON first.
func wantsJSON(c echo.Context) bool {
	r := c.Request()
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return true
	}
	accept := r.Header.Get(echo.HeaderAccept)
	return strings.HasPrefix(accept, echo.MIMEApplicationJSON)
}

// goneError is the 410 for a link that can no longer be used, saying why.
func goneError(err error) publicError {
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
	return publicError{Status: http.StatusGone, Key: key,
		Message: "This link can no longer be used. Please contact your helpdesk for a new one."}
}
