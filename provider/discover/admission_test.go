package discover

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// heldConfig is a discovery that asks only h (no ISPDB, no probing).
func heldConfig(h *dnstest.Held) Config {
	return Config{
		DNSServer:   h.Addr,
		StepTimeout: time.Minute,
		Budget:      time.Minute,
		Clock:       timetest.NewClock().Now,
		Testing:     Testing{ProbeDelay: time.Hour},
	}
}

// startLookups starts a lookup of each domain for ctx and returns a
// function that waits for them all.
func startLookups(d *Discoverer, ctx context.Context, domains ...string) func() []error {
	var wg sync.WaitGroup
	errs := make([]error, len(domains))
	for i, dom := range domains {
		wg.Go(func() { _, errs[i] = d.Discover(ctx, dom) })
	}
	return func() []error { wg.Wait(); return errs }
}

func wantBusy(t *testing.T, err error, reason string, retry int) {
	t.Helper()
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Reason != reason || busy.RetrySeconds() != retry {
		t.Errorf("error = %v, want a *BusyError, %s, retry after %ds", err, reason, retry)
	}
}

// TestBusyRefusedAtOnce: beyond MaxLookups a new domain is refused at
// once; the catalog, cached answers and a domain already in flight are
// not.
func TestBusyRefusedAtOnce(t *testing.T) {
	h := dnstest.ServeHeld(t, dnstest.XTest...)
	cfg := heldConfig(h)
	cfg.MaxLookups, cfg.Budget = 2, 9*time.Second
	var refusals []string
	cfg.OnRefused = func(reason string) { refusals = append(refusals, reason) }
	d := newDiscoverer(t, cfg)
	ctx := context.Background()
	if res, err := d.Discover(ctx, "x.test"); err != nil || !res.Found() {
		t.Fatalf("Discover(x.test) = %v, %v; want found", res, err)
	}

	h.Hold()
	wait := startLookups(d, ctx, "a.test", "b.test")
	waitFor(t, "two lookups in flight", func() bool { return d.InFlight() == 2 })
	_, err := d.Discover(ctx, "c.test")
	wantBusy(t, err, ReasonBusy, 5) // half the budget, rounded up
	joined := startLookups(d, ctx, "a.test")
	if res, err := d.Discover(ctx, "btinternet.com"); err != nil || !res.Found() {
		t.Errorf("Discover(btinternet.com) while busy = %v, %v; want the catalog's answer", res, err)
	}
	if res, err := d.Discover(ctx, "x.test"); err != nil || !res.Cached {
		t.Errorf("Discover(x.test) while busy = %v, %v; want the cached answer", res, err)
	}
	h.Let()
	for _, errs := range [][]error{wait(), joined()} {
		for _, err := range errs {
			if err != nil {
				t.Errorf("lookup in flight: error = %v", err)
			}
		}
	}
	if n := h.Asked("a.test.", "MX"); n != 1 {
		t.Errorf("two lookups of a.test asked its MX %d times, want once", n)
	}
	if len(refusals) != 1 || refusals[0] != ReasonBusy {
		t.Errorf("OnRefused saw %q, want [busy]", refusals)
	}
}

// TestClientBudget: one client cannot start more than ClientLookups new
// domains a minute, so it cannot fill the global bound; others still
// get theirs, and joining a lookup in flight costs nothing.
func TestClientBudget(t *testing.T) {
	h := dnstest.ServeHeld(t)
	clk := timetest.NewClock()
	cfg := heldConfig(h)
	cfg.MaxLookups, cfg.ClientLookups, cfg.Clock = 8, 3, clk.Now
	d := newDiscoverer(t, cfg)
	a := WithClient(context.Background(), "192.0.2.1")
	b := WithClient(context.Background(), "192.0.2.2")

	h.Hold()
	waits := []func() []error{startLookups(d, a, "a1.test", "a2.test", "a3.test")}
	waitFor(t, "a's three lookups", func() bool { return d.InFlight() == 3 })
	_, err := d.Discover(a, "a4.test")
	wantBusy(t, err, ReasonClient, 20) // a token every 60s/3
	waits = append(waits, startLookups(d, b, "b1.test"))
	waitFor(t, "b's lookup", func() bool { return d.InFlight() == 4 })
	waits = append(waits, startLookups(d, a, "b1.test")) // joins: free
	waits = append(waits, startLookups(d, context.Background(), "staff.test"))
	waitFor(t, "the unmetered lookup", func() bool { return d.InFlight() == 5 })
	clk.Advance(20 * time.Second)
	waits = append(waits, startLookups(d, a, "a4.test"))
	waitFor(t, "a's lookup after 20s", func() bool { return d.InFlight() == 6 })
	h.Let()
	for _, w := range waits {
		for _, err := range w() {
			if err != nil {
				t.Errorf("admitted lookup: error = %v", err)
			}
		}
	}
}

func TestBucketsBounded(t *testing.T) {
	clk := timetest.NewClock()
	b := newBuckets[int](2, clk.Now)
	for i := range maxBuckets + 100 {
		if _, ok := b.take(i); !ok {
			t.Fatalf("take(%d) refused a new key", i)
		}
		if n := b.len(); n > maxBuckets {
			t.Fatalf("%d keys tracked, want at most %d", n, maxBuckets)
		}
	}
	b.take(-1)
	b.take(-1)
	if wait, ok := b.take(-1); ok || wait != 30*time.Second {
		t.Errorf("third take(-1) = %v, %v; want refused, 30s", wait, ok)
	}
	clk.Advance(30 * time.Second)
	if _, ok := b.take(-1); !ok {
		t.Errorf("take(-1) 30s later refused, want a token")
	}
}
