package helpdesk

import (
	"net/netip"
	"sync"
	"time"

	"github.com/mailprofile/mailprofile/store"
)

// signInLimits is the sign-in throttle kept in the database, so that it
// holds across instances (README, Helpdesk). Following OWASP's
// Authentication Cheat Sheet and NIST SP 800-63B §3.2.2 (rate limiting),
// it counts per account, not per address alone, yet an attacker cannot use
// it to lock the account's owner out:
//   - 5 attempts per account and source (an address, or an IPv6 /64) in
//     15 minutes: a guesser on one address gets 5 guesses a quarter hour,
//     and the owner on another address is not affected;
//   - 100 attempts per account from all sources in 24 hours: the brake on
//     a guesser with many addresses, at NIST's cap of 100 consecutive
//     failures. It is a window rather than a count kept until the next
//     success, since names without an account never succeed and must be
//     answered alike. When it holds, sources that signed in to the
//     account in the last 30 days may still try (NIST's list of addresses
//     the subscriber authenticated from), so the owner at their usual
//     place signs in.
//
// Every attempt is counted before its password is checked, and names that
// no account has are counted alike, so the answers are the same for both.
var signInLimits = store.SignInLimits{
	PerSource:     5,
	SourceWindow:  15 * time.Minute,
	PerAccount:    100,
	AccountWindow: 24 * time.Hour,
	Trusted:       SignInTrust,
}

// SignInTrust is how long a successful sign-in keeps its source trusted
// by the account brake; housekeeping (store.DeleteStaleSignIns) keeps
// those records that long.
const SignInTrust = 30 * 24 * time.Hour

// Per source over all accounts, in this instance's memory, before any
// database work: 10 attempts at once, then one a minute. A successful
// sign-in gives its attempt back, so a helpdesk behind one address signs
// in all morning.
const (
	sourceBurst      = 10
	sourceRefill     = time.Minute
	maxSourceBuckets = 10000 // past this, idle sources are forgotten
)

// signInSource is the key of a client address in the sign-in throttles:
// the address, or for IPv6 its /64, which one subscriber usually holds
// whole.
func signInSource(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "invalid"
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// sourceLimiter holds a bucket of sign-in attempts per source. An attempt
// takes a token before anything else is done, so concurrent attempts
// cannot overdraw it.
type sourceLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time // when tokens was last brought up to date
}

func newSourceLimiter(now func() time.Time) *sourceLimiter {
	return &sourceLimiter{buckets: map[string]*bucket{}, now: now}
}

// fill brings b up to date at now.
func (b *bucket) fill(now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(sourceBurst, b.tokens+float64(d)/float64(sourceRefill))
		b.at = now
	}
}

// take spends one of src's attempts. When none is left it reports false
// and how long until one is.
func (l *sourceLimiter) take(src string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[src]
	if !ok {
		l.forget(now)
		b = &bucket{tokens: sourceBurst, at: now}
		l.buckets[src] = b
	}
	b.fill(now)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(sourceRefill))
	}
	b.tokens--
	return true, 0
}

// give returns an attempt to src: it signed in, or nothing was tried.
func (l *sourceLimiter) give(src string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[src]; ok {
		b.fill(l.now())
		b.tokens = min(sourceBurst, b.tokens+1)
	}
}

// forget keeps the map bounded: when it is full, sources whose bucket has
// filled up again go (they are as good as new), and if that is not
// enough, any half of the rest, so a flood from many addresses cannot
// grow it without end.
func (l *sourceLimiter) forget(now time.Time) {
	if len(l.buckets) < maxSourceBuckets {
		return
	}
	for k, b := range l.buckets {
		if b.fill(now); b.tokens >= sourceBurst {
			delete(l.buckets, k)
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < maxSourceBuckets/2 {
			break
		}
		delete(l.buckets, k)
	}
}

// DefaultSignInLimits is the sign-in throttle of the README, which
// Config.SignInLimits replaces when it is set.
func DefaultSignInLimits() store.SignInLimits { return signInLimits }
