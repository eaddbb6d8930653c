package discover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// TestAbandonedLookupStops: once its only caller has gone, a lookup is
// cancelled at the end of the grace period, however long its own
// budget, and it is not cached. Before, it ran detached to its budget.
func TestAbandonedLookupStops(t *testing.T) {
	h := dnstest.ServeHeld(t, dnstest.XTest...)
	cfg := heldConfig(h)
	cfg.Budget, cfg.FinishGrace = time.Hour, 50*time.Millisecond
	var results []*Result
	var mu sync.Mutex
	cfg.OnLookup = func(r *Result) { mu.Lock(); results = append(results, r); mu.Unlock() }
	d := newDiscoverer(t, cfg)

	h.Hold()
	defer h.Let()
	ctx, cancel := context.WithCancel(context.Background())
	wait := startLookups(d, ctx, "x.test")
	waitFor(t, "the lookup's first query", func() bool { return h.Queries() > 0 })
	cancel()
	if err := wait()[0]; !errors.Is(err, context.Canceled) {
		t.Errorf("Discover with its context cancelled: error = %v, want context.Canceled", err)
	}
	waitFor(t, "the abandoned lookup to stop", func() bool { return d.InFlight() == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(results) != 1 || !results[0].Abandoned {
		t.Errorf("OnLookup saw %d results, want one, abandoned", len(results))
	}
	if _, ok := d.cache.get("x.test"); ok {
		t.Errorf("an abandoned lookup was cached")
	}
}

// TestFinishFillsCache: a lookup whose caller has gone finishes within
// the grace period and fills the cache, and a caller that comes back in
// the meantime joins it instead of starting another.
func TestFinishFillsCache(t *testing.T) {
	h := dnstest.ServeHeld(t, dnstest.XTest...)
	cfg := heldConfig(h)
	cfg.FinishGrace = time.Hour
	d := newDiscoverer(t, cfg)

	h.Hold()
	ctx, cancel := context.WithCancel(context.Background())
	wait := startLookups(d, ctx, "x.test")
	waitFor(t, "the lookup's first query", func() bool { return h.Queries() > 0 })
	cancel()
	wait()
	again := startLookups(d, context.Background(), "x.test")
	h.Let()
	if err := again()[0]; err != nil {
		t.Errorf("Discover(x.test) during the grace period: error = %v", err)
	}
	waitFor(t, "the lookup to end", func() bool { return d.InFlight() == 0 })
	if n := h.Asked("x.test.", "MX"); n != 1 {
		t.Errorf("x.test's MX was asked %d times, want once: the second caller joins", n)
	}
	if res, err := d.Discover(context.Background(), "x.test"); err != nil || !res.Cached || !res.Found() {
		t.Errorf("Discover(x.test) afterwards = %+v, %v; want found in the cache", res, err)
	}
}

// TestMXShared: many domains hosted by one provider share the lookup of
// the provider's domains, and its cache entry.
func TestMXShared(t *testing.T) {
	const domains = 20
	e := newEnv(t)
	for i := range domains {
		e.dns.add(t, fmt.Sprintf("c%d.test. MX 10 mx1.hosting.test.", i))
	}
	e.dns.host(t, "autoconfig.hosting.test")
	e.web.handle("autoconfig.hosting.test/mail/config-v1.1.xml", slow404)
	url, ispdb := ispdbServer(t, e, map[string]string{"hosting.test": clientConfig("hosting.test", "imap.hosting.test")})
	cfg := e.config()
	cfg.ISPDBURL, cfg.MaxLookups = url, domains
	d := e.discoverer(t, cfg)
	var domainsList []string
	for i := range domains {
		domainsList = append(domainsList, fmt.Sprintf("c%d.test", i))
	}
	for _, err := range startLookups(d, context.Background(), domainsList...)() {
		if err != nil {
			t.Errorf("Discover error = %v", err)
		}
	}
	res, _ := d.Discover(context.Background(), "c0.test")
	if res.Origin.Method != provider.MethodMX {
		t.Errorf("Discover(c0.test).Origin = %+v, want found through the MX", res.Origin)
	}
	if n := ispdb.count("/v1.1/hosting.test"); n != 1 {
		t.Errorf("%d lookups through one mail exchanger asked the ISPDB for hosting.test %d times, want once", domains, n)
	}
	if n := e.web.count("autoconfig.hosting.test/mail/config-v1.1.xml"); n != 1 {
		t.Errorf("%d lookups through one mail exchanger fetched autoconfig.hosting.test %d times, want once", domains, n)
	}
}

// slow404 answers 404, a little late, so that concurrent lookups
// overlap.
var slow404 = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	time.Sleep(100 * time.Millisecond)
	http.NotFound(w, r)
})

// TestFlightReleasesBeforeAnswering: a lookup's slot is free by the time
// its callers have the answer, so that a caller's next lookup, or a
// test counting lookups in flight, never finds it still taken. Before, it
// was given back after the answer, and TestBusyRefusedAtOnce failed now
// and then under load.
func TestFlightReleasesBeforeAnswering(t *testing.T) {
	g := &flights{m: map[string]*flight{}, grace: time.Minute}
	for i := range 200 {
		var released sync.WaitGroup
		released.Add(1)
		var done bool
		start := func() (func(), error) { return func() { done = true; released.Done() }, nil }
		run := func(context.Context) *Result { return &Result{Domain: "x.test"} }
		res, _, err := g.do(context.Background(), "x.test", func() (*Result, bool) { return nil, false }, start, run)
		if err != nil || res == nil {
			t.Fatalf("do() = %v, %v", res, err)
		}
		if !done {
			t.Fatalf("run %d: the answer came before the slot was given back", i)
		}
		released.Wait()
	}
}
