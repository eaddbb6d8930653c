package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/signing"
)

var testOptions = profile.Options{
	IdentifierPrefix: "com.example.mailprofile",
	Organization:     "Example ISP",
	Secret:           []byte("0123456789abcdef0123456789abcdef"),
}

// syncBuffer is a log sink that tests can read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// newSigner makes a real self-signed ECDSA signer, as serve does, made
// and signing at the fixed test time.
func newSigner(t testing.TB) *signing.Signer {
	t.Helper()
	now := timetest.Fixed()
	certPEM, keyPEM, err := signing.NewSelfSigned("test signing", "Example ISP", now, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.Load(certPEM, keyPEM, now)
	if err != nil {
		t.Fatal(err)
	}
	return s.WithClock(timetest.Fixed)
}

func newCatalog(t testing.TB) *provider.Catalog {
	t.Helper()
	c, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type testServer struct {
	*Server
	logs *syncBuffer
}

func newTestServer(t testing.TB, modify func(*Config)) testServer {
	t.Helper()
	logs := &syncBuffer{}
	cfg := Config{
		Logger:  slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Finder:  newCatalog(t),
		Signer:  newSigner(t),
		Profile: testOptions,
		Clock:   timetest.Fixed,
		// No roots: the self-signed test signer is not trusted, as on a
		// device, whatever this machine's roots.
		Roots: x509.NewCertPool(),
	}
	if modify != nil {
		modify(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return testServer{s, logs}
}

func (s testServer) get(t testing.TB, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

func profileURL(email, typ, name string) string {
	v := url.Values{"email": {email}}
	if typ != "" {
		v.Set("type", typ)
	}
	if name != "" {
		v.Set("name", name)
	}
	return "/profile?" + v.Encode()
}

// verifyProfile checks a downloaded profile's signature and returns the
// plist inside.
func verifyProfile(t *testing.T, body []byte) []byte {
	t.Helper()
	v, err := signing.Verify(body, nil, timetest.Fixed())
	if err != nil {
		t.Fatalf("signing.Verify: %v", err)
	}
	if !v.SignatureOK || v.Signers != 1 || !v.DigestSHA256 {
		t.Fatalf("signature = %+v, want one SHA-256 signer that verifies", v)
	}
	return v.Content
}

func TestDownloadProfile(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		typ      string
		wantType string
		wantPort int
	}{
		{"imap", "EmailTypeIMAP", 993},
		{"pop", "EmailTypePOP", 995},
		{"", "EmailTypeIMAP", 993},
	}
	for _, tt := range tests {
		t.Run("type="+tt.typ, func(t *testing.T) {
			rec := s.get(t, profileURL("someone@btinternet.com", tt.typ, ""))
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body: %s", rec.Code, rec.Body)
			}
			h := rec.Header()
			for k, want := range map[string]string{
				"Content-Type":        "application/x-apple-aspen-config",
				"Content-Disposition": `attachment; filename="someone@btinternet.com.mobileconfig"`,
				"Cache-Control":       "no-store",
				"Content-Length":      strconv.Itoa(rec.Body.Len()),
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			sum, err := profile.Parse(verifyProfile(t, rec.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if len(sum.Problems) > 0 {
				t.Errorf("profile problems: %v", sum.Problems)
			}
			m := sum.Payloads[0].Mail
			if m.AccountType != tt.wantType || m.Incoming.Port != tt.wantPort || m.Incoming.Host != "mail.btinternet.com" ||
				m.Outgoing.Port != 465 || !m.Incoming.UseSSL || !m.Outgoing.UseSSL || m.Incoming.Username != "someone@btinternet.com" {
				t.Errorf("mail payload = %+v", m)
			}
			checkWithSharedTool(t, rec.Body.Bytes(), map[string]any{
				"EmailAccountType": tt.wantType, "IncomingMailServerPortNumber": tt.wantPort,
			})
		})
	}
}

// checkWithSharedTool runs ../shared/tools/verify-profile, an independent
// checker (OpenSSL for the signature, Apple's schema for every key), on a
// signed download.
func checkWithSharedTool(t *testing.T, body []byte, expect map[string]any) {
	t.Helper()
	sharedTool(t, body, true, expect)
}

func pythonWithYAML(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import yaml").Run() == nil {
			return p
		}
	}
	return ""
}

func TestSameAddressSameProfile(t *testing.T) {
	s := newTestServer(t, nil)
	content := func(email string) []byte {
		rec := s.get(t, profileURL(email, "imap", "Some One"))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d for %s", rec.Code, email)
		}
		return verifyProfile(t, rec.Body.Bytes())
	}
	a1, a2 := content("someone@btinternet.com"), content("someone@btinternet.com")
	if !bytes.Equal(a1, a2) {
		t.Error("the same address gave different plists")
	}
	b := content("other@btinternet.com")
	sa, _ := profile.Parse(a1)
	sb, _ := profile.Parse(b)
	if sa.Identifier == sb.Identifier || sa.UUID == sb.UUID || sa.Payloads[0].UUID == sb.Payloads[0].UUID {
		t.Errorf("different addresses share identifiers: %+v / %+v", sa, sb)
	}
}

func TestNameEscaping(t *testing.T) {
	s := newTestServer(t, nil)
	name := `Tom & "Jerry" <script>alert(1)</script>`
	rec := s.get(t, profileURL("someone@btinternet.com", "imap", name))
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	plist := verifyProfile(t, rec.Body.Bytes())
	if !bytes.Contains(plist, []byte("<string>Tom &amp; &#34;Jerry&#34; &lt;script&gt;alert(1)&lt;/script&gt;</string>")) {
		t.Errorf("name not escaped in the plist:\n%s", plist)
	}
	sum, err := profile.Parse(plist)
	if err != nil || len(sum.Problems) > 0 {
		t.Fatalf("Parse: %v %v", err, sum)
	}
	if got := sum.Payloads[0].Mail; got == nil {
		t.Fatal("no mail payload")
	}

	page := s.get(t, "/setup?"+url.Values{"email": {"someone@btinternet.com"}, "name": {name}}.Encode())
	body := page.Body.String()
	if page.Code != http.StatusOK {
		t.Fatalf("setup status = %d", page.Code)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, `"Jerry"`) {
		t.Errorf("setup page echoes the name unescaped:\n%s", body)
	}
	if !strings.Contains(body, "Tom &amp; &#34;Jerry&#34; &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("setup page does not show the escaped name:\n%s", body)
	}
}

func TestBadInput(t *testing.T) {
	s := newTestServer(t, nil)
	long := strings.Repeat("a", 300) + "@btinternet.com"
	tests := []struct {
		name    string
		email   string
		typ     string
		nameArg string
		status  int
		message string
	}{
		{"missing address", "", "", "", 400, "enter your email address"},
		{"no at", "someone", "", "", 400, "an email address needs an @, as in name@example.com"},
		{"CRLF", "someone@btinternet.com\r\nBcc: x@evil.example", "", "", 400, "the address contains a control character or line break"},
		{"300-char local part", long, "", "", 400, "the part before the @ is 300 characters long; the limit is 64"},
		{"script tag", "<script>alert(1)</script>@btinternet.com", "", "", 400, "the part before the @ cannot contain '<'"},
		{"unknown type", "someone@btinternet.com", "jmap", "", 400, `unknown account type "jmap": choose imap, pop, exchange or google`},
		{"no Exchange", "someone@btinternet.com", "exchange", "", 422, "BT Mail offers no Microsoft Exchange account that a configuration profile can use"},
		{"control in name", "someone@btinternet.com", "imap", "a\x07b", 400, "the name contains a control character or line break"},
		{"long name", "someone@btinternet.com", "imap", strings.Repeat("n", 101), 400, "the name is 101 characters long; the limit is 100"},
		{"unknown domain", "someone@unknown-domain.example", "", "", 404, "no settings are known for unknown-domain.example"},
		{"OAuth only", "someone@outlook.com", "imap", "", 422, "Outlook.com accepts only OAuth sign-in for IMAP, which a mail account profile cannot carry: choose Microsoft Exchange (type exchange) instead"},
		{"no POP", "someone@icloud.com", "pop", "", 422, "offers no POP server that a configuration profile can use: choose IMAP instead"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := profileURL(tt.email, tt.typ, tt.nameArg)

			// HTML for a browser.
			rec := s.get(t, target, "Accept", "text/html")
			if rec.Code != tt.status {
				t.Errorf("HTML status = %d, want %d", rec.Code, tt.status)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
				t.Errorf("HTML Content-Type = %q", ct)
			}
			body := rec.Body.String()
			if !strings.Contains(body, htmlEscape(tt.message[1:])) {
				t.Errorf("HTML body lacks %q:\n%s", tt.message, body)
			}
			if strings.Contains(body, "<script>alert") {
				t.Error("HTML body echoes a script tag unescaped")
			}
			if rec.Header().Get("Content-Disposition") != "" {
				t.Error("an error response carries Content-Disposition")
			}

			// JSON for a client that asks for it.
			rec = s.get(t, target, "Accept", "application/json")
			if rec.Code != tt.status {
				t.Errorf("JSON status = %d, want %d", rec.Code, tt.status)
			}
			var got struct {
				Error struct {
					Status  int
					Message string
					Field   string
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("JSON body %q: %v", rec.Body, err)
			}
			if got.Error.Status != tt.status || !strings.Contains(got.Error.Message, tt.message) {
				t.Errorf("JSON error = %+v, want %d %q", got.Error, tt.status, tt.message)
			}
		})
	}
}

func htmlEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestSetupFormErrors(t *testing.T) {
	s := newTestServer(t, nil)
	typed := `bad"<address>`
	rec := s.get(t, "/setup?"+url.Values{"email": {typed}, "type": {"pop"}, "name": {"Kept Name"}}.Encode())
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`id="email-error"`,
		`aria-invalid="true"`,
		`value="bad&#34;&lt;address&gt;"`, // the typed value is kept, escaped
		`value="Kept Name"`,
		`value="pop" checked`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %s:\n%s", want, body)
		}
	}
	rec = s.get(t, "/setup?email=someone@nowhere.example")
	if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "No settings are known for nowhere.example.") {
		t.Errorf("unknown domain: status %d, body %s", rec.Code, rec.Body)
	}
}

