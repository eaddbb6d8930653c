package main

import (
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// gauge reads one unlabelled metric from a scrape.
func gauge(metrics, name string) float64 {
	for l := range strings.SplitSeq(metrics, "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return -1
}

var wholeSeconds = regexp.MustCompile(`^[1-9][0-9]*$`)

// TestServeDiscoveryStorm is the review's storm against the real binary:
// 120 API requests at once for new domains of a wildcard zone, from four
// client addresses (X-Forwarded-For from a trusted proxy), on the
// default bounds. Before, it made 6,120 DNS queries and 4,576
// goroutines. The zone's address is loopback, which the guard refuses,
// so no connection is made (provider/discover's TestStorm counts those
// with a test-only switch the binary does not have); what is held here
// is DNS queries, goroutines, lookups in flight and each client's share,
// and a catalog download is served during the storm.
func TestServeDiscoveryStorm(t *testing.T) {
	const (
		requests  = requestsInStorm
		clients   = 4
		perClient = discover.DefaultClientLookups
	)
	st := startStorm(t)
	s, zone, idle, peaks, client, get := st.s, st.zone, st.idle, st.peaks, st.client, st.get
	counts := st.fire(t, requests, clients,
		func(i int) string { return fmt.Sprintf("/api/v1/settings?email=someone%%40d%d.storm.test", i) },
		func() {
			if status, _, err := get("/profile?email=someone%40btinternet.com", "198.51.100.7"); err != nil || status != http.StatusOK {
				t.Errorf("catalog download during the storm = %d, %v; want 200", status, err)
			}
		},
		http.StatusNotFound, http.StatusTooManyRequests, http.StatusServiceUnavailable)
	peakG, peakInFlight := peaks()

	looked := counts[http.StatusNotFound]
	t.Logf("%d requests from %d addresses: %d looked up, %d refused 429, %d refused 503; %d DNS queries; goroutines %.0f idle, peak %.0f; peak %.0f lookups in flight",
		requests, clients, looked, counts[http.StatusTooManyRequests], counts[http.StatusServiceUnavailable], zone.Queries(), idle, peakG, peakInFlight)
	if looked > clients*perClient {
		t.Errorf("%d domains looked up, want at most %d (%d clients, %d each)", looked, clients*perClient, clients, perClient)
	}
	if q := zone.Queries(); q > int64(looked*discover.MaxQueriesPerLookup) {
		t.Errorf("%d DNS queries for %d lookups, want at most %d", q, looked, looked*discover.MaxQueriesPerLookup)
	}
	if peakInFlight > discover.DefaultMaxLookups {
		t.Errorf("peak lookups in flight = %.0f, want at most %d", peakInFlight, discover.DefaultMaxLookups)
	}
	// The server's own goroutines: two per client connection, and those
	// of the lookups in flight (provider/discover's TestStorm bounds
	// those at 100 each).
	if limit := idle + 2*(requests+2) + discover.DefaultMaxLookups*100; peakG > limit {
		t.Errorf("peak goroutines = %.0f, want at most %.0f", peakG, limit)
	}

	// One client alone cannot fill the lookups in flight: of 12 new
	// domains at once it gets its budget's worth (one more if a token
	// comes back during the test), and 429 for the rest.
	var (
		one sync.WaitGroup
		mu  sync.Mutex
	)
	oneCounts := map[int]int{}
	for i := range 12 {
		one.Go(func() {
			status, _, err := get(fmt.Sprintf("/api/v1/settings?email=someone%%40e%d.storm.test", i), "203.0.114.9")
			mu.Lock()
			defer mu.Unlock()
			oneCounts[status]++
			if err != nil {
				t.Errorf("one client's request %d: %v", i, err)
			}
		})
	}
	one.Wait()
	t.Logf("one client, 12 new domains at once: %v", oneCounts)
	if n := oneCounts[http.StatusNotFound]; n < 1 || n > perClient+1 || oneCounts[http.StatusTooManyRequests] < 12-perClient-1 {
		t.Errorf("one client's 12 new domains at once = %v, want at most %d looked up, the rest 429", oneCounts, perClient+1)
	}
	counts[http.StatusTooManyRequests] += oneCounts[http.StatusTooManyRequests]
	counts[http.StatusServiceUnavailable] += oneCounts[http.StatusServiceUnavailable]

	client.CloseIdleConnections()
	m := scrapeText(t, s)
	for _, want := range []string{
		fmt.Sprintf(`mailprofile_discovery_refused_total{reason="client"} %d`, counts[http.StatusTooManyRequests]),
		fmt.Sprintf(`mailprofile_discovery_refused_total{reason="busy"} %d`, counts[http.StatusServiceUnavailable]),
		"mailprofile_discovery_in_flight 0",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	terminate(t, s)
}

// samplePeaks samples the server's goroutines and discovery lookups in
// flight until the function it returns is called, which gives the peaks.
func samplePeaks(t *testing.T, s *server) func() (goroutines, inFlight float64) {
	var peakG, peakInFlight float64
	stop, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			m := scrapeText(t, s)
			peakG, peakInFlight = max(peakG, gauge(m, "go_goroutines")), max(peakInFlight, gauge(m, "mailprofile_discovery_in_flight"))
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() (float64, float64) {
		close(stop)
		<-sampled
		return peakG, peakInFlight
	}
}

// stormClient is a client for conns requests at once, and a GET of
// target as if forwarded for the address from by the trusted proxy: its
// status and Retry-After.
func stormClient(s *server, conns int) (*http.Client, func(target, from string) (int, string, error)) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns}, Timeout: time.Minute}
	return client, func(target, from string) (int, string, error) {
		req, _ := http.NewRequest(http.MethodGet, s.base+target, nil)
		req.Header.Set("X-Forwarded-For", from)
		resp, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("Retry-After"), nil
	}
}

