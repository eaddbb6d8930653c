package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
)

// adminPage is what the helpdesk templates get.
type adminPage struct {
	Title   string
	Service string
	Asset   string
	Agent   string
	CSRF    string
	Flash   string
	Error   string
	Next    string
	Name    string
	Data    any
}

func (s *Server) adminPage(c echo.Context, title string) *adminPage {
	a := currentAgent(c)
	return &adminPage{Title: title, Service: s.brand.service, Asset: s.assetTag, Agent: a.Name, CSRF: a.CSRF}
}

// safeNext keeps a post-sign-in redirect inside the helpdesk area.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/admin"
	}
	return next
}

// showLogin serves GET /admin/login. The form carries a token that must
// match a cookie (double submit), so another site cannot sign a browser in.
func (s *Server) showLogin(c echo.Context) error {
	if a, err := s.authenticate(c); err == nil && a != nil {
		return c.Redirect(http.StatusSeeOther, "/admin")
	}
	return s.renderLogin(c, http.StatusOK, "", "")
}

func (s *Server) renderLogin(c echo.Context, status int, name, message string) error {
	token, _, err := store.NewToken()
	if err != nil {
		return err
	}
	s.setCookie(c, loginCSRFCookie, token, time.Hour)
	data := s.adminPage(c, "Helpdesk sign-in")
	data.CSRF = token
	data.Error = message
	data.Name = strings.ToValidUTF8(name, "\uFFFD")
	data.Next = safeNext(c.QueryParam("next"))
	if c.Request().Method == http.MethodPost {
		data.Next = safeNext(c.FormValue("next"))
	}
	return s.renderAdmin(c, status, "admin_login.html", data)
}

// login serves POST /admin/login.
func (s *Server) login(c echo.Context) error {
	ck, err := c.Cookie(loginCSRFCookie)
	if err != nil || !tokensEqual(c.FormValue(csrfField), ck.Value) {
		return echo.NewHTTPError(http.StatusForbidden, "The sign-in form has expired. Reload the page and try again.")
	}
	ip := c.RealIP()
	if s.logins.blocked(ip) {
		s.metrics.rateLimited("sign_in")
		c.Response().Header().Set("Retry-After", "60")
		return s.renderLogin(c, http.StatusTooManyRequests, "", "Too many failed sign-ins from your address. Wait a few minutes and try again.")
	}
	ctx := c.Request().Context()
	name := strings.TrimSpace(c.FormValue("name"))
	password := c.FormValue("password")
	now := s.now()
	const wrong = "Wrong user name or password."

	u, err := db(c).User(ctx, name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Spend the same time as a real check, so timing does not tell
		// which names exist.
		_, _ = store.CheckPassword(dummyHash(), password)
		s.logins.failed(ip)
		s.metrics.signInFailed("unknown_user")
		s.log.Info("helpdesk sign-in failed", "reason", "unknown user", "remote_ip", ip)
		return s.renderLogin(c, http.StatusUnauthorized, name, wrong)
	case err != nil:
		return err
	case u.Locked(now):
		s.logins.failed(ip)
		s.metrics.signInFailed("locked")
		c.Response().Header().Set("Retry-After", strings.TrimSuffix(u.LockedUntil.Sub(now).Round(time.Second).String(), "s"))
		return s.renderLogin(c, http.StatusTooManyRequests, name, "This account is locked after too many failed sign-ins. Try again after "+u.LockedUntil.UTC().Format("15:04 MST")+".")
	}
	ok, err := store.CheckPassword(u.PasswordHash, password)
	if err != nil {
		return err
	}
	if !ok {
		s.logins.failed(ip)
		s.metrics.signInFailed("wrong_password")
		if _, err := db(c).RecordLoginFailure(ctx, name, now, maxLoginFailures, lockFor); err != nil {
			return err
		}
		s.log.Info("helpdesk sign-in failed", "reason", "wrong password", "user", name, "remote_ip", ip)
		return s.renderLogin(c, http.StatusUnauthorized, name, wrong)
	}
	if err := db(c).RecordLoginSuccess(ctx, name, now); err != nil {
		return err
	}
	token, hash, err := store.NewToken()
	if err != nil {
		return err
	}
	csrf, _, err := store.NewToken()
	if err != nil {
		return err
	}
	se := store.Session{IDHash: hash, UserName: name, CSRFToken: csrf, CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(s.helpdesk.SessionMax)}
	if err := db(c).CreateSession(ctx, se); err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, token, s.helpdesk.SessionMax)
	s.clearCookie(c, loginCSRFCookie)
	s.log.Info("helpdesk sign-in", "user", name, "remote_ip", ip)
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("next")))
}

// logout serves POST /admin/logout (CSRF-checked by requireAgent).
func (s *Server) logout(c echo.Context) error {
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		if err := db(c).DeleteSession(c.Request().Context(), store.HashToken(ck.Value)); err != nil {
			return err
		}
	}
	s.clearCookie(c, sessionCookie)
	return c.Redirect(http.StatusSeeOther, "/admin/login")
}

// dummyHash is a real password hash to check against when the user does
// not exist.
var dummyHash = sync.OnceValue(func() string {
	h, err := store.HashPassword("no such user, no such password")
	if err != nil {
		return ""
	}
	return h
})

// renderAdmin executes a helpdesk template into a buffer, then writes it.
func (s *Server) renderAdmin(c echo.Context, status int, name string, data *adminPage) error {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.HTMLBlob(status, buf.Bytes())
}