func TestSetupPage(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.get(t, "/setup?email=someone@btinternet.com&type=pop")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	body := withoutBreaks(rec.Body.String())
	for _, want := range []string{"BT Mail", "mail.btinternet.com", "<td>995</td>", "<td>465</td>", "SSL/TLS",
		`href="/profile?email=someone%40btinternet.com&amp;type=pop"`, "POP3"} {
		if !strings.Contains(body, want) {
			t.Errorf("setup page lacks %q", want)
		}
	}
}

func TestAPISettings(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.get(t, "/api/v1/settings?email=someone@btinternet.com")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d: %s", rec.Code, rec.Body)
	}
	var got apiSettings
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Provider != "BT Mail" || len(got.Accounts) != 2 || !got.Signed {
		t.Fatalf("settings = %+v", got)
	}
	imap, pop := got.Accounts[0], got.Accounts[1]
	if imap.Type != "imap" || imap.Incoming.Port != 993 || pop.Incoming.Port != 995 || imap.Outgoing.Port != 465 ||
		imap.Incoming.Security != "SSL" || imap.Incoming.Authentication != "EmailAuthPassword" || imap.Incoming.Username != "someone@btinternet.com" {
		t.Errorf("accounts = %+v", got.Accounts)
	}

	rec = s.get(t, "/api/v1/settings?email=bad")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Header().Get("Content-Type"), "application/json") {
		t.Errorf("bad address: status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}

// failingSigner stands in for a signer whose key became unusable.
type failingSigner struct{}

func (failingSigner) Sign([]byte) ([]byte, error) {
	return nil, errors.New("hsm: secret internal detail")
}

// failingFinder stands in for a settings source that broke.
type failingFinder struct{}

func (failingFinder) Find(context.Context, profile.Address, profile.Protocol) (provider.Settings, error) {
	return provider.Settings{}, errors.New("database at 10.0.0.5 refused: secret internal detail")
}

func TestInternalErrorsStayInternal(t *testing.T) {
	for name, modify := range map[string]func(*Config){
		"signer": func(c *Config) { c.Signer = failingSigner{} },
		"finder": func(c *Config) { c.Finder = failingFinder{} },
	} {
		t.Run(name, func(t *testing.T) {
			s := newTestServer(t, modify)
			for _, accept := range []string{"text/html", "application/json"} {
				rec := s.get(t, profileURL("someone@btinternet.com", "imap", ""), "Accept", accept)
				if rec.Code != http.StatusInternalServerError {
					t.Errorf("status = %d, want 500", rec.Code)
				}
				if strings.Contains(rec.Body.String(), "secret internal detail") {
					t.Errorf("response shows the internal error: %s", rec.Body)
				}
				if rec.Header().Get("Content-Disposition") != "" {
					t.Error("a failed download carries Content-Disposition")
				}
			}
			if !strings.Contains(s.logs.String(), "secret internal detail") {
				t.Error("the internal error is not in the log")
			}
		})
	}
}

func TestUnsigned(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.Signer = nil })
	rec := s.get(t, profileURL("someone@btinternet.com", "imap", ""))
	if rec.Code != http.StatusOK {
		t.Fatal(rec.Code)
	}
	if !bytes.HasPrefix(rec.Body.Bytes(), []byte("<?xml")) {
		t.Errorf("unsigned profile is not a plain XML plist")
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/x-apple-aspen-config" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestAccessLogHasNoAddress(t *testing.T) {
	s := newTestServer(t, nil)
	s.get(t, profileURL("secret.person@btinternet.com", "imap", "Secret Name"))
	s.get(t, "/setup?email=secret.person%40btinternet.com")
	s.get(t, "/l/abcdefTOKEN123/profile")
	logs := s.logs.String()
	for _, leak := range []string{"secret.person", "Secret Name", "abcdefTOKEN123", "email="} {
		if strings.Contains(logs, leak) {
			t.Errorf("log holds %q:\n%s", leak, logs)
		}
	}
	if !strings.Contains(logs, `"path":"/profile"`) || !strings.Contains(logs, `"path":"/l/{token}/profile"`) {
		t.Errorf("log lacks the request paths:\n%s", logs)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t, nil)
	for _, target := range []string{"/", "/setup?email=someone@btinternet.com", profileURL("someone@btinternet.com", "", ""), "/nope", "/static/style.css"} {
		rec := s.get(t, target)
		h := rec.Header()
		if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") ||
			h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: security headers missing: %v", target, h)
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain HTTP", target)
		}
	}
	// A download is not a document: the strictest policy, and none of the
	// headers that only shape documents.
	cached := newTestServer(t, func(c *Config) { c.ProfileCacheSize = 10 })
	for i := 0; i < 2; i++ { // the ordinary path, then the fast one
		h := cached.get(t, profileURL("someone@btinternet.com", "", "")).Header()
		if got, want := h.Get("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'; sandbox"; got != want {
			t.Errorf("download %d: Content-Security-Policy = %q, want %q", i, got, want)
		}
		for _, name := range []string{"X-Frame-Options", "Permissions-Policy", "Cross-Origin-Opener-Policy"} {
			if v := h.Get(name); v != "" {
				t.Errorf("download %d: %s = %q on a download", i, name, v)
			}
		}
	}
	if h := s.get(t, "/").Header(); h.Get("X-Frame-Options") != "DENY" || h.Get("Permissions-Policy") == "" {
		t.Errorf("page lacks its document headers: %v", h)
	}
}

func TestRateLimit(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RateLimit = 1; c.RateBurst = 3 })
	var codes []int
	for i := 0; i < 5; i++ {
		codes = append(codes, s.get(t, "/").Code)
	}
	if codes[0] != 200 || codes[2] != 200 || codes[4] != http.StatusTooManyRequests {
		t.Fatalf("codes = %v, want 3 x 200 then 429", codes)
	}
	rec := s.get(t, "/api/v1/settings?email=someone@btinternet.com")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "1" {
		t.Errorf("API: status %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if s.get(t, "/healthz").Code != 200 {
		t.Error("health check is rate limited")
	}
}

