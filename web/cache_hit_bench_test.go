package web

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkCachedHit answers repeat downloads of a full cache of distinct
// addresses from the fast path, as the load test's repeated run does
// after its distinct run: each hit is a typical entry, not the first
// profile of its kind (BenchmarkDownload's cached case).
func BenchmarkCachedHit(b *testing.B) {
	for _, alg := range []string{"ecdsa", "rsa"} {
		b.Run(alg, func(b *testing.B) {
			s := newTestServer(b, func(c *Config) {
				c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
				c.Signer = newChainSigner(b, alg)
				c.ProfileCacheSize = DefaultProfileCacheSize
			})
			targets := make([]string, DefaultProfileCacheSize)
			for i := range targets {
				targets[i] = fmt.Sprintf("/profile?email=distinct%d%%40btinternet.com&type=imap&name=Load+Test", 10000+i)
				if rec := s.get(b, targets[i]); rec.Code != http.StatusOK {
					b.Fatalf("GET %s = %d", targets[i], rec.Code)
				}
			}
			body := new(bytes.Buffer) // reused, as in BenchmarkDownload
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				body.Reset()
				rec.Body = body
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, targets[i%len(targets)], nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
				i++
			}
		})
	}
}
