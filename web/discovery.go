package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/provider/discover"
)

// discoveryClient names the client, by the address the rate limits use,
// in the request's context: discovery meters the new domains each
// client may look up (see discover.WithClient).
func discoveryClient(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		c.SetRequest(r.WithContext(discover.WithClient(r.Context(), c.RealIP())))
		return next(c)
	}
}

// busyError is the answer to a lookup discovery refused: 503 while too
// many lookups are in flight, 429 when this client has started too many,
// both with Retry-After. Catalog and cached answers are never refused.
func busyError(e *discover.BusyError) publicError {
	secs := e.RetrySeconds()
	if e.Reason == discover.ReasonClient {
		return publicError{Status: http.StatusTooManyRequests, Key: "busy.client", RetryAfter: secs,
			Message: fmt.Sprintf("Too many new mail domains were looked up from your address. Please try again in %d seconds.", secs)}
	}
	return publicError{Status: http.StatusServiceUnavailable, Key: "busy", RetryAfter: secs,
		Message: fmt.Sprintf("The settings of new mail domains are being looked up for many people at the moment. Please try again in %d seconds.", secs)}
}
