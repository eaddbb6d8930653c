package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// boundedDiscovery is the real discovery engine over the built-in
// catalog, asking h, with at most two lookups in flight and one new
// domain per client a minute, counting into m.
func boundedDiscovery(t *testing.T, h *dnstest.Held, m *Metrics) *discover.Discoverer {
	t.Helper()
	d, err := discover.New(newCatalog(t), discover.Config{
		DNSServer:     h.Addr,
		ISPDBURL:      "",
		StepTimeout:   time.Minute,
		Budget:        9 * time.Second,
		MaxLookups:    2,
		ClientLookups: 1,
		Clock:         timetest.NewClock().Now,
		OnRefused:     m.ObserveDiscoveryRefused,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WatchDiscovery(d.InFlight); err != nil {
		t.Fatal(err)
	}
	return d
}

// serveFrom serves a GET of target from the client address remote, in
// the background.
func serveFrom(s testServer, remote, target string, header ...string) <-chan *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = remote
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	out := make(chan *httptest.ResponseRecorder, 1)
	go func() {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		out <- rec
	}()
	return out
}

// TestDiscoveryRefusals: a lookup of a new domain beyond discovery's
// bounds is refused at once, 429 when the client has used its budget,
// 503 when too many are in flight, with Retry-After in whole seconds
// and a message in JSON for the API and a page in the visitor's
// language; the catalog answers all the while. Refusals and lookups in
// flight show in the metrics.
func TestDiscoveryRefusals(t *testing.T) {
	h := dnstest.ServeHeld(t)
	m := NewMetrics()
	d := boundedDiscovery(t, h, m)
	s := newTestServer(t, func(c *Config) { c.Finder, c.Metrics = d, m })
	inFlight := func(t *testing.T, n int) {
		t.Helper()
		for range 1000 {
			if d.InFlight() == n {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("waited 10s for %d lookups in flight, have %d", n, d.InFlight())
	}

	h.Hold()
	a := serveFrom(s, "192.0.2.1:1000", "/api/v1/settings?email=someone%40a.test")
	inFlight(t, 1)
	tests := []struct {
		name, remote, target, lang string
		before                     func(t *testing.T)
		wantStatus                 int
		wantRetry                  string
		wantBody                   string
	}{
		{name: "client budget", remote: "192.0.2.1:1001", target: "/api/v1/settings?email=someone%40c.test",
			wantStatus: http.StatusTooManyRequests, wantRetry: "60",
			wantBody: `"message":"Too many new mail domains were looked up from your address. Please try again in 60 seconds."`},
		{name: "busy, API", remote: "192.0.2.3:1000", target: "/api/v1/settings?email=someone%40d.test",
			before: func(t *testing.T) {
				serveFrom(s, "192.0.2.2:1000", "/setup?email=someone%40b.test")
				inFlight(t, 2)
			},
			wantStatus: http.StatusServiceUnavailable, wantRetry: "5",
			wantBody: `"message":"The settings of new mail domains are being looked up for many people at the moment. Please try again in 5 seconds."`},
		{name: "busy, page in German", remote: "192.0.2.3:1000", target: "/setup?email=someone%40d.test&type=imap", lang: "de",
			wantStatus: http.StatusServiceUnavailable, wantRetry: "5", wantBody: "Bitte versuchen Sie es gleich noch einmal"},
		{name: "busy, download", remote: "192.0.2.3:1000", target: "/profile?email=someone%40d.test",
			wantStatus: http.StatusServiceUnavailable, wantRetry: "5", wantBody: "Please try again in a moment"},
		{name: "catalog while busy", remote: "192.0.2.3:1000", target: "/profile?email=someone%40btinternet.com",
			wantStatus: http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.before != nil {
				tt.before(t)
			}
			var rec *httptest.ResponseRecorder
			select {
			case rec = <-serveFrom(s, tt.remote, tt.target, "Accept-Language", tt.lang):
			case <-time.After(10 * time.Second):
				t.Fatalf("GET %s got no answer in 10s: it waits instead of being refused", tt.target)
			}
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s = %d, want %d\n%s", tt.target, rec.Code, tt.wantStatus, rec.Body)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.wantRetry || (got != "" && !wholeSeconds.MatchString(got)) {
				t.Errorf("GET %s: Retry-After = %q, want %q", tt.target, got, tt.wantRetry)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("GET %s: body lacks %q:\n%s", tt.target, tt.wantBody, rec.Body)
			}
		})
	}
	if strings.Contains(s.logs.String(), `"level":"ERROR"`) {
		t.Errorf("a refusal was logged as an error:\n%s", s.logs)
	}
	h.Let()
	if rec := <-a; rec.Code != http.StatusNotFound {
		t.Errorf("the lookup in flight ended %d, want 404 (no settings for a.test)", rec.Code)
	}
	inFlight(t, 0)
	metrics := s.get(t, "/metrics").Body.String()
	for _, want := range []string{
		`mailprofile_discovery_refused_total{reason="busy"} 3`,
		`mailprofile_discovery_refused_total{reason="client"} 1`,
		`mailprofile_discovery_in_flight 0`,
		`mailprofile_settings_lookups_total{outcome="refused",source="none"} 4`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
