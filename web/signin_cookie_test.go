package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/store"
)

// TestHelpdeskCookiePrefix: over TLS, directly or through a trusted proxy,
// the session and login CSRF cookies are __Host- cookies (Secure, Path=/,
// no Domain), and only those names are read; over plain HTTP they keep
// their plain names, so development without TLS works.
func TestHelpdeskCookiePrefix(t *testing.T) {
	st := openStore(t, store.SQLite)
	addUser(t, st, testAgent, testPasswd)
	proxy := netip.MustParsePrefix("192.0.2.10/32")
	s := newTestServer(t, both(withHelpdesk(st), withClock(timetest.Fixed), func(c *Config) {
		c.Helpdesk.TrustedProxies = []netip.Prefix{proxy}
	}))
	tests := []struct {
		name   string
		secure func(*http.Request) // makes a request arrive as the case says
		prefix string
	}{
		{name: "TLS", secure: func(r *http.Request) { r.TLS = &tlsState }, prefix: hostPrefix},
		{name: "trusted TLS proxy", secure: func(r *http.Request) {
			r.RemoteAddr = "192.0.2.10:5000"
			r.Header.Set("X-Forwarded-Proto", "https")
			r.Header.Set("X-Forwarded-For", "198.51.100.20")
		}, prefix: hostPrefix},
		{name: "plain HTTP", secure: func(*http.Request) {}, prefix: ""},
		{name: "untrusted peer claiming TLS", secure: func(r *http.Request) {
			r.Header.Set("X-Forwarded-Proto", "https")
		}, prefix: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newClient(t, s)
			do := func(method, target string, form url.Values) *httptest.ResponseRecorder {
				var req *http.Request
				if form != nil {
					req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				} else {
					req = httptest.NewRequest(method, target, nil)
				}
				tt.secure(req)
				return b.do(req)
			}
			page := do(http.MethodGet, "/admin/login", nil)
			checkCookie(t, page, tt.prefix+loginCSRFCookie, tt.prefix != "")
			rec := do(http.MethodPost, "/admin/login", url.Values{"csrf": {csrfOf(t, page.Body.String())}, "name": {testAgent}, "password": {testPasswd}})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("sign-in: %d\n%s", rec.Code, rec.Body)
			}
			checkCookie(t, rec, tt.prefix+sessionCookie, tt.prefix != "")
			if rec := do(http.MethodGet, "/admin", nil); rec.Code != http.StatusOK {
				t.Errorf("GET /admin with the session: %d", rec.Code)
			}
			if tt.prefix == "" {
				return
			}
			// The same session under the plain name is not read over TLS:
			// a plain-HTTP page or a sibling domain could have set it.
			se := b.cookies[hostPrefix+sessionCookie]
			if se == nil {
				t.Fatalf("no %s%s cookie kept", hostPrefix, sessionCookie)
			}
			delete(b.cookies, hostPrefix+sessionCookie)
			b.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: se.Value}
			if rec := do(http.MethodGet, "/admin", nil); rec.Code != http.StatusSeeOther {
				t.Errorf("GET /admin with the session under the plain name: %d, want a redirect to sign-in", rec.Code)
			}
		})
	}
}

// checkCookie finds the cookie set under name and checks its attributes.
func checkCookie(t *testing.T, rec *httptest.ResponseRecorder, name string, secure bool) {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name != name {
			continue
		}
		if c.Secure != secure || c.Path != "/" || c.Domain != "" || !c.HttpOnly {
			t.Errorf("cookie %s: Secure %v, Path %q, Domain %q, HttpOnly %v; want Secure %v, Path /, no Domain, HttpOnly", name, c.Secure, c.Path, c.Domain, c.HttpOnly, secure)
		}
		return
	}
	t.Errorf("no cookie %s in %q", name, rec.Header().Values("Set-Cookie"))
}

// TestCSRFNotFromQuery: the CSRF token counts only in the POST body, for
// the sign-in form and for a signed-in agent's forms (c.FormValue would
// read the query string too).
func TestCSRFNotFromQuery(t *testing.T) {
	st := openStore(t, store.SQLite)
	addUser(t, st, testAgent, testPasswd)
	s := newTestServer(t, both(withHelpdesk(st), withClock(timetest.Fixed)))
	b := newClient(t, s)
	page := b.get("/admin/login")
	token := csrfOf(t, page.Body.String())
	form := url.Values{"name": {testAgent}, "password": {testPasswd}}
	if rec := b.post("/admin/login?csrf="+url.QueryEscape(token), form); rec.Code != http.StatusForbidden {
		t.Errorf("sign-in with the token in the query: %d, want 403", rec.Code)
	}
	form.Set("csrf", token)
	if rec := b.post("/admin/login", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in with the token in the body: %d\n%s", rec.Code, rec.Body)
	}
	csrf := b.sessionCSRF()
	link := url.Values{"email": {"someone@btinternet.com"}, "type": {"imap"}}
	if rec := b.post("/admin/links?csrf="+url.QueryEscape(csrf), link); rec.Code != http.StatusForbidden {
		t.Errorf("create link with the token in the query: %d, want 403", rec.Code)
	}
	link.Set("csrf", csrf)
	if rec := b.post("/admin/links", link); rec.Code != http.StatusSeeOther {
		t.Errorf("create link with the token in the body: %d", rec.Code)
	}
}
