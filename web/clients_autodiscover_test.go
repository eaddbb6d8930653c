package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/clientconf"
	"github.com/mailprofile/mailprofile/profile"
)

// autodiscoverBody is a POX request for email with the given schema, in
// the shape Outlook sends.
func autodiscoverBody(email, schema string) string {
	return `<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">` +
		`<Request><EMailAddress>` + email + `</EMailAddress><AcceptableResponseSchema>` + schema + `</AcceptableResponseSchema></Request></Autodiscover>`
}

func TestAutodiscoverRoute(t *testing.T) {
	s := newClientServer(t, nil)
	want, err := clientconf.Autodiscover(btEntry(t), profile.Address{Local: "someone", Domain: "btinternet.com"})
	if err != nil {
		t.Fatal(err)
	}
	outlook := autodiscoverBody("someone@btinternet.com", clientconf.OutlookSchema)
	tests := []struct {
		name, host, path, body string
	}{
		{name: "Outlook", host: "autodiscover.btinternet.com", path: "/autodiscover/autodiscover.xml", body: outlook},
		{name: "capitalised path", host: "autodiscover.btinternet.com", path: "/Autodiscover/Autodiscover.xml", body: outlook},
		{name: "Outlook 2007 path", host: "btinternet.com", path: "/AutoDiscover/AutoDiscover.xml", body: outlook},
		{name: "through the SRV record, on the server's own name", host: "setup.example.net", path: "/autodiscover/autodiscover.xml", body: outlook},
		{name: "byte order mark and EmailAddress", host: "autodiscover.btinternet.com", path: "/autodiscover/autodiscover.xml",
			body: "\xef\xbb\xbf" + strings.ReplaceAll(outlook, "EMailAddress", "EmailAddress")},
		{name: "address in capitals", host: "autodiscover.btinternet.com", path: "/autodiscover/autodiscover.xml",
			body: autodiscoverBody("someone@BTINTERNET.COM", clientconf.OutlookSchema)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.ask(t, http.MethodPost, tt.host, tt.path, strings.NewReader(tt.body), "Content-Type", "text/xml; charset=utf-8")
			wantDocument(t, rec, clientconf.AutodiscoverContentType, cachePrivate, want)
		})
	}
}

func TestAutodiscoverRouteRefuses(t *testing.T) {
	s := newClientServer(t, nil)
	laughs := `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>` + autodiscoverBody("&lol2;", clientconf.OutlookSchema)
	tests := []struct {
		name       string
		body       string
		wantStatus int
		wantCode   string
	}{
		{name: "unknown domain", body: autodiscoverBody("someone@unknown.example", clientconf.OutlookSchema), wantStatus: http.StatusNotFound, wantCode: "500"},
		{name: "OAuth only", body: autodiscoverBody("someone@outlook.com", clientconf.OutlookSchema), wantStatus: http.StatusNotFound, wantCode: "501"},
		{name: "iOS asks for MobileSync", body: autodiscoverBody("someone@btinternet.com",
			"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006"), wantStatus: http.StatusNotFound, wantCode: "601"},
		{name: "invalid address", body: autodiscoverBody("&lt;script&gt;@btinternet.com", clientconf.OutlookSchema), wantStatus: http.StatusBadRequest, wantCode: "600"},
		{name: "billion laughs", body: laughs, wantStatus: http.StatusBadRequest, wantCode: "600"},
		{name: "external entity", body: `<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>` + autodiscoverBody("&x;", clientconf.OutlookSchema),
			wantStatus: http.StatusBadRequest, wantCode: "600"},
		{name: "deep nesting", body: strings.Repeat("<a>", 2000), wantStatus: http.StatusBadRequest, wantCode: "600"},
		{name: "not XML", body: `{"email":"someone@btinternet.com"}`, wantStatus: http.StatusBadRequest, wantCode: "600"},
		{name: "9 KiB", body: autodiscoverBody("someone@btinternet.com", strings.Repeat("x", 9<<10)), wantStatus: http.StatusRequestEntityTooLarge, wantCode: "600"},
		{name: "1 MiB", body: strings.Repeat("<", 1<<20), wantStatus: http.StatusRequestEntityTooLarge, wantCode: "600"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.ask(t, http.MethodPost, "autodiscover.btinternet.com", "/autodiscover/autodiscover.xml", strings.NewReader(tt.body))
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.wantStatus, rec.Body)
			}
			f := readFault(t, rec)
			if f.Response.Error.ErrorCode != tt.wantCode || f.Response.Error.Message == "" {
				t.Errorf("error %+v, want code %s and a message", f.Response.Error, tt.wantCode)
			}
			for _, echo := range []string{"script", "unknown.example", "lol", "passwd", "someone"} {
				if strings.Contains(rec.Body.String(), echo) {
					t.Errorf("answer repeats %q from the request: %s", echo, rec.Body)
				}
			}
		})
	}
}

// endless is a request body of n bytes made as it is read, counting them.
type endless struct{ left, read int }

func (e *endless) Read(p []byte) (int, error) {
	if e.left == 0 {
		return 0, io.EOF
	}
	n := min(len(p), e.left)
	for i := range p[:n] {
		p[i] = '<'
	}
	e.left -= n
	e.read += n
	return n, nil
}

