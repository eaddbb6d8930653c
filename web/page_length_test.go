package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPagesCarryLength: a rendered page, fresh or from the page caches,
// goes out with its Content-Length, not in chunks.
func TestPagesCarryLength(t *testing.T) {
	s := newTestServer(t, nil)
	ts := httptest.NewServer(s)
	defer ts.Close()
	for _, target := range []string{"/", "/?lang=de", "/setup?email=someone%40btinternet.com", "/setup?email=Some.One%2Btag%40btinternet.com", "/nowhere"} {
		for i := range 2 { // the second from the cache where there is one
			resp, err := http.Get(ts.URL + target)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) != 0 {
				t.Errorf("GET %s (%d): Content-Length %d, Transfer-Encoding %v for %d bytes", target, i, resp.ContentLength, resp.TransferEncoding, len(body))
			}
		}
	}
}
