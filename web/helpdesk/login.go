package helpdesk

import (
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// maxNextLen bounds the post-sign-in target echoed into the sign-in
// page: a helpdesk URL with its search is far shorter.
const maxNextLen = 2048

// safeNext keeps a post-sign-in redirect inside the helpdesk area, and
// short.
func safeNext(next string) string {
	if len(next) > maxNextLen || !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/admin"
	}
	return next
}

// ShowLogin serves GET /admin/login. The form carries a token that must
// match a cookie (double submit), so another site cannot sign a browser in.
func (s *Desk) ShowLogin(c echo.Context) error {
	if a, err := s.authenticate(c); err == nil && a != nil {
		return c.Redirect(http.StatusSeeOther, "/admin")
	}
	return s.renderLogin(c, http.StatusOK, "", "")
}

// renderLogin shows the sign-in form with a fresh login CSRF token, the
// name typed (cut to the longest a name can be) and message.
func (s *Desk) renderLogin(c echo.Context, status int, name, message string, args ...any) error {
	token, _, err := store.NewToken()
	if err != nil {
		return err
	}
	s.setCookie(c, loginCSRFCookie, token, time.Hour)
	data := s.adminPage(c, "hd.signin_title")
	data.CSRF = token
	if message != "" {
		data.Error = data.T(message, args...)
	}
	data.Name = site.CutUTF8(strings.ToValidUTF8(name, "\uFFFD"), maxNameEcho)
	data.Next = safeNext(c.QueryParam("next"))
	if c.Request().Method == http.MethodPost {
		data.Next = safeNext(postField(c, "next"))
	}
	return s.renderAdmin(c, status, "admin_login.html", data)
}

// maxNameEcho bounds the name shown again on the form: no account has a
// longer one.
const maxNameEcho = 64

// Logout serves POST /admin/logout (CSRF-checked by requireAgent).
func (s *Desk) Logout(c echo.Context) error {
	if ck, err := c.Cookie(s.cookieName(c, sessionCookie)); err == nil && ck.Value != "" {
		if err := db(c).DeleteSession(c.Request().Context(), store.HashToken(ck.Value)); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}

// renderAdmin executes a helpdesk template into a buffer, then writes it.
func (s *Desk) renderAdmin(c echo.Context, status int, name string, data *adminPage) error {
	return site.Render(c, status, s.pages, name, data, "")
}
