package web

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/store/storetest"
	"github.com/mailprofile/mailprofile/web/helpdesk"
)

const (
	iPhoneUA   = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	testAgent  = "alice"
	testPasswd = "correct horse battery staple"
)

// openStore opens a real store of the dialect on a fresh database.
func openStore(t testing.TB, dialect string) *store.Store {
	t.Helper()
	var (
		st  *store.Store
		err error
	)
	if dialect == store.SQLite {
		st, err = store.Open(context.Background(), "", filepath.Join(t.TempDir(), "helpdesk.db"))
	} else {
		st, err = store.Open(context.Background(), storetest.NewDatabase(t), "")
	}
	if err != nil {
		t.Fatalf("store.Open(%s): %v", dialect, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func withHelpdesk(st *store.Store) func(*Config) {
	return func(c *Config) {
		c.Helpdesk = HelpdeskConfig{
			Store:  func() (Helpdesk, error) { return st, nil },
			Secret: []byte("0123456789abcdef0123456789abcdef"),
		}
	}
}

// client is a cookie-keeping client of one test server, like a person's
// browser: it follows no redirects so tests can see them.
type client struct {
	t       *testing.T
	srv     http.Handler
	cookies map[string]*http.Cookie
	ua      string
	remote  string
}

func newClient(t *testing.T, srv http.Handler) *client {
	return &client{t: t, srv: srv, cookies: map[string]*http.Cookie{}}
}

func (b *client) do(req *http.Request) *httptest.ResponseRecorder {
	b.t.Helper()
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	if b.ua != "" {
		req.Header.Set("User-Agent", b.ua)
	}
	if b.remote != "" {
		req.RemoteAddr = b.remote
	}
	rec := httptest.NewRecorder()
	b.srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return rec
}

func (b *client) get(target string) *httptest.ResponseRecorder {
	b.t.Helper()
	return b.do(httptest.NewRequest(http.MethodGet, target, nil))
}

func (b *client) post(target string, form url.Values) *httptest.ResponseRecorder {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	dataCSV = regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="links-[0-9-]+\.csv"`)
	csrfRE  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	linkRE  = regexp.MustCompile(`value="(http://example\.com/l/[A-Za-z0-9_-]{22})"`)
	tokenRE = regexp.MustCompile(`/l/([A-Za-z0-9_-]{22})`)
)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no CSRF token in:\n%s", body)
	}
	return m[1]
}

func addAgent(t *testing.T, st *store.Store) {
	t.Helper()
	addUser(t, st, testAgent, testPasswd)
}

// signIn signs the browser in and returns the session's CSRF token.
func (b *client) signIn(name, password string) *httptest.ResponseRecorder {
	b.t.Helper()
	page := b.get("/admin/login")
	return b.post("/admin/login", url.Values{"csrf": {csrfOf(b.t, page.Body.String())}, "name": {name}, "password": {password}, "next": {"/admin"}})
}

// created follows the redirect that answers a new link (post/redirect/
// get) to the link's page, which shows the link in this browser.
func (b *client) created(rec *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	b.t.Helper()
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/links/") {
		b.t.Fatalf("create link: status %d to %q, want 303 to the link's page\n%s", rec.Code, loc, rec.Body)
	}
	page := b.get(loc)
	if page.Code != http.StatusOK {
		b.t.Fatalf("link page after creating: status %d\n%s", page.Code, page.Body)
	}
	return page
}

func (b *client) sessionCSRF() string {
	b.t.Helper()
	return csrfOf(b.t, b.get("/admin").Body.String())
}

// createLink makes a link through the form and returns its token.
func (b *client) createLink(form url.Values) string {
	b.t.Helper()
	form.Set("csrf", b.sessionCSRF())
	rec := b.created(b.post("/admin/links", form))
	m := linkRE.FindStringSubmatch(rec.Body.String())
	if m == nil {
		b.t.Fatalf("no link on the page:\n%s", rec.Body)
	}
	return tokenRE.FindStringSubmatch(m[1])[1]
}

func TestHelpdeskFlow(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			st := openStore(t, dialect)
			addAgent(t, st)
			s := newTestServer(t, withHelpdesk(st))
			agentB := newClient(t, s)

			rec := agentB.signIn(testAgent, testPasswd)
			if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin" {
				t.Fatalf("sign-in: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body)
			}
			ck := agentB.cookies[sessionCookie]
			if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure {
				t.Errorf("session cookie = %+v, want HttpOnly, SameSite=Lax, not Secure over plain HTTP", ck)
			}

			token := agentB.createLink(url.Values{"email": {"someone@btinternet.com"}, "name": {"Some One"}, "type": {"imap"}, "days": {"7"}, "downloads": {"2"}})

			// The customer opens the link on an iPhone.
			phone := newClient(t, s)
			phone.ua = iPhoneUA
			page := phone.get("/l/" + token)
			if page.Code != http.StatusOK {
				t.Fatalf("link page: %d\n%s", page.Code, page.Body)
			}
			body := withoutBreaks(page.Body.String())
			for _, want := range []string{"/l/" + token + "/profile", "Profile Downloaded", "mail.btinternet.com"} {
				if !strings.Contains(body, want) {
					t.Errorf("link page lacks %q", want)
				}
			}
			if strings.Contains(body, "/?email=") {
				t.Error("link page offers to change the address")
			}
			for i := 0; i < 2; i++ {
				dl := phone.get("/l/" + token + "/profile")
				if dl.Code != http.StatusOK || dl.Header().Get("Content-Type") != profileContentType {
					t.Fatalf("download %d: %d %s", i+1, dl.Code, dl.Body)
				}
				if _, err := signing.Verify(dl.Body.Bytes(), nil, timetest.Fixed()); err != nil {
					t.Fatalf("downloaded profile: %v", err)
				}
			}
			// Used up.
			if dl := phone.get("/l/" + token + "/profile"); dl.Code != http.StatusGone || !strings.Contains(dl.Body.String(), "used up") {
				t.Errorf("third download: %d\n%s", dl.Code, dl.Body)
			}

			// The agent sees the trail.
			links, _ := st.Links(context.Background(), store.LinkFilter{})
			detail := agentB.get(fmt.Sprintf("/admin/links/%d", links[0].ID)).Body.String()
			for _, want := range []string{"created", "opened", "downloaded", "iPhone", testAgent} {
				if !strings.Contains(detail, want) {
					t.Errorf("detail page lacks %q", want)
				}
			}

			// Sign out ends the session.
			agentB.post("/admin/logout", url.Values{"csrf": {csrfOf(t, detail)}})
			if rec := agentB.get("/admin"); rec.Code != http.StatusSeeOther {
				t.Errorf("after sign-out: %d", rec.Code)
			}
		})
	}
}

func TestHelpdeskRevokeAndExpiry(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)
	token := b.createLink(url.Values{"email": {"someone@btinternet.com"}, "type": {"pop"}})
	l, err := st.LinkByTokenHash(context.Background(), store.HashToken(token))
	if err != nil {
		t.Fatal(err)
	}
	if l.MaxDownloads != helpdesk.DefaultLinkDownloads || l.ExpiresAt.Sub(l.CreatedAt) != helpdesk.DefaultLinkDays*24*time.Hour {
		t.Errorf("defaults: %d downloads, %v", l.MaxDownloads, l.ExpiresAt.Sub(l.CreatedAt))
	}
	rec := b.post(fmt.Sprintf("/admin/links/%d/revoke", l.ID), url.Values{"csrf": {b.sessionCSRF()}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	visitor := newClient(t, s)
	for _, p := range []string{"/l/" + token, "/l/" + token + "/profile"} {
		rec := visitor.get(p)
		if rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), "withdrawn") || !strings.Contains(rec.Body.String(), "helpdesk") {
			t.Errorf("%s after revoke: %d\n%s", p, rec.Code, rec.Body)
		}
	}
	// An expired link.
	tok2, hash2, _ := store.NewToken()
	now := timetest.Fixed()
	if _, err := st.CreateLink(context.Background(), store.Link{TokenHash: hash2, Email: "x@btinternet.com", Type: "imap", CreatedBy: testAgent,
		CreatedAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(-time.Hour), MaxDownloads: 3}); err != nil {
		t.Fatal(err)
	}
	if rec := visitor.get("/l/" + tok2); rec.Code != http.StatusGone || !strings.Contains(rec.Body.String(), "expired") {
		t.Errorf("expired link: %d\n%s", rec.Code, rec.Body)
	}
	// Forged and malformed tokens.
	forged, _, _ := store.NewToken()
	for _, p := range []string{"/l/" + forged, "/l/" + forged + "/profile", "/l/short", "/l/" + strings.Repeat("!", 22), "/l/" + token + "x"} {
		if rec := visitor.get(p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, rec.Code)
		}
	}
	if logs := s.logs.String(); strings.Contains(logs, token) || strings.Contains(logs, forged) {
		t.Error("a link token is in the log")
	}
}

func TestHelpdeskAuthentication(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))

	// No session: GET redirects to sign-in, POST is refused.
	anon := newClient(t, s)
	rec := anon.get("/admin/links/1?x=y")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/login?next=%2Fadmin%2Flinks%2F1%3Fx%3Dy" {
		t.Errorf("no session: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := anon.post("/admin/links", url.Values{"email": {"a@btinternet.com"}}); rec.Code != http.StatusForbidden {
		t.Errorf("POST without session: %d", rec.Code)
	}

	// Sign-in form without or with a wrong CSRF token.
	anon.get("/admin/login")
	for name, form := range map[string]url.Values{
		"no token":    {"name": {testAgent}, "password": {testPasswd}},
		"wrong token": {"csrf": {"forged"}, "name": {testAgent}, "password": {testPasswd}},
	} {
		if rec := anon.post("/admin/login", form); rec.Code != http.StatusForbidden {
			t.Errorf("sign-in with %s: %d", name, rec.Code)
		}
	}

	// Wrong password and unknown user look the same.
	for _, name := range []string{testAgent, "nobody"} {
		rec := anon.signIn(name, "wrong password!!")
		if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), "Wrong user name or password.") {
			t.Errorf("wrong sign-in as %s: %d", name, rec.Code)
		}
	}

	// A signed-in agent's forms need the session's token.
	agentB := newClient(t, s)
	agentB.signIn(testAgent, testPasswd)
	for name, token := range map[string]string{"no token": "", "wrong token": "forged", "login token": agentB.cookies[loginCSRFCookie].String()} {
		rec := agentB.post("/admin/links", url.Values{"csrf": {token}, "email": {"a@btinternet.com"}})
		if rec.Code != http.StatusForbidden {
			t.Errorf("create link with %s: %d", name, rec.Code)
		}
	}
	// Wrong passwords from one address throttle the account there, the
	// right password included; the owner on another address signs in.
	locker := newClient(t, s)
	locker.remote = "198.51.100.7:1234"
	for i := 0; i < signInLimits.PerSource; i++ {
		locker.signIn(testAgent, "wrong password!!")
	}
	rec = locker.signIn(testAgent, testPasswd)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "Too many sign-in attempts") {
		t.Errorf("throttled sign-in: %d\n%s", rec.Code, rec.Body)
	}
	if rec := newClient(t, s).signIn(testAgent, testPasswd); rec.Code != http.StatusSeeOther {
		t.Errorf("sign-in from another address while throttled: %d, want 303\n%s", rec.Code, rec.Body)
	}
	// The existing session still works; an expired one does not.
	if rec := agentB.get("/admin"); rec.Code != http.StatusOK {
		t.Errorf("signed-in agent: %d", rec.Code)
	}
	tok, hash, _ := store.NewToken()
	now := timetest.Fixed()
	_ = st.CreateSession(context.Background(), store.Session{IDHash: hash, UserName: testAgent, CSRFToken: "x", CreatedAt: now.Add(-13 * time.Hour), LastSeen: now.Add(-time.Minute), ExpiresAt: now.Add(-time.Hour)})
	tok2, hash2, _ := store.NewToken()
	_ = st.CreateSession(context.Background(), store.Session{IDHash: hash2, UserName: testAgent, CSRFToken: "x", CreatedAt: now.Add(-3 * time.Hour), LastSeen: now.Add(-2 * time.Hour), ExpiresAt: now.Add(time.Hour)})
	for name, token := range map[string]string{"absolute": tok, "idle": tok2} {
		old := newClient(t, s)
		old.cookies[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: token}
		if rec := old.get("/admin"); rec.Code != http.StatusSeeOther {
			t.Errorf("%s-expired session: %d", name, rec.Code)
		}
	}
}

func TestHelpdeskLoginRateLimitPerAddress(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	var last int
	for i := 0; i < 12; i++ {
		last = b.signIn(fmt.Sprintf("nobody%d", i), "wrong password!!").Code
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("12th failed sign-in from one address: %d, want 429", last)
	}
}

func TestHelpdeskSecureCookieOverTLS(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	page := b.do(withTLS(httptest.NewRequest(http.MethodGet, "https://example.com/admin/login", nil)))
	req := httptest.NewRequest(http.MethodPost, "https://example.com/admin/login", strings.NewReader(url.Values{
		"csrf": {csrfOf(t, page.Body.String())}, "name": {testAgent}, "password": {testPasswd}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := b.do(withTLS(req))
	if ck := b.cookies[hostPrefix+sessionCookie]; rec.Code != http.StatusSeeOther || ck == nil || !ck.Secure {
		t.Errorf("sign-in over TLS: %d, cookie %+v", rec.Code, ck)
	}
	if rec.Header().Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS over TLS")
	}
}

func withTLS(r *http.Request) *http.Request {
	r.TLS = &tlsState
	return r
}

func TestHelpdeskLinkFormErrors(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)
	for _, tt := range []struct {
		form   url.Values
		status int
		want   string
	}{
		{url.Values{"email": {"nobody@unknown.example"}}, 404, "No settings are known for unknown.example."},
		{url.Values{"email": {"a@outlook.com"}, "type": {"imap"}}, 422, "accepts only OAuth sign-in for IMAP"},
		{url.Values{"email": {"a\r\n@btinternet.com"}}, 400, "line break"},
		{url.Values{"email": {"a@btinternet.com"}, "days": {"31"}}, 400, "between 1 and 30 days"},
		{url.Values{"email": {"a@btinternet.com"}, "downloads": {"0"}}, 400, "between 1 and 20 downloads"},
		{url.Values{"email": {"a@btinternet.com"}, "type": {"jmap"}}, 400, "nknown account type"},
		{url.Values{"email": {"a@btinternet.com"}, "type": {"exchange"}}, 422, "offers no Microsoft Exchange account"},
	} {
		tt.form.Set("csrf", b.sessionCSRF())
		rec := b.post("/admin/links", tt.form)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%v: %d, want %d and %q", tt.form, rec.Code, tt.status, tt.want)
		}
	}
	if links, _ := st.Links(context.Background(), store.LinkFilter{}); len(links) != 0 {
		t.Errorf("%d links kept from bad forms", len(links))
	}
}

func TestHelpdeskCSV(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)

	upload := func(content string) *httptest.ResponseRecorder {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		_ = w.WriteField("csrf", b.sessionCSRF())
		_ = w.WriteField("days", "3")
		_ = w.WriteField("downloads", "1")
		fw, _ := w.CreateFormFile("file", "links.csv")
		_, _ = fw.Write([]byte(content))
		_ = w.Close()
		req := httptest.NewRequest(http.MethodPost, "/admin/links/bulk", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		return b.do(req)
	}
	// A bad row: nothing is kept, and the line is named.
	rec := upload("email,name,type\none@btinternet.com,One,imap\nbad address,Two,imap\nthree@btinternet.com,Three,exchange\n")
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Line 3:") || !strings.Contains(rec.Body.String(), "Line 4:") {
		t.Errorf("bad upload: %d\n%s", rec.Code, rec.Body)
	}
	if links, _ := st.Links(context.Background(), store.LinkFilter{}); len(links) != 0 {
		t.Fatalf("%d links kept from a rejected upload", len(links))
	}
	// A good file: the page lists the links and offers them as a CSV.
	// "=two@…" is a valid address (= is atext), so it must be defused
	// in the CSV that goes back, like the formula in the name.
	rec = upload("one@btinternet.com,One,imap\n=two@talk21.com,\"=HYPERLINK(\"\"x\"\")\",pop\n")
	if rec.Code != http.StatusCreated || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("upload: %d\n%s", rec.Code, rec.Body)
	}
	mustContain(t, "upload result", rec.Body.String(), "2 links created", "one@btinternet.com", "=two@talk21.com", "http://example.com/l/")
	m := dataCSV.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no CSV to download on the page:\n%s", rec.Body)
	}
	file, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(file)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("returned CSV: %v %q", err, rows)
	}
	if rows[2][0] != "'=two@talk21.com" || rows[2][1] != `'=HYPERLINK("x")` || !tokenRE.MatchString(rows[1][3]) || rows[2][2] != "pop" {
		t.Errorf("returned rows = %q", rows)
	}
	// The visitor's User-Agent is defused in the audit export.
	token := tokenRE.FindStringSubmatch(rows[1][3])[1]
	evil := newClient(t, s)
	evil.ua = "=cmd|' /C calc'!A0"
	evil.get("/l/" + token)
	rec = b.get("/admin/audit.csv")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `'=cmd|`) || strings.Contains(rec.Body.String(), ",=cmd|") {
		t.Errorf("audit CSV: %d\n%s", rec.Code, rec.Body)
	}
	if !strings.Contains(rec.Body.String(), "opened") || !strings.Contains(rec.Body.String(), "created") {
		t.Errorf("audit CSV lacks events:\n%s", rec.Body)
	}
}

// TestHelpdeskDatabaseDown: the public pages work, the helpdesk and links
// answer 503, and nothing is lost when the database is back.
func TestHelpdeskDatabaseDown(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	down := true
	s := newTestServer(t, func(c *Config) {
		withHelpdesk(st)(c)
		c.Helpdesk.Store = func() (Helpdesk, error) {
			if down {
				return nil, fmt.Errorf("dial: %w", store.ErrUnavailable)
			}
			return st, nil
		}
	})
	b := newClient(t, s)
	for _, p := range []string{"/admin", "/admin/login", "/l/" + strings.Repeat("a", 22)} {
		rec := b.get(p)
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "try again in a few minutes") {
			t.Errorf("%s with the database down: %d\n%s", p, rec.Code, rec.Body)
		}
	}
	if rec := b.get("/"); rec.Code != http.StatusOK {
		t.Errorf("/ with the database down: %d", rec.Code)
	}
	if rec := b.get(profileURL("someone@btinternet.com", "imap", "")); rec.Code != http.StatusOK {
		t.Errorf("/profile with the database down: %d", rec.Code)
	}
	down = false
	if rec := b.signIn(testAgent, testPasswd); rec.Code != http.StatusSeeOther {
		t.Errorf("sign-in after the database is back: %d", rec.Code)
	}
}