// TestAutodiscoverBodyBounded sends 64 MiB, announced and chunked: the
// server reads no more than its limit and its memory stays bounded.
func TestAutodiscoverBodyBounded(t *testing.T) {
	s := newClientServer(t, nil)
	for _, announced := range []bool{true, false} {
		body := &endless{left: 64 << 20}
		req := httptest.NewRequest(http.MethodPost, "/autodiscover/autodiscover.xml", body)
		req.Host = "autodiscover.btinternet.com"
		req.ContentLength = -1 // chunked
		if announced {
			req.ContentLength = 64 << 20
		}
		rec := httptest.NewRecorder()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s.ServeHTTP(rec, req)
		runtime.ReadMemStats(&after)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("announced %v: status %d, want 413", announced, rec.Code)
		}
		if body.read > clientconf.MaxAutodiscoverRequest+32<<10 {
			t.Errorf("announced %v: the server read %d bytes of the body, want at most its limit and a buffer", announced, body.read)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
			t.Errorf("announced %v: the request allocated %d bytes, want under 1 MiB", announced, alloc)
		}
	}
}

func TestAutodiscoverV2Route(t *testing.T) {
	s := newClientServer(t, nil)
	redirect := clientconf.AutodiscoverV2("btinternet.com")
	for _, target := range []string{
		"/autodiscover/autodiscover.json/v1.0/someone@btinternet.com?Protocol=AutodiscoverV1",
		"/autodiscover/autodiscover.json/v1.0/someone%40btinternet.com?Protocol=autodiscoverv1&RedirectCount=1",
		"/autodiscover/autodiscover.json?Email=someone%40btinternet.com&Protocol=AutodiscoverV1&RedirectCount=1",
		"/Autodiscover/Autodiscover.json?email=someone%40btinternet.com&protocol=AutodiscoverV1",
	} {
		t.Run(target, func(t *testing.T) {
			rec := s.ask(t, http.MethodGet, "autodiscover.btinternet.com", target, nil)
			wantDocument(t, rec, clientconf.AutodiscoverV2ContentType, cachePrivate, redirect)
		})
	}
}

func TestAutodiscoverV2RouteRefuses(t *testing.T) {
	s := newClientServer(t, nil)
	tests := []struct {
		target     string
		wantStatus int
		wantCode   string
	}{
		{"/autodiscover/autodiscover.json/v1.0/someone@btinternet.com?Protocol=ActiveSync", http.StatusNotFound, "ProtocolNotSupported"},
		{"/autodiscover/autodiscover.json/v1.0/someone@btinternet.com?Protocol=Ews", http.StatusNotFound, "ProtocolNotSupported"},
		{"/autodiscover/autodiscover.json/v1.0/someone@btinternet.com?Protocol=%3Cscript%3E", http.StatusBadRequest, "InvalidProtocol"},
		{"/autodiscover/autodiscover.json/v1.0/someone@btinternet.com", http.StatusBadRequest, "InvalidProtocol"},
		{"/autodiscover/autodiscover.json/v1.0/someone@unknown.example?Protocol=AutodiscoverV1", http.StatusNotFound, "UserNotFound"},
		{"/autodiscover/autodiscover.json/v1.0/someone@outlook.com?Protocol=AutodiscoverV1", http.StatusNotFound, "UserNotFound"},
		{"/autodiscover/autodiscover.json/v1.0/%3Cscript%3E?Protocol=AutodiscoverV1", http.StatusBadRequest, "InvalidUser"},
		{"/autodiscover/autodiscover.json?Protocol=AutodiscoverV1", http.StatusBadRequest, "InvalidUser"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := s.ask(t, http.MethodGet, "autodiscover.btinternet.com", tt.target, nil)
			if rec.Code != tt.wantStatus || rec.Header().Get("Content-Type") != clientconf.AutodiscoverV2ContentType {
				t.Fatalf("status %d %q, want %d JSON: %s", rec.Code, rec.Header().Get("Content-Type"), tt.wantStatus, rec.Body)
			}
			var got struct{ ErrorCode, ErrorMessage string }
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.ErrorCode != tt.wantCode || got.ErrorMessage == "" {
				t.Errorf("body %s, want ErrorCode %s and a message", rec.Body, tt.wantCode)
			}
			for _, echo := range []string{"script", "someone", "example", "Ews", "ActiveSync"} {
				if strings.Contains(rec.Body.String(), echo) {
					t.Errorf("answer repeats %q from the request: %s", echo, rec.Body)
				}
			}
		})
	}
	// The address in the path never reaches the log.
	if strings.Contains(s.logs.String(), "someone") {
		t.Errorf("the log holds an address:\n%s", s.logs)
	}
}

// TestClientRateLimit: the documents are rate-limited like the pages,
// and the 429 comes in each format's shape.
func TestClientRateLimit(t *testing.T) {
	s := newClientServer(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 1 })
	post := func() *httptest.ResponseRecorder {
		return s.ask(t, http.MethodPost, "autodiscover.btinternet.com", "/autodiscover/autodiscover.xml",
			strings.NewReader(autodiscoverBody("someone@btinternet.com", clientconf.OutlookSchema)))
	}
	if rec := post(); rec.Code != http.StatusOK {
		t.Fatalf("first request: %d", rec.Code)
	}
	rec := post()
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second request: %d, Retry-After %q, want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if f := readFault(t, rec); f.Response.Error.ErrorCode != clientconf.ErrorCodeInternal {
		t.Errorf("429 error code %q, want %s", f.Response.Error.ErrorCode, clientconf.ErrorCodeInternal)
	}
	rec = s.ask(t, http.MethodGet, "autodiscover.btinternet.com", "/autodiscover/autodiscover.json?Email=someone%40btinternet.com&Protocol=AutodiscoverV1", nil)
	if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), `"ErrorCode":"TooManyRequests"`) {
		t.Errorf("v2 when limited: %d %s", rec.Code, rec.Body)
	}
}
