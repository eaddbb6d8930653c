package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider/discover"
)

// TestServeSetupStorm is the discovery storm on the review page, whose
// waiting page lets a lookup go on after the request has its answer:
// 120 requests at once for new domains from four client addresses, on
// the default bounds, against the real binary. The lookups that go on in
// the background count against the same global and per-client bounds as
// any other, every answer is a page (200 waiting or the review, 404, 429
// or 503), a catalog domain's review page is served during the storm,
// and once the storm is over no lookup is left in flight.
func TestServeSetupStorm(t *testing.T) {
	const (
		requests  = requestsInStorm
		clients   = 4
		perClient = discover.DefaultClientLookups
	)
	st := startStorm(t)
	s, zone, idle, peaks, client := st.s, st.zone, st.idle, st.peaks, st.client
	counts := st.fire(t, requests, clients,
		func(i int) string { return fmt.Sprintf("/setup?email=someone%%40s%d.storm.test", i) },
		func() {
			if status, _, err := st.get("/setup?email=someone%40btinternet.com", "198.51.100.7"); err != nil || status != http.StatusOK {
				t.Errorf("catalog review page during the storm = %d, %v; want 200", status, err)
			}
		},
		http.StatusOK, http.StatusNotFound, http.StatusTooManyRequests, http.StatusServiceUnavailable)

	// The lookups the waiting pages follow end within their budget; wait
	// for them (the bound is a safety net, not a measurement).
	deadline := timetest.Wall().Add(2 * time.Minute) // the real binary's lookups run on the wall clock
	for gauge(scrapeText(t, s), "mailprofile_discovery_in_flight") != 0 && timetest.Wall().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	peakG, peakInFlight := peaks()
	t.Logf("%d review pages from %d addresses: %v; %d DNS queries; goroutines %.0f idle, peak %.0f; peak %.0f lookups in flight",
		requests, clients, counts, zone.Queries(), idle, peakG, peakInFlight)
	if n := gauge(scrapeText(t, s), "mailprofile_discovery_in_flight"); n != 0 {
		t.Errorf("lookups in flight after the storm = %.0f, want 0", n)
	}
	// Every lookup is admitted once per client token: at most the
	// clients' budgets (one more each if a token comes back meanwhile).
	if limit := clients * (perClient + 1); counts[http.StatusTooManyRequests] < requests-limit-counts[http.StatusServiceUnavailable] {
		t.Errorf("%v: fewer than %d refused, so more than %d domains were looked up", counts, requests-limit, limit)
	}
	if q, limit := zone.Queries(), int64(clients*(perClient+1)*discover.MaxQueriesPerLookup); q > limit {
		t.Errorf("%d DNS queries, want at most %d", q, limit)
	}
	if peakInFlight > discover.DefaultMaxLookups {
		t.Errorf("peak lookups in flight = %.0f, want at most %d", peakInFlight, discover.DefaultMaxLookups)
	}
	if limit := idle + 2*(requests+2) + discover.DefaultMaxLookups*100; peakG > limit {
		t.Errorf("peak goroutines = %.0f, want at most %.0f", peakG, limit)
	}
	client.CloseIdleConnections()
	terminate(t, s)
}
