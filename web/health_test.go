package web

import (
	"bytes"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHealthzFastPath holds GET /healthz answered before the router to
// the route's own answer: the same status, body and headers, over HTTP
// and TLS, counted in the same series and logged the same way.
func TestHealthzFastPath(t *testing.T) {
	s := newTestServer(t, nil)
	for _, secure := range []bool{false, true} {
		answer := func(h http.Handler) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
			if secure {
				req.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		fast, routed := answer(s.Server), answer(s.Server.echo)
		if fast.Code != routed.Code || !bytes.Equal(fast.Body.Bytes(), routed.Body.Bytes()) {
			t.Errorf("TLS %v: fast path %d %q, route %d %q", secure, fast.Code, fast.Body, routed.Code, routed.Body)
		}
		got, want := withoutPerRequest(fast.Header()), withoutPerRequest(routed.Header())
		got.Del("Content-Length") // the route's length is added by net/http, after the recorder
		if !equalHeaders(got, want) {
			t.Errorf("TLS %v: fast path headers\n%v\nwant the route's\n%v", secure, got, want)
		}
		if fast.Header().Get("X-Request-Id") == "" {
			t.Errorf("TLS %v: fast path without a request ID", secure)
		}
	}
	if v, _ := sample(scrape(t, s), "mailprofile_http_request_duration_seconds", map[string]string{"route": "/healthz", "method": "GET", "status": "2xx"}); v != 4 {
		t.Errorf("/healthz requests observed = %v, want 4", v)
	}
	if n := strings.Count(s.logs.String(), `"path":"/healthz"`); n != 4 {
		t.Errorf("access log lines for /healthz = %d, want 4\n%s", n, s.logs)
	}
}
