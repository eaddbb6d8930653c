package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRequestIDOnlyFromTrustedProxy: a request ID lands in every log line
// of its request, so one is taken over only from a trusted proxy, and
// only when it is a short token; on the ordinary and the cached path.
func TestRequestIDOnlyFromTrustedProxy(t *testing.T) {
	s := newTestServer(t, withTrustedProxy)
	tests := []struct {
		name, peer, id string
		wantKept       bool
	}{
		{name: "trusted proxy, a UUID", peer: trustedProxy + ":4000", id: "3f2c9a1e-5b7d-4c1a-9e2f-0a1b2c3d4e5f", wantKept: true},
		{name: "trusted proxy, nginx's hex", peer: trustedProxy + ":4000", id: "7d3f0e2a9b8c4d1e6f5a4b3c2d1e0f9a", wantKept: true},
		{name: "any other peer", peer: "198.51.100.7:4000", id: "9b1e0c2d-7a6f-4e3d-8c2b-1a0f9e8d7c6b"},
		{name: "loopback, not trusted", peer: "127.0.0.1:4000", id: "chosen-by-the-client"},
		{name: "trusted proxy, too long", peer: trustedProxy + ":4000", id: strings.Repeat("a", 65)},
		{name: "trusted proxy, not a token", peer: trustedProxy + ":4000", id: `x" level=ERROR msg="forged`},
	}
	for _, tt := range tests {
		for _, target := range []string{"/", profileURL("someone@btinternet.com", "imap", "")} {
			t.Run(tt.name+" "+target[:min(len(target), 8)], func(t *testing.T) {
				for range 2 { // the second download comes from the cache
					req := httptest.NewRequest(http.MethodGet, target, nil)
					req.RemoteAddr = tt.peer
					req.Header.Set("X-Request-Id", tt.id)
					rec := httptest.NewRecorder()
					s.ServeHTTP(rec, req)
					got := rec.Header().Get("X-Request-Id")
					if kept := got == tt.id; kept != tt.wantKept || got == "" {
						t.Errorf("GET %s from %s with X-Request-Id %q: response ID %q, want kept %v", target, tt.peer, tt.id, got, tt.wantKept)
					}
					if !tt.wantKept && strings.Contains(s.logs.String(), tt.id) {
						t.Fatalf("the log holds the client's request ID %q", tt.id)
					}
				}
			})
		}
	}
}