// TestHelpdeskSSOHeader trusts the sign-on header only from the proxy.
func TestHelpdeskSSOHeader(t *testing.T) {
	st := openStore(t, store.SQLite)
	s := newTestServer(t, func(c *Config) {
		withHelpdesk(st)(c)
		c.Helpdesk.AuthHeader = "X-Remote-User"
		c.Helpdesk.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.10/32")}
	})
	viaProxy := newClient(t, s)
	viaProxy.remote = "192.0.2.10:4567"
	req := httptest.NewRequest(http.MethodGet, "/admin", nil)
	req.Header.Set("X-Remote-User", "bob")
	rec := viaProxy.do(req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "bob") {
		t.Fatalf("via the proxy: %d", rec.Code)
	}
	csrf := csrfOf(t, rec.Body.String())
	form := url.Values{"csrf": {csrf}, "email": {"someone@btinternet.com"}}
	req = httptest.NewRequest(http.MethodPost, "/admin/links", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Remote-User", "bob")
	if rec := viaProxy.do(req); rec.Code != http.StatusSeeOther {
		t.Errorf("create via the proxy: %d", rec.Code)
	}
	direct := newClient(t, s)
	direct.remote = "198.51.100.7:4567"
	req = httptest.NewRequest(http.MethodGet, "/admin", nil)
	req.Header.Set("X-Remote-User", "bob")
	if rec := direct.do(req); rec.Code != http.StatusSeeOther {
		t.Errorf("header from a stranger: %d, want a redirect to sign-in", rec.Code)
	}
}

// TestHelpdeskTwoInstances runs two servers on one PostgreSQL database:
// a session and a link made on one work on the other.
func TestHelpdeskTwoInstances(t *testing.T) {
	dbURL := storetest.NewDatabase(t)
	open := func() *store.Store {
		st, err := store.Open(context.Background(), dbURL, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	st1, st2 := open(), open()
	addAgent(t, st1)
	s1 := newTestServer(t, withHelpdesk(st1))
	s2 := newTestServer(t, withHelpdesk(st2))
	b := newClient(t, s1)
	b.signIn(testAgent, testPasswd)
	token := b.createLink(url.Values{"email": {"someone@btinternet.com"}, "downloads": {"1"}})
	b.srv = s2 // the same browser, now load-balanced to the other instance
	if rec := b.get("/admin"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "someone@btinternet.com") {
		t.Errorf("session or link not shared: %d", rec.Code)
	}
	phone := newClient(t, s2)
	if rec := phone.get("/l/" + token + "/profile"); rec.Code != http.StatusOK {
		t.Errorf("download on the other instance: %d", rec.Code)
	}
	phone.srv = s1
	if rec := phone.get("/l/" + token + "/profile"); rec.Code != http.StatusGone {
		t.Errorf("second download on the first instance: %d, want 410", rec.Code)
	}
}

// tlsState marks a test request as arriving over TLS.
var tlsState = tls.ConnectionState{HandshakeComplete: true}
