package discover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
)

const cachePath = "autoconfig.cache.test/mail/config-v1.1.xml"

// cacheEnv is a discovery whose cache tells the time by clk.
func cacheEnv(t testing.TB, delay time.Duration, clk *timetest.Clock) (*testEnv, *Discoverer) {
	t.Helper()
	e := newEnv(t)
	e.dns.host(t, "autoconfig.cache.test")
	e.web.handle(cachePath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		xmlHandler(clientConfig("cache.test", "mail.cache.test")).ServeHTTP(w, r)
	}))
	cfg := e.config()
	cfg.Clock = clk.Now
	return e, e.discoverer(t, cfg)
}

func TestCache(t *testing.T) {
	clk := timetest.NewClock()
	e, d := cacheEnv(t, 0, clk)
	addr := mustAddr(t, "a@cache.test")
	for i := range 3 {
		if _, err := d.Find(context.Background(), addr, profile.IMAP); err != nil {
			t.Fatalf("Find #%d error = %v", i, err)
		}
	}
	if n := e.web.count(cachePath); n != 1 {
		t.Errorf("3 lookups fetched the autoconfig %d times, want 1", n)
	}
	res, _ := d.Discover(context.Background(), "CACHE.test.")
	if !res.Cached || !res.Found() {
		t.Errorf("Discover(CACHE.test.) cached = %v, found = %v; want both", res.Cached, res.Found())
	}
	// Past the TTL the domain is asked again.
	clk.Advance(DefaultFoundTTL + time.Minute)
	if _, err := d.Find(context.Background(), addr, profile.POP); err != nil {
		t.Fatal(err)
	}
	if n := e.web.count(cachePath); n != 2 {
		t.Errorf("lookup after the TTL: %d fetches in all, want 2", n)
	}
	d.Forget("cache.test")
	d.Find(context.Background(), addr, profile.IMAP)
	if n := e.web.count(cachePath); n != 3 {
		t.Errorf("lookup after Forget: %d fetches in all, want 3", n)
	}
}

func TestCacheNotFound(t *testing.T) {
	e := newEnv(t)
	d := e.discoverer(t, e.config())
	d.Discover(context.Background(), "absent.test")
	before := e.dns.queries.Load()
	res, _ := d.Discover(context.Background(), "absent.test")
	if !res.Cached || res.Found() {
		t.Errorf("second Discover(absent.test) cached = %v, found = %v; want cached, not found", res.Cached, res.Found())
	}
	if n := e.dns.queries.Load() - before; n != 0 {
		t.Errorf("cached not-found answer made %d DNS queries, want 0", n)
	}

	cfg := e.config()
	cfg.NotFoundTTL = -1
	d = e.discoverer(t, cfg)
	d.Discover(context.Background(), "absent.test")
	if res, _ := d.Discover(context.Background(), "absent.test"); res.Cached {
		t.Errorf("with NotFoundTTL < 0, Discover(absent.test).Cached = true, want false")
	}
}

// TestSingleflight: concurrent lookups of one domain make one fetch, and
// a caller that gives up does not cancel it for the others.
func TestSingleflight(t *testing.T) {
	e, d := cacheEnv(t, 200*time.Millisecond, timetest.NewClock())
	addr := mustAddr(t, "a@cache.test")

	impatient, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := d.Find(impatient, addr, profile.IMAP); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Find with a 20ms context: error = %v, want DeadlineExceeded", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			s, err := d.Find(context.Background(), addr, profile.IMAP)
			if err == nil && s.Incoming.Host != "mail.cache.test" {
				err = fmt.Errorf("incoming host %s", s.Incoming.Host)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Find error = %v", err)
		}
	}
	if n := e.web.count(cachePath); n != 1 {
		t.Errorf("21 concurrent lookups fetched the autoconfig %d times, want 1", n)
	}
}

func TestCacheBounded(t *testing.T) {
	c := newCache(3, timetest.NewClock().Now)
	for i := range 10 {
		c.put(fmt.Sprintf("d%d.test", i), &Result{}, time.Hour)
		if len(c.m) > 3 {
			t.Fatalf("cache holds %d domains, want at most 3", len(c.m))
		}
	}
	if _, ok := c.get("d9.test"); !ok {
		t.Errorf("get(d9.test) missed the domain just put")
	}
}

func BenchmarkFindCached(b *testing.B) {
	_, d := cacheEnv(b, 0, timetest.NewClock())
	addr := profile.Address{Local: "a", Domain: "cache.test"}
	if _, err := d.Find(context.Background(), addr, profile.IMAP); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := d.Find(context.Background(), addr, profile.IMAP); err != nil {
			b.Fatal(err)
		}
	}
}
