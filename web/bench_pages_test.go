package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// Benchmarks of the pages every visitor sees first, through the whole
// handler chain as the server runs it (info logging to a discarded
// writer, so the log line's cost is in), without the network.
// scripts/loadtest measures the same pages against the real binary.

const (
	benchUADesktop = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// benchDomains are catalog providers of every kind the review page shows.
var benchDomains = []string{"btinternet.com", "gmail.com", "outlook.com", "web.de", "gmx.net", "icloud.com", "yahoo.com", "fastmail.com"}

var benchLangs = []string{"en", "de", "fr"}

func BenchmarkPages(b *testing.B) {
	for _, bc := range []struct {
		name, page, ua string
	}{
		{"form/desktop", "form", benchUADesktop},
		{"form/iphone", "form", uaIPhoneSafari},
		{"setup/desktop", "setup", benchUADesktop},
		{"setup/iphone", "setup", uaIPhoneSafari},
		{"setup/mac", "setup", uaMacSafari},
		{"healthz", "healthz", benchUADesktop},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newTestServer(b, func(c *Config) {
				c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
				c.ProfileCacheSize = DefaultProfileCacheSize
			})
			n := 0
			b.ReportAllocs()
			for b.Loop() {
				n++
				target := "/healthz"
				switch bc.page {
				case "form":
					target = "/"
				case "setup":
					// A new address each time: nothing per address is cached.
					target = "/setup?email=visitor" + strconv.Itoa(n) + "%40" + benchDomains[n%len(benchDomains)]
				}
				req := httptest.NewRequest(http.MethodGet, target, nil)
				req.Header.Set("User-Agent", bc.ua)
				req.Header.Set("Accept-Language", benchLangs[n%len(benchLangs)])
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: status %d", target, rec.Code)
				}
			}
		})
	}
}
