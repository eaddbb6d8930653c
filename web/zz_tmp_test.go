package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

func BenchmarkZZRealCached(b *testing.B) {
	s := newTestServer(b, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		c.Signer = newSigner(b)
		c.ProfileCacheSize = DefaultProfileCacheSize
	})
	ts := httptest.NewServer(s)
	defer ts.Close()
	target := ts.URL + profileURL("someone@btinternet.com", "imap", "Some One")
	cl := ts.Client()
	buf := make([]byte, 8192)
	get := func() {
		resp, err := cl.Get(target)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := resp.Body.Read(buf); err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.StatusCode)
		}
	}
	get()
	b.ReportAllocs()
	for b.Loop() {
		get()
	}
}
