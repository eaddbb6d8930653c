package discover

import (
	"sync"
	"time"
)

// cache keeps each domain's result, found or not, until its TTL runs
// out. It holds at most max domains, so a stream of made-up domains
// cannot grow it without bound.
type cache struct {
	mu  sync.Mutex
	m   map[string]cacheEntry
	max int
	now func() time.Time
}

type cacheEntry struct {
	res     *Result
	expires time.Time
}

func newCache(max int, now func() time.Time) *cache {
	return &cache{m: map[string]cacheEntry{}, max: max, now: now}
}

func (c *cache) get(domain string) (*Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[domain]
	if !ok {
		return nil, false
	}
	if !c.now().Before(e.expires) {
		delete(c.m, domain)
		return nil, false
	}
	return e.res, true
}

// put keeps res for ttl; a ttl of zero or less keeps nothing.
func (c *cache) put(domain string, res *Result, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if _, ok := c.m[domain]; !ok && len(c.m) >= c.max {
		for d, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, d)
			}
		}
		// Still full: drop arbitrary entries (map order is random).
		for d := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, d)
		}
	}
	c.m[domain] = cacheEntry{res: res, expires: now.Add(ttl)}
}

// Forget drops a domain's cached result, so the next lookup asks again.
func (d *Discoverer) Forget(domain string) {
	d.cache.mu.Lock()
	delete(d.cache.m, domain)
	d.cache.mu.Unlock()
}
