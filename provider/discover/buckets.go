package discover

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxBuckets is the most keys a set of buckets tracks. A bucket that has
// filled up again is the same as a new one and is dropped first, so only
// a flood of distinct keys, each active within the last minute, ever
// reaches the bound; then arbitrary buckets go, and those keys start
// afresh.
const maxBuckets = 4096

// buckets is a token bucket per key: perMinute tokens a minute, as many
// at once. Clients' new domains and connections to one destination are
// metered with it.
type buckets[K comparable] struct {
	mu    sync.Mutex
	m     map[K]*rate.Limiter
	limit rate.Limit
	burst int
	now   func() time.Time
}

func newBuckets[K comparable](perMinute int, now func() time.Time) *buckets[K] {
	return &buckets[K]{
		m:     map[K]*rate.Limiter{},
		limit: rate.Limit(float64(perMinute) / 60),
		burst: perMinute,
		now:   now,
	}
}

// take spends one token of key's bucket. When there is none it spends
// nothing and returns how long until there will be one.
func (b *buckets[K]) take(key K) (wait time.Duration, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	l, found := b.m[key]
	if !found {
		b.makeRoom(now)
		l = rate.NewLimiter(b.limit, b.burst)
		b.m[key] = l
	}
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return time.Minute, false // a burst of zero; New refuses it
	}
	if wait = r.DelayFrom(now); wait > 0 {
		r.CancelAt(now)
		return wait, false
	}
	return 0, true
}

// makeRoom drops full buckets, then arbitrary ones, once the map is at
// its bound.
func (b *buckets[K]) makeRoom(now time.Time) {
	if len(b.m) < maxBuckets {
		return
	}
	for k, l := range b.m {
		if l.TokensAt(now) >= float64(b.burst) {
			delete(b.m, k)
		}
	}
	for k := range b.m { // map order is random
		if len(b.m) < maxBuckets*7/8 {
			break
		}
		delete(b.m, k)
	}
}

// len is how many keys are tracked, for tests.
func (b *buckets[K]) len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}
