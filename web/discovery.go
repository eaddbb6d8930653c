package web

import (
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
