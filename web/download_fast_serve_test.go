package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// logLine is what the tests read of a JSON log line.
type logLine struct {
	Msg       string `json:"msg"`
	Path      string `json:"path"`
	Status    int    `json:"status"`
	Bytes     int    `json:"bytes"`
	RequestID string `json:"request_id"`
	Panic     string `json:"panic"`
	Stack     string `json:"stack"`
}

// logLines are the JSON lines of logs.
func logLines(logs *syncBuffer) []logLine {
	var out []logLine
	for line := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
		var l logLine
		if json.Unmarshal([]byte(line), &l) == nil {
			out = append(out, l)
		}
	}
	return out
}

// TestFirstDownloadDiscovered checks that only the catalog's domains are
// answered before Echo: a domain discovery finds, with a real Discoverer
// over the catalog and DNS on loopback, goes the ordinary way, as does
// every answer a Finder labels as discovered.
func TestFirstDownloadDiscovered(t *testing.T) {
	catalog := newCatalog(t)
	for _, tc := range []struct {
		name   string
		finder Finder
		email  string
		fast   bool
	}{
		{name: "catalog domain, discovery on", finder: newDiscoverer(t), email: "someone@btinternet.com", fast: true},
		{name: "discovered domain", finder: newDiscoverer(t), email: "someone@x.test"},
		{name: "a Finder that discovers a catalog domain", email: "someone@btinternet.com",
			finder: labelFinder{catalog: catalog, origin: provider.Origin{Method: provider.MethodAutoconfig, Confidence: provider.ConfidenceHigh}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, func(c *Config) { c.Finder, c.Catalog, c.ProfileCacheSize = tc.finder, catalog, 10 })
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, profileURL(tc.email, "imap", ""), nil)
			if got := s.serveDownload(rec, req); got != tc.fast {
				t.Fatalf("fast path answered GET %s = %v, want %v", req.URL, got, tc.fast)
			}
			if !tc.fast && (len(rec.Header()) != 0 || rec.Body.Len() != 0) {
				t.Errorf("the fast path wrote %v and %d bytes, then left the request", rec.Header(), rec.Body.Len())
			}
			if rec := s.get(t, profileURL(tc.email, "imap", "")); rec.Code != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", req.URL, rec.Code)
			}
		})
	}
}

// TestFirstDownloadCountsAndLogs sends the same requests, downloads and
// refusals, to a server through ServeHTTP and to its twin through Echo
// alone, and compares their metrics: profiles served, settings lookups
// and requests by series. Each request gets one access line, with the
// response's request ID, status and size.
func TestFirstDownloadCountsAndLogs(t *testing.T) {
	signer := newSigner(t)
	twin := func() testServer {
		return newTestServer(t, func(c *Config) { c.Signer, c.ProfileCacheSize = signer, 100 })
	}
	fast, ordinary := twin(), twin()
	cases := append(firstDownloadCases(), ordinaryCases()...)
	var ids []string
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		fast.ServeHTTP(rec, tc.request())
		ordinary.echo.ServeHTTP(httptest.NewRecorder(), tc.request())
		ids = append(ids, rec.Header().Get(headerRequestID)+" "+strconv.Itoa(rec.Code)+" "+strconv.Itoa(rec.Body.Len()))
	}
	got, want := scrape(t, fast), scrape(t, ordinary)
	for _, name := range []string{"mailprofile_profiles_served_total", "mailprofile_settings_lookups_total", "mailprofile_http_request_duration_seconds"} {
		if g, w := seriesCounts(got[name]), seriesCounts(want[name]); g != w {
			t.Errorf("%s:\nthrough the fast path %s\nordinary path %s", name, g, w)
		}
	}
	var lines []string
	for _, rec := range logLines(fast.logs) {
		if rec.Msg == "request" && rec.Path == "/profile" {
			lines = append(lines, rec.RequestID+" "+strconv.Itoa(rec.Status)+" "+strconv.Itoa(rec.Bytes))
		}
	}
	if strings.Join(lines, "\n") != strings.Join(ids, "\n") {
		t.Errorf("access lines (request ID, status, bytes):\n%s\nwant one per response:\n%s", strings.Join(lines, "\n"), strings.Join(ids, "\n"))
	}
}

// seriesCounts is every series of f but /metrics' own, with its labels
// and its value (a histogram's count), one a line.
func seriesCounts(f *dto.MetricFamily) string {
	var b strings.Builder
	for _, m := range f.GetMetric() {
		var labels []string
		for _, l := range m.GetLabel() {
			labels = append(labels, l.GetName()+"="+l.GetValue())
		}
		if strings.Contains(strings.Join(labels, ","), "route=/metrics") {
			continue
		}
		v := m.GetCounter().GetValue()
		if h := m.GetHistogram(); h != nil {
			v = float64(h.GetSampleCount())
		}
		b.WriteString(strings.Join(labels, ",") + " " + strconv.Itoa(int(v)) + "\n")
	}
	return b.String()
}

// TestFirstDownloadRateLimit checks that first downloads draw from the
// client's bucket once each, refused ones included, and that a visitor
// over the limit is refused by the ordinary path.
func TestFirstDownloadRateLimit(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.RateLimit, c.RateBurst, c.ProfileCacheSize = 0.001, 3, 10 })
	for i, tc := range []struct {
		target, ua string
		want       int
	}{
		{profileURL("someone@outlook.com", "exchange", ""), uaMacSafari, http.StatusUnprocessableEntity}, // planned, refused: one token
		{profileURL("first@btinternet.com", "imap", ""), "", http.StatusOK},
		{profileURL("second@btinternet.com", "imap", ""), "", http.StatusOK},
		{profileURL("third@btinternet.com", "imap", ""), "", http.StatusTooManyRequests},
	} {
		if rec := s.get(t, tc.target, "User-Agent", tc.ua); rec.Code != tc.want {
			t.Fatalf("request %d, GET %s: %d, want %d", i+1, tc.target, rec.Code, tc.want)
		}
	}
	if v, _ := sample(scrape(t, s), "mailprofile_rate_limited_total", map[string]string{"limit": "requests"}); v != 1 {
		t.Errorf("rate-limited requests = %v, want 1", v)
	}
}

