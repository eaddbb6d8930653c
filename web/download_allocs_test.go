package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// copySigner "signs" by copying: the download's allocations without the
// ECDSA's, which belong to crypto/ecdsa and change with Go releases.
type copySigner struct{}

func (copySigner) Sign(content []byte) ([]byte, error) { return append([]byte(nil), content...), nil }
func (copySigner) Fingerprint() string                 { return "copy signer" }

// TestDownloadAllocs bounds the allocations of an uncached download, each
// request a new catalog address: what the load test's uncached run spends
// besides the signature, answered before Echo (serveFirst), and through
// Echo's chain, which answers it when the fast path cannot. Fewer
// allocations is less work for the collector, which took 8% of the CPU
// of that run; BenchmarkDownload shows the time. The requests and
// recorders are made before counting.
func TestDownloadAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	s := newTestServer(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
		c.Signer = copySigner{}
		c.ProfileCacheSize = DefaultProfileCacheSize
	})
	for _, tc := range []struct {
		name  string
		serve http.HandlerFunc
		want  float64
	}{
		// 80 through Echo before issue 16's second round, 37 after it; one
		// more since cache entries are compact: copySigner's profiles have
		// no chain, and the cache kept the built bytes themselves; now it
		// keeps a recipe of a few hundred bytes, one allocation, and lets
		// the 2.3 KB go (a signed profile's count is the same: its split
		// copy became the recipe).
		{"before Echo", s.ServeHTTP, 25},
		{"through Echo", s.echo.ServeHTTP, 38},
	} {
		const runs = 200
		reqs := make([]*http.Request, runs+1)
		recs := make([]*httptest.ResponseRecorder, runs+1)
		for i := range reqs {
			reqs[i] = httptest.NewRequest(http.MethodGet, "/profile?email="+tc.name[:6]+strconv.Itoa(i)+"%40btinternet.com&type=imap&name=Load+Test", nil)
			recs[i] = httptest.NewRecorder()
		}
		i := 0
		n := testing.AllocsPerRun(runs, func() {
			tc.serve(recs[i], reqs[i])
			if recs[i].Code != http.StatusOK {
				t.Fatalf("GET %s: status %d", reqs[i].URL, recs[i].Code)
			}
			i++
		})
		if n > tc.want {
			t.Errorf("%s: an uncached download makes %v allocations, want at most %v", tc.name, n, tc.want)
		}
	}
}
