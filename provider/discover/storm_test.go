package discover

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// stormConfig is a discovery of the wildcard zone whose every connection
// reaches the victim. The budgets' clock stands still, so no bucket
// refills during a test.
func stormConfig(z *wildcardDNS, v *victim, ca *testCA, m *mirror) Config {
	return Config{
		DNSServer:   z.addr,
		ISPDBURL:    m.url,
		StepTimeout: 500 * time.Millisecond,
		Budget:      2 * time.Second,
		Clock:       timetest.NewClock().Now,
		Testing: Testing{
			AllowLoopback: true,
			RootCAs:       ca.pool,
			Ports:         v.ports,
			ProbeStagger:  10 * time.Millisecond,
			ProbeDelay:    50 * time.Millisecond,
		},
	}
}

// TestLookupBounds: one new domain of a wildcard zone, whose names all
// point at one address with every port answering, costs at most the
// documented queries and connections. Before the budget it cost 55
// queries and 24 connections.
func TestLookupBounds(t *testing.T) {
	ca := newTestCA(t)
	z, v, m := newWildcardDNS(t), newVictim(t, ca), newMirror(t)
	cfg := stormConfig(z, v, ca, m)
	cfg.DestinationConns = -1 // this lookup's own bound only
	d := newDiscoverer(t, cfg)
	res, err := d.Discover(context.Background(), "one.storm.test")
	if err != nil {
		t.Fatalf("Discover(one.storm.test) error = %v", err)
	}
	logSteps(t, res)
	queries, conns := z.Queries(), v.total()
	t.Logf("one lookup: %d DNS queries, %d connections, %d ISPDB requests", queries, conns, len(m.requests()))
	if queries > MaxQueriesPerLookup {
		t.Errorf("one lookup sent %d DNS queries, want at most %d", queries, MaxQueriesPerLookup)
	}
	if conns > MaxConnsPerLookup {
		t.Errorf("one lookup opened %d connections, want at most %d", conns, MaxConnsPerLookup)
	}
	if n := len(m.requests()); n > 3 {
		t.Errorf("one lookup made %d ISPDB requests, want at most 3 (the domain and two from its MX): %q", n, m.requests())
	}
}

// TestNoSuchDomain: a domain that does not exist costs the DNS questions
// asked alongside its MX query, and no connection: after the NXDOMAIN
// nothing below it is connected to, asked further or reported (RFC 8020).
func TestNoSuchDomain(t *testing.T) {
	ca := newTestCA(t)
	z, v, m := newWildcardDNS(t), newVictim(t, ca), newMirror(t)
	d := newDiscoverer(t, stormConfig(z, v, ca, m))
	res, err := d.Discover(context.Background(), "made-up.test")
	if err != nil || res.Found() {
		t.Fatalf("Discover(made-up.test) = %v, %v; want nothing found", res, err)
	}
	logSteps(t, res)
	// The MX, A and AAAA of autoconfig.made-up.test and of made-up.test,
	// and the six SRV names: none of probing's.
	const alongside = 1 + 2 + 2 + 6
	if q, c := z.Queries(), v.total(); q > alongside || c != 0 {
		t.Errorf("Discover(made-up.test): %d DNS queries and %d connections, want at most %d and 0", q, c, alongside)
	}
	for _, source := range []string{"autoconfig", "well-known", "srv", "probe"} {
		if !hasStep(res, source, OutcomeSkipped) || hasStep(res, source, OutcomeFound) {
			t.Errorf("%s steps: want one skipped and none found", source)
		}
	}
}

// hasStep reports whether res has a step of source that ended so.
func hasStep(res *Result, source string, outcome Outcome) bool {
	for _, s := range res.Steps {
		if s.Source == source && s.Outcome == outcome {
			return true
		}
	}
	return false
}