// sameFastError checks that the fast path answers target with a 500 as
// the ordinary path of a twin server answers it (the same headers and
// page, but for the request ID) and counts it in the 5xx series once; it
// returns the fast path's request ID.
func sameFastError(t *testing.T, fast, ordinary testServer, target string) string {
	t.Helper()
	got := httptest.NewRecorder()
	if !fast.serveDownload(got, httptest.NewRequest(http.MethodGet, target, nil)) {
		t.Fatal("the fast path left the failed download to the ordinary path")
	}
	want := httptest.NewRecorder()
	ordinary.echo.ServeHTTP(want, httptest.NewRequest(http.MethodGet, target, nil))
	id := got.Header().Get(headerRequestID)
	if got.Code != http.StatusInternalServerError || got.Code != want.Code || !equalHeaders(withoutPerRequest(got.Header()), withoutPerRequest(want.Header())) ||
		strings.ReplaceAll(got.Body.String(), id, "ID") != strings.ReplaceAll(want.Body.String(), want.Header().Get(headerRequestID), "ID") {
		t.Fatalf("fast path %d %v\n%s\nordinary path %d %v\n%s", got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
	}
	if n, _ := sample(scrape(t, fast), "mailprofile_http_request_duration_seconds", map[string]string{"route": "/profile", "status": "5xx"}); n != 1 {
		t.Errorf("GET /profile 5xx counted %v times, want 1", n)
	}
	return id
}

// TestFirstDownloadSignError checks that the fast path answers a failed
// signature as the ordinary path does (a 500, the same headers and page,
// the error logged with the request's ID, an access line, the 5xx series)
// and that it costs the client one token, not one per path.
func TestFirstDownloadSignError(t *testing.T) {
	twin := func() testServer {
		return newTestServer(t, func(c *Config) {
			c.Signer, c.ProfileCacheSize, c.RateLimit, c.RateBurst = failingSigner{}, 10, 0.001, 2
		})
	}
	fast := twin()
	target := profileURL("someone@btinternet.com", "imap", "")
	id := sameFastError(t, fast, twin(), target)
	var failed, access int
	for _, rec := range logLines(fast.logs) {
		switch {
		case rec.RequestID != id:
		case rec.Msg == "request failed" && rec.Status == http.StatusInternalServerError:
			failed++
		case rec.Msg == "request" && rec.Status == http.StatusInternalServerError:
			access++
		}
	}
	if failed != 1 || access != 1 {
		t.Errorf("log lines with the request's ID: %d errors, %d access lines; want 1 and 1\n%s", failed, access, fast.logs)
	}
	// A burst of two: the first request took one token, so one more
	// fails to sign and the third is refused.
	for i, code := range []int{http.StatusInternalServerError, http.StatusTooManyRequests} {
		if rec := fast.get(t, target); rec.Code != code {
			t.Fatalf("request %d: %d, want %d", i+2, rec.Code, code)
		}
	}
}

// panicSigner panics in Sign, as a bug in signing would.
type panicSigner struct{}

func (panicSigner) Sign([]byte) ([]byte, error) { panic("exploded") }
func (panicSigner) Fingerprint() string         { return "panics" }

// panicFinder panics in Find, as a bug in the settings would.
type panicFinder struct{}

func (panicFinder) Find(context.Context, profile.Address, profile.Protocol) (provider.Settings, error) {
	panic("exploded")
}

// TestFirstDownloadPanic checks that a panic while a profile is planned
// or built is answered by the fast path as recoverPanics and the error
// handler answer it: a 500 with the ordinary path's headers and page, the
// panic logged with its stack and the request's ID, an access line and
// the 5xx series.
func TestFirstDownloadPanic(t *testing.T) {
	for _, tc := range []struct {
		name   string
		config func(*Config)
		where  string // a function in the panic's stack
	}{
		{name: "signer", config: func(c *Config) { c.Signer = panicSigner{} }, where: "makeProfile"},
		{name: "settings", config: func(c *Config) { c.Finder, c.Catalog = panicFinder{}, newCatalog(t) }, where: "planProfile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			twin := func() testServer {
				return newTestServer(t, func(c *Config) { tc.config(c); c.ProfileCacheSize = 10 })
			}
			fast := twin()
			target := profileURL("someone@btinternet.com", "imap", "")
			id := sameFastError(t, fast, twin(), target)
			var panics, access int
			for _, rec := range logLines(fast.logs) {
				if rec.RequestID != id {
					continue
				}
				switch {
				case rec.Msg == "panic in handler" && rec.Panic == "exploded" && strings.Contains(rec.Stack, tc.where):
					panics++
				case rec.Msg == "request" && rec.Status == http.StatusInternalServerError:
					access++
				}
			}
			if panics != 1 || access != 1 {
				t.Errorf("log lines with the request's ID: %d panics with a stack, %d access lines; want 1 and 1\n%s", panics, access, fast.logs)
			}
			if rec := fast.get(t, target); rec.Code != http.StatusInternalServerError {
				t.Errorf("the same download again: %d, want 500 (nothing cached, nothing stuck)", rec.Code)
			}
		})
	}
}
