package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestSetupFastPath holds every review page the fast path answers to the
// answer of the ordinary path (Echo, its middleware and showSetup) for
// the same request: the same status, headers but the request's own ID,
// and bytes. It answers every request whose page is kept, and no other.
func TestSetupFastPath(t *testing.T) {
	s := newTestServer(t, withTrustedProxy)
	locals := []string{"someone", "john.smith", "x-y_z.9", "Mixed.Case", "o'neil"}
	served := 0
	for _, tc := range setupCases() {
		for _, local := range locals {
			target := "/setup?email=" + url.QueryEscape(local+"@"+tc.domain) + tc.query
			newRequest := func() *http.Request { return tc.request(target) }
			for range 2 { // the first may render the page and keep it
				s.echo.ServeHTTP(httptest.NewRecorder(), newRequest())
			}
			want := httptest.NewRecorder()
			s.echo.ServeHTTP(want, newRequest())
			got := httptest.NewRecorder()
			ok := s.serveSetupCached(got, newRequest())
			_, _, kept := standInOf(formValues{Email: local + "@" + tc.domain}, "")
			wantServed := want.Code == http.StatusOK && kept
			if ok != wantServed {
				t.Fatalf("GET %s %q: fast path answered = %v, want %v (ordinary path: %d)", target, tc.header, ok, wantServed, want.Code)
			}
			if !ok {
				continue
			}
			served++
			if got.Code != want.Code || !equalHeaders(withoutPerRequest(got.Header()), withoutPerRequest(want.Header())) || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Fatalf("GET %s %q:\nfast path %d %v\n%s\nordinary path %d %v\n%s", target, tc.header, got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
			}
			if id := got.Header().Get(headerRequestID); id == "" || id == want.Header().Get(headerRequestID) {
				t.Fatalf("GET %s: request ID %q, want a new one", target, id)
			}
		}
	}
	if served == 0 {
		t.Fatal("the fast path answered no request")
	}
}

// TestSetupFastPathCountsAndLogs checks that a page from the fast path is
// counted under GET /setup and logged like any other request.
func TestSetupFastPathCountsAndLogs(t *testing.T) {
	s := newTestServer(t, nil)
	s.get(t, "/setup?email=first%40btinternet.com") // rendered, kept
	req := httptest.NewRequest(http.MethodGet, "/setup?email=second%40btinternet.com", nil)
	rec := httptest.NewRecorder()
	if !s.serveSetupCached(rec, req) {
		t.Fatal("the fast path did not answer a second visitor of the same kind")
	}
	var last map[string]any
	for line := range strings.SplitSeq(strings.TrimSpace(s.logs.String()), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["msg"] == "request" {
			last = rec
		}
	}
	want := map[string]any{"path": "/setup", "status": float64(200), "bytes": float64(rec.Body.Len()), "request_id": rec.Header().Get(headerRequestID)}
	for k, v := range want {
		if last[k] != v {
			t.Errorf("access line %s = %v, want %v (line %v)", k, last[k], v, last)
		}
	}
	if n, _ := sample(scrape(t, s), "mailprofile_http_request_duration_seconds", map[string]string{"route": "/setup", "status": "2xx"}); n != 2 {
		t.Errorf("GET /setup 2xx counted %v times, want 2", n)
	}
}

// TestSetupFastPathRateLimit: a visitor over the limit is refused by the
// ordinary path, not answered from the cache.
func TestSetupFastPathRateLimit(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 2 })
	for i, email := range []string{"first", "second"} {
		if rec := s.get(t, "/setup?email="+email+"%40btinternet.com"); rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d, want 200 within the burst", i, rec.Code)
		}
	}
	if rec := s.get(t, "/setup?email=third%40btinternet.com"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("request 3: %d, want 429", rec.Code)
	}
}

func TestStandInQuery(t *testing.T) {
	many := strings.Repeat("&k=v", maxStandInPairs+2)
	for _, raw := range []string{
		"", "email=a%40b.com", "email=a%40b.com&type=imap", "type=imap&email=a%40b.com&lang=de",
		"email=1&email=2&b=1&a=2&b=0&a=1", "z=&y&&x=1", "a+b=c+d&email=x", "%41=%42",
		"name=J%C3%BCrgen+M%C3%BCller&email=x", "email=x&services=mail&services=calendar",
		"a=1;b=2", "a=%zz", "%zz=1", "email=x" + many, "email=x" + many + "&z=%zz",
	} {
		got, ok := standInQuery(raw, "btinternet.com")
		want, wantOK := standInQueryValues(raw, "btinternet.com")
		if got != want || ok != wantOK {
			t.Errorf("standInQuery(%q) = %q, %v; want %q, %v", raw, got, ok, want, wantOK)
		}
	}
}

func FuzzStandInQuery(f *testing.F) {
	f.Add("type=imap&email=a%40b.com&lang=de", "b.com")
	f.Add("email=1&email=2&b=1&a=2&b=0;a=1", "x")
	f.Fuzz(func(t *testing.T, raw, domain string) {
		got, ok := standInQuery(raw, domain)
		want, wantOK := standInQueryValues(raw, domain)
		if got != want || ok != wantOK {
			t.Errorf("standInQuery(%q, %q) = %q, %v; want %q, %v", raw, domain, got, ok, want, wantOK)
		}
	})
}
