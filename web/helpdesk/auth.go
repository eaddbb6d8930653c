package helpdesk

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// The cookies' names over plain HTTP; over TLS they carry the __Host-
// prefix (cookieName).
const (
	sessionCookie    = "mp_session"
	loginCSRFCookie  = "mp_login_csrf"
	csrfField        = "csrf"
	ctxAgent         = "helpdesk_agent"
	sessionTouchStep = time.Minute
)

// agent is the signed-in helpdesk user of a request.
type agent struct {
	Name string
	CSRF string
	Lang string // the language the agent chose; "" for the browser's
}

// currentAgent is the agent requireAgent put in the context.
func currentAgent(c echo.Context) agent {
	a, _ := c.Get(ctxAgent).(agent)
	return a
}

// hostPrefix makes a cookie a host-only one: the browser keeps a cookie of
// that name only if it is Secure, has Path=/ and no Domain, so neither a
// sibling subdomain nor a plain-HTTP page can plant or shadow it
// (RFC 6265bis §4.1.3.2).
const hostPrefix = "__Host-"

// cookieName is the name of a helpdesk cookie on this request: with the
// __Host- prefix over TLS (directly or through a trusted proxy), and
// plain over HTTP, where a browser refuses Secure cookies, so that
// development without TLS keeps working. Over TLS only the prefixed name
// is read.
func (s *Desk) cookieName(c echo.Context, name string) string {
	if s.trust.SecureRequest(c) {
		return hostPrefix + name
	}
	return name
}

// postField is a field of the request's form body, never of the query
// string (c.FormValue reads both): a token in a URL leaks into logs,
// history and Referer headers.
func postField(c echo.Context, name string) string {
	return c.Request().PostFormValue(name)
}

// setCookie sets a helpdesk cookie: HttpOnly, SameSite=Lax, Path=/, no
// Domain, and over TLS Secure with the __Host- prefix.
func (s *Desk) setCookie(c echo.Context, name, value string, maxAge time.Duration) {
	c.SetCookie(&http.Cookie{
		Name:     s.cookieName(c, name),
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true,
		Secure:   s.trust.SecureRequest(c),
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Desk) clearCookie(c echo.Context, name string) {
	c.SetCookie(&http.Cookie{Name: s.cookieName(c, name), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.trust.SecureRequest(c), SameSite: http.SameSiteLaxMode})
}

// headerCSRF is the CSRF token of a header-authenticated user: stateless,
// keyed by the installation's secret.
func (s *Desk) headerCSRF(name string) string {
	m := hmac.New(sha256.New, s.helpdesk.Secret)
	m.Write([]byte("csrf\x00" + name))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// RequireAgent lets only signed-in helpdesk users through and checks the
// CSRF token of every form post.
func (s *Desk) RequireAgent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, err := s.authenticate(c)
		if err != nil {
			return err
		}
		if a == nil {
			if c.Request().Method != http.MethodGet {
				return &site.KeyedError{Status: http.StatusForbidden, Key: "hd.err_session", Message: "Your session has ended. Sign in again."}
			}
			target := "/admin/login?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			return c.Redirect(http.StatusSeeOther, target)
		}
		if c.Request().Method == http.MethodPost && !tokensEqual(postField(c, csrfField), a.CSRF) {
			return &site.KeyedError{Status: http.StatusForbidden, Key: "hd.err_csrf",
				Message: "The form has expired or did not come from this site. Go back, reload the page and try again."}
		}
		lang, err := db(c).AgentLanguage(c.Request().Context(), a.Name)
		if err != nil {
			return err
		}
		a.Lang = lang
		c.Set(ctxAgent, *a)
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// authenticate finds the agent from the single-sign-on header or the
// session cookie; nil when nobody is signed in.
func (s *Desk) authenticate(c echo.Context) (*agent, error) {
	r := c.Request()
	if s.helpdesk.AuthHeader != "" && s.trust.FromTrustedProxy(r) {
		if name := strings.TrimSpace(r.Header.Get(s.helpdesk.AuthHeader)); name != "" {
			if err := store.ValidateUserName(name); err != nil {
				return nil, fmt.Errorf("%w: %w", &site.KeyedError{Status: http.StatusForbidden, Key: "hd.err_sso_name",
					Message: "The sign-in proxy sent a user name this service cannot use."}, err)
			}
			return &agent{Name: name, CSRF: s.headerCSRF(name)}, nil
		}
	}
	ck, err := c.Cookie(s.cookieName(c, sessionCookie))
	if err != nil || ck.Value == "" {
		return nil, nil
	}
	ctx := r.Context()
	hash := store.HashToken(ck.Value)
	se, err := db(c).Session(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		s.clearCookie(c, sessionCookie)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !now.Before(se.ExpiresAt) || now.Sub(se.LastSeen) > s.helpdesk.SessionIdle {
		_ = db(c).DeleteSession(ctx, hash)
		s.clearCookie(c, sessionCookie)
		return nil, nil
	}
	if now.Sub(se.LastSeen) > sessionTouchStep {
		if err := db(c).TouchSession(ctx, hash, now); err != nil {
			return nil, err
		}
	}
	return &agent{Name: se.UserName, CSRF: se.CSRFToken}, nil
}

func tokensEqual(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
