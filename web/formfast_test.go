package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestFormFastPath holds the form the fast path answers to the ordinary
// path's answer for the same request (status, headers but the request's
// own ID, bytes), and checks that it answers exactly the requests whose
// page is shared and already rendered.
func TestFormFastPath(t *testing.T) {
	s := newTestServer(t, withTrustedProxy)
	for _, tt := range []struct {
		query  string
		header []string
		fast   bool
	}{
		{"", nil, true},
		{"", []string{"Accept-Language", "de-DE,de;q=0.9"}, true},
		{"", []string{"Accept-Language", "fr", "User-Agent", uaIPhoneSafari}, true},
		{"", []string{"Accept-Language", "xx"}, true},
		{"lang=de", nil, true},
		{"lang=fr", []string{"Accept-Language", "de"}, true},
		{"", []string{"X-Forwarded-Proto", "https"}, true}, // HSTS through the trusted proxy
		{"lang=xx", nil, false},                            // not a language of the site: not shared
		{"lang=DE", nil, false},
		{"lang=d%65", nil, false},
		{"lang=de&x=1", nil, false},
		{"email=a%40b.com", nil, false},
		{"x", nil, false},
	} {
		newRequest := func() *http.Request {
			req := httptest.NewRequest(http.MethodGet, "/?"+tt.query, nil)
			req.RemoteAddr = trustedProxy + ":1234"
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			return req
		}
		s.echo.ServeHTTP(httptest.NewRecorder(), newRequest()) // renders and keeps a shared page
		want := httptest.NewRecorder()
		s.echo.ServeHTTP(want, newRequest())
		got := httptest.NewRecorder()
		if ok := s.serveFormCached(got, newRequest()); ok != tt.fast {
			t.Fatalf("GET /?%s %q: fast path answered = %v, want %v", tt.query, tt.header, ok, tt.fast)
		}
		if !tt.fast {
			continue
		}
		if got.Code != want.Code || !equalHeaders(withoutPerRequest(got.Header()), withoutPerRequest(want.Header())) || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
			t.Fatalf("GET /?%s %q:\nfast path %d %v\nordinary path %d %v", tt.query, tt.header, got.Code, got.Header(), want.Code, want.Header())
		}
	}
	if n, _ := sample(scrape(t, s), "mailprofile_http_request_duration_seconds", map[string]string{"route": "/", "status": "2xx"}); n == 0 {
		t.Error("the fast path's answers are not counted under GET /")
	}
}
