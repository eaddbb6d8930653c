package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/helpdesk"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// showCodeForm serves GET /code: where a customer types the short code a
// helpdesk agent reads out on the phone (helpdesk/code.go).
func (s *Server) showCodeForm(c echo.Context) error {
	return s.render(c, http.StatusOK, "code.html", s.page(c, "code.title"))
}

// redeemCode serves POST /code: a good code leads on to its link's page;
// any other, or one used or expired, gets one answer.
func (s *Server) redeemCode(c echo.Context) error {
	r := c.Request()
	ua := r.UserAgent()
	token, err := s.desk.Redeem(r.Context(), helpdesk.DB(c), r.PostFormValue("code"), c.RealIP(),
		store.Event{UserAgent: ua, Device: deviceName(ua)})
	var te *store.ThrottledError
	switch {
	case errors.Is(err, helpdesk.ErrBadCode):
		return s.codeFormError(c, http.StatusBadRequest, "code.bad")
	case errors.As(err, &te):
		c.Response().Header().Set("Retry-After", site.RetryAfter(te.Until.Sub(s.now())))
		return s.codeFormError(c, http.StatusTooManyRequests, "code.throttled")
	case err != nil:
		return err
	}
	s.log.Info("short code used", "remote_ip", c.RealIP())
	return c.Redirect(http.StatusSeeOther, "/l/"+token)
}

func (s *Server) codeFormError(c echo.Context, status int, key string) error {
	data := s.page(c, "code.title")
	data.Errors["code"] = key
	data.fieldErrors = map[string]site.FieldError{"code": {Text: data.T(key)}}
	return s.render(c, status, "code.html", data)
}
