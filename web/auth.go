package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mailprofile/mailprofile/store"
)

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
}

// currentAgent is the agent requireAgent put in the context.
func currentAgent(c echo.Context) agent {
	a, _ := c.Get(ctxAgent).(agent)
	return a
}

// fromTrustedProxy reports whether the request's peer is a trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range s.helpdesk.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// secureRequest is true when the visitor reached us over TLS, directly or
// through a trusted TLS-terminating proxy.
func (s *Server) secureRequest(c echo.Context) bool {
	r := c.Request()
	return r.TLS != nil || (s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get(echo.HeaderXForwardedProto), "https"))
}

func (s *Server) setCookie(c echo.Context, name, value string, maxAge time.Duration) {
	c.SetCookie(&http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true,
		Secure:   s.secureRequest(c),
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c echo.Context, name string) {
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: s.secureRequest(c), SameSite: http.SameSiteLaxMode})
}

// headerCSRF is the CSRF token of a header-authenticated user: stateless,
// keyed by the installation's secret.
func (s *Server) headerCSRF(name string) string {
	m := hmac.New(sha256.New, s.helpdesk.Secret)
	m.Write([]byte("csrf\x00" + name))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// requireAgent lets only signed-in helpdesk users through and checks the
// CSRF token of every form post.
func (s *Server) requireAgent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, err := s.authenticate(c)
		if err != nil {
			return err
		}
		if a == nil {
			if c.Request().Method != http.MethodGet {
				return echo.NewHTTPError(http.StatusForbidden, "Your session has ended. Sign in again.")
			}
			target := "/admin/login?next=" + url.QueryEscape(c.Request().URL.RequestURI())
			return c.Redirect(http.StatusSeeOther, target)
		}
		if c.Request().Method == http.MethodPost && !tokensEqual(c.FormValue(csrfField), a.CSRF) {
			return echo.NewHTTPError(http.StatusForbidden, "The form has expired or did not come from this site. Go back, reload the page and try again.")
		}
		c.Set(ctxAgent, *a)
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return next(c)
	}
}

// authenticate finds the agent from the single-sign-on header or the
// session cookie; nil when nobody is signed in.
func (s *Server) authenticate(c echo.Context) (*agent, error) {
	r := c.Request()
	if s.helpdesk.AuthHeader != "" && s.fromTrustedProxy(r) {
		if name := strings.TrimSpace(r.Header.Get(s.helpdesk.AuthHeader)); name != "" {
			if err := store.ValidateUserName(name); err != nil {
				return nil, echo.NewHTTPError(http.StatusForbidden, "The sign-in proxy sent a user name this service cannot use.").WithInternal(err)
			}
			return &agent{Name: name, CSRF: s.headerCSRF(name)}, nil
		}
	}
	ck, err := c.Cookie(sessionCookie)
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