func TestHealth(t *testing.T) {
	s := newTestServer(t, func(c *Config) {
		c.Ready = func(context.Context) error { return errors.New("the signing certificate has expired") }
	})
	if rec := s.get(t, "/healthz"); rec.Code != 200 {
		t.Errorf("healthz = %d", rec.Code)
	}
	rec := s.get(t, "/readyz")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "expired") {
		t.Errorf("readyz = %d %q", rec.Code, rec.Body)
	}
}

func TestStaticAndNotFound(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.get(t, "/static/style.css?v="+s.assetTag)
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("style.css: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	for _, p := range []string{"/static/", "/static/../server.go", "/nope", "/profile/x"} {
		if rec := s.get(t, p); rec.Code != http.StatusNotFound {
			t.Errorf("%s = %d, want 404", p, rec.Code)
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/profile", strings.NewReader("x"))
	rec = httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /profile = %d, want 405", rec.Code)
	}
}

func TestFormPage(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.get(t, "/")
	body := rec.Body.String()
	for _, want := range []string{`<html lang="en">`, `<label for="email">`, `name="type" value="" checked`, `name="type" value="imap">`, `name="type" value="pop"`,
		`name="type" value="exchange"`, `name="type" value="google"`,
		"stays on the server", "leaves a copy on the server", `action="/setup"`, `<label for="name">`} {
		if !strings.Contains(body, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	if strings.Contains(body, "<script") || strings.Contains(body, "style=") {
		t.Error("form has inline script or style")
	}
}

func TestPanicRecovery(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.Finder = panickingFinder{} })
	rec := s.get(t, profileURL("someone@btinternet.com", "", ""))
	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status = %d, want 500", rec.Code)
	}
	if !strings.Contains(s.logs.String(), "panic in handler") {
		t.Error("panic not logged")
	}
}

type panickingFinder struct{}

func (panickingFinder) Find(context.Context, profile.Address, profile.Protocol) (provider.Settings, error) {
	panic("boom")
}

func TestConfigValidate(t *testing.T) {
	good := Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Finder: failingFinder{}, Profile: testOptions}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Config{
		"no logger": {Finder: good.Finder, Profile: testOptions},
		"no finder": {Logger: good.Logger, Profile: testOptions},
		"no prefix": {Logger: good.Logger, Finder: good.Finder, Profile: profile.Options{Secret: testOptions.Secret}},
		"negative":  {Logger: good.Logger, Finder: good.Finder, Profile: testOptions, RateLimit: -1},
	} {
		if _, err := New(c); err == nil {
			t.Errorf("%s: New() = nil error", name)
		}
	}
}

func TestAccessLogFollowsLevel(t *testing.T) {
	logs := &syncBuffer{}
	s := newTestServer(t, func(c *Config) {
		c.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	if rec := s.get(t, "/"); rec.Code != http.StatusOK {
		t.Fatal(rec.Code)
	}
	if got := logs.String(); got != "" {
		t.Errorf("access log at warn level: %s", got)
	}
}