// storm is the real binary with discovery on, against a DNS zone on
// loopback where every name of storm.test exists with an MX that has no
// mail settings, trusting 127.0.0.1's X-Forwarded-For, and what the
// storm tests read of it.
type storm struct {
	s      *server
	zone   *dnstest.Wildcard
	idle   float64                               // goroutines before the storm
	peaks  func() (goroutines, inFlight float64) // see samplePeaks
	client *http.Client                          // see stormClient
	get    func(target, from string) (int, string, error)
}

func startStorm(t *testing.T) *storm {
	t.Helper()
	zone := &dnstest.Wildcard{Zones: []string{"storm.test.", "hoster.test."}, MX: "mx1.mail.hoster.test.", Addr: netip.MustParseAddr("127.0.0.1")}
	s := startServer(t, filepath.Join(t.TempDir(), "data"), "--rate-limit", "0", "--discovery=true",
		"--dns-server", dnstest.ServeHandler(t, zone), "--ispdb-url=", "--trusted-proxies", "127.0.0.1")
	st := &storm{s: s, zone: zone, idle: gauge(scrapeText(t, s), "go_goroutines")}
	st.peaks = samplePeaks(t, s)
	st.client, st.get = stormClient(s, requestsInStorm)
	return st
}

// requestsInStorm is how many requests a storm sends at once.
const requestsInStorm = 120

// fire sends requests at once, request i for path(i) from one of clients
// addresses, runs during while they are under way, and returns how many
// got each status. Each status must be one of allowed, and a 429 or 503
// must say when to come back in whole seconds.
func (st *storm) fire(t *testing.T, requests, clients int, path func(int) string, during func(), allowed ...int) map[int]int {
	t.Helper()
	var (
		mu     sync.Mutex
		counts = map[int]int{}
		wg     sync.WaitGroup
		start  = make(chan struct{})
	)
	for i := range requests {
		wg.Go(func() {
			<-start
			status, retry, err := st.get(path(i), fmt.Sprintf("192.0.2.%d", i%clients+1))
			mu.Lock()
			defer mu.Unlock()
			counts[status]++
			switch {
			case err != nil:
				t.Errorf("request %d: %v", i, err)
			case (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && !wholeSeconds.MatchString(retry):
				t.Errorf("request %d: %d with Retry-After %q, want whole seconds", i, status, retry)
			case !slices.Contains(allowed, status):
				t.Errorf("request %d: status %d, want one of %v", i, status, allowed)
			}
		})
	}
	close(start)
	during()
	wg.Wait()
	return counts
}