func newDiscoverer(t testing.TB, cfg Config) *Discoverer {
	t.Helper()
	cat, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(cat, cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	return d
}

// TestStorm is the storm: a few hundred new domains of a wildcard
// zone at once, from four clients, retried when refused until each has
// been looked up. Lookups in flight stay within MaxLookups, DNS queries
// within MaxQueriesPerLookup for each lookup run, the victim gets no more
// connections than one destination's budget, goroutines stay bounded and
// drain afterwards, and catalog and cached answers are served during the
// storm, never refused.
func TestStorm(t *testing.T) {
	const (
		domains    = 300
		maxLookups = 8
		destConns  = 30
		// perLookup bounds the goroutines of one lookup in flight:
		// sources, SRV names, probe candidates, DNS exchanges, the HTTP
		// transport's, and the victim's own side of each connection.
		perLookup = 100
	)
	ca := newTestCA(t)
	z, v, m := newWildcardDNS(t), newVictim(t, ca), newMirror(t)
	cfg := stormConfig(z, v, ca, m)
	cfg.MaxLookups, cfg.DestinationConns, cfg.ClientLookups = maxLookups, destConns, -1
	var ran atomic.Int64
	cfg.OnLookup = func(*Result) { ran.Add(1) }
	d := newDiscoverer(t, cfg)
	ctx := context.Background()
	if res, _ := d.Discover(ctx, "gone.test"); res == nil || res.Cached { // cached from now on
		t.Fatalf("Discover(gone.test) = %+v, want a fresh miss", res)
	}
	ran.Store(0)
	queriesBefore := z.Queries()

	base := runtime.NumGoroutine()
	var peakG, peakInFlight atomic.Int64
	saturated := make(chan struct{})
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		var once sync.Once
		for {
			peakG.Store(max(peakG.Load(), int64(runtime.NumGoroutine())))
			n := int64(d.InFlight())
			peakInFlight.Store(max(peakInFlight.Load(), n))
			if n >= maxLookups {
				once.Do(func() { close(saturated) })
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})

	var refused atomic.Int64
	var workers sync.WaitGroup
	for i := range domains {
		workers.Go(func() {
			cctx := WithClient(ctx, fmt.Sprintf("192.0.2.%d", i%4))
			for {
				_, err := d.Discover(cctx, fmt.Sprintf("d%d.storm.test", i))
				var busy *BusyError
				if !errors.As(err, &busy) {
					if err != nil {
						t.Errorf("Discover(d%d.storm.test) error = %v", i, err)
					}
					return
				}
				refused.Add(1)
				time.Sleep(20 * time.Millisecond) // a client's back-off, shorter than Retry-After
			}
		})
	}

	// During the storm the catalog and the cache still answer.
	select {
	case <-saturated:
	case <-time.After(time.Minute):
		t.Fatal("the storm never filled the lookups in flight")
	}
	s, err := d.Find(ctx, profile.Address{Local: "someone", Domain: "btinternet.com"}, profile.IMAP)
	if err != nil || s.Incoming.Host != "mail.btinternet.com" {
		t.Errorf("Find(someone@btinternet.com) during the storm = %+v, %v; want the catalog's settings", s.Incoming, err)
	}
	if res, err := d.Discover(ctx, "gone.test"); err != nil || !res.Cached {
		t.Errorf("Discover(gone.test) during the storm = %+v, %v; want the cached answer", res, err)
	}

	workers.Wait()
	close(stop)
	sampler.Wait()
	queries := z.Queries() - queriesBefore
	t.Logf("%d domains: %d lookups run, %d refusals retried, peak %d in flight; %d DNS queries (%.1f a lookup), %d connections to the victim, %d ISPDB requests; goroutines %d before, peak %d",
		domains, ran.Load(), refused.Load(), peakInFlight.Load(), queries, float64(queries)/float64(ran.Load()), v.total(), len(m.requests()), base, peakG.Load())

	if n := ran.Load(); n != domains {
		t.Errorf("%d lookups ran for %d domains, want one each", n, domains)
	}
	if refused.Load() == 0 {
		t.Errorf("no lookup was refused: the storm did not test the bound")
	}
	if n := peakInFlight.Load(); n > maxLookups {
		t.Errorf("peak lookups in flight = %d, want at most %d", n, maxLookups)
	}
	if want := ran.Load() * MaxQueriesPerLookup; queries > want {
		t.Errorf("%d DNS queries for %d lookups, want at most %d", queries, ran.Load(), want)
	}
	if n := v.total(); n > destConns {
		t.Errorf("the victim got %d connections, want at most its budget of %d", n, destConns)
	}
	for _, derived := range []string{"/ispdb/mail.hoster.test", "/ispdb/hoster.test"} {
		if n := m.count(derived); n != 1 {
			t.Errorf("the ISPDB was asked for %s %d times, want once: lookups through one mail exchanger share it", derived, n)
		}
	}
	if limit := int64(base + domains + maxLookups*perLookup); peakG.Load() > limit {
		t.Errorf("peak goroutines = %d, want at most %d (%d before, %d workers, %d lookups in flight)", peakG.Load(), limit, base, domains, maxLookups)
	}
	waitGoroutines(t, base+5)
}

// waitGoroutines waits until at most want goroutines are left: nothing
// started by lookups outlives them.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	for range 200 {
		if runtime.NumGoroutine() <= want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	buf := make([]byte, 1<<20)
	t.Errorf("%d goroutines are left, want at most %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
}
