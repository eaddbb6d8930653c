package discover

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// DefaultISPDBURL is Thunderbird's public ISPDB service; a domain is
// appended to it.
const DefaultISPDBURL = "https://autoconfig.thunderbird.net/v1.1/"

// Defaults for the zero values of Config.
const (
	DefaultStepTimeout = 5 * time.Second
	DefaultBudget      = 10 * time.Second
	DefaultFoundTTL    = 6 * time.Hour
	DefaultNotFoundTTL = 15 * time.Minute
	DefaultCacheSize   = 10000

	// DefaultMaxLookups suits a small server: each lookup holds a few
	// dozen goroutines and at most MaxConnsPerLookup connections.
	DefaultMaxLookups = 8
	// DefaultClientLookups is the new domains a client may look up per
	// minute: a person sets up one or two addresses.
	DefaultClientLookups = 6
	// DefaultDestinationConns is the connections per minute to one
	// destination: two lookups' worth, and little use to an attacker
	// who aims a wildcard zone at someone else's address.
	DefaultDestinationConns = 30
	// DefaultFinishGrace is how long a lookup nobody waits for any more
	// goes on, to fill the cache.
	DefaultFinishGrace = 3 * time.Second
)

// Config holds the operator's choices for discovery. The zero value
// turns the ISPDB off and uses the system's resolver; DefaultConfig has
// the defaults a command line should offer.
type Config struct {
	// ISPDBURL is the ISPDB service; the lookup fetches ISPDBURL+domain.
	// Empty turns the ISPDB off. The operator chose it, so it is not
	// subject to the address guard: a mirror on a private network works.
	ISPDBURL string
	// DNSServer is the resolver to ask, "host" or "host:port"; empty
	// means the first usable nameserver of /etc/resolv.conf. Trusted like
	// ISPDBURL.
	DNSServer string
	// StepTimeout bounds each step: one DNS query, one HTTPS fetch with
	// its redirects, one server probe. Zero means DefaultStepTimeout.
	StepTimeout time.Duration
	// Budget bounds a whole lookup. Zero means DefaultBudget.
	Budget time.Duration
	// FoundTTL and NotFoundTTL are how long a domain's answer is kept.
	// Zero means the default; negative means the answer is not kept.
	FoundTTL    time.Duration
	NotFoundTTL time.Duration
	// CacheSize is the most domains kept. Zero means DefaultCacheSize.
	CacheSize int
	// OnLookup, if set, is called with the result of every lookup that
	// went to the network (not for catalog or cache answers), for logs
	// and metrics. It must not modify the result.
	OnLookup func(*Result)
	// OnRefused, if set, is called with the reason (ReasonBusy or
	// ReasonClient) of every lookup refused with a *BusyError.
	OnRefused func(reason string)

	// MaxLookups bounds the lookups of new domains in flight; beyond it
	// a lookup is refused at once with a *BusyError. Catalog and cached
	// answers, and callers joining a lookup in flight, never count.
	// Zero means DefaultMaxLookups.
	MaxLookups int
	// ClientLookups is how many new domains one client (see WithClient)
	// may look up per minute, in bursts as large; beyond it a lookup is
	// refused with a *BusyError. Zero means DefaultClientLookups,
	// negative no per-client budget.
	ClientLookups int
	// DestinationConns is how many connections per minute, in bursts as
	// large, all lookups together may open to one destination: an IPv4
	// address, or an IPv6 /64. Beyond it a connection is refused. Zero
	// means DefaultDestinationConns, negative no limit.
	DestinationConns int
	// FinishGrace is how long a lookup goes on once nobody waits for
	// it, to fill the cache; then it is cancelled. Zero means
	// DefaultFinishGrace, negative none.
	FinishGrace time.Duration
	// Clock tells the time for the cache and the budgets; nil is
	// time.Now.
	Clock func() time.Time

	// Testing is for tests on loopback only; never set it from a flag
	// or the environment.
	Testing Testing
}

// Testing holds knobs that let tests run every source against servers on
// loopback. For tests only; never a flag.
type Testing struct {
	// AllowLoopback lets the guard connect to 127.0.0.1 and ::1 (only
	// those two; other loopback forms stay refused).
	AllowLoopback bool
	// RootCAs replaces the system roots for HTTPS and for probes.
	RootCAs *x509.CertPool
	// Ports maps a well-known port (443, 993, 143, 995, 110, 465, 587)
	// to the port the guarded dialer really connects to.
	Ports map[int]int
	// ProbeStagger is the gap between starting two probes of one kind;
	// zero means 100ms.
	ProbeStagger time.Duration
	// ProbeDelay is how long probing waits for the other sources before
	// starting anyway; zero means one StepTimeout.
	ProbeDelay time.Duration
}

// DefaultConfig returns the configuration a command line should start
// from: the public ISPDB, the system resolver and the default timeouts.
func DefaultConfig() Config {
	return Config{
		ISPDBURL:    DefaultISPDBURL,
		StepTimeout: DefaultStepTimeout,
		Budget:      DefaultBudget,
		FoundTTL:    DefaultFoundTTL,
		NotFoundTTL: DefaultNotFoundTTL,
		CacheSize:   DefaultCacheSize,

		MaxLookups:       DefaultMaxLookups,
		ClientLookups:    DefaultClientLookups,
		DestinationConns: DefaultDestinationConns,
		FinishGrace:      DefaultFinishGrace,
	}
}

// Validate reports the first unusable setting, naming it.
func (c Config) Validate() error {
	if c.ISPDBURL != "" {
		u, err := url.Parse(c.ISPDBURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("ispdb url %q: want an absolute http or https URL, or empty to turn the ISPDB off", c.ISPDBURL)
		}
		if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return fmt.Errorf("ispdb url %q: want no query, fragment or user: the domain is added to the path", c.ISPDBURL)
		}
	}
	if c.DNSServer != "" {
		if _, err := dnsServerAddr(c.DNSServer); err != nil {
			return fmt.Errorf("dns server %q: %w", c.DNSServer, err)
		}
	}
	switch {
	case c.StepTimeout < 0:
		return errors.New("discovery step timeout must not be negative")
	case c.Budget < 0:
		return errors.New("discovery budget must not be negative")
	case c.CacheSize < 0:
		return errors.New("discovery cache size must not be negative")
	case c.MaxLookups < 0:
		return errors.New("discovery concurrency must not be negative")
	}
	return nil
}

// withDefaults fills in the zero values.
func (c Config) withDefaults() Config {
	orDefault(&c.StepTimeout, DefaultStepTimeout)
	orDefault(&c.Budget, DefaultBudget)
	orDefault(&c.FoundTTL, DefaultFoundTTL)
	orDefault(&c.NotFoundTTL, DefaultNotFoundTTL)
	orDefault(&c.CacheSize, DefaultCacheSize)
	orDefault(&c.MaxLookups, DefaultMaxLookups)
	orDefault(&c.ClientLookups, DefaultClientLookups)
	orDefault(&c.DestinationConns, DefaultDestinationConns)
	orDefault(&c.FinishGrace, DefaultFinishGrace)
	c.FinishGrace = max(c.FinishGrace, 0) // negative: none
	if c.Clock == nil {
		c.Clock = time.Now
	}
	orDefault(&c.Testing.ProbeStagger, 100*time.Millisecond)
	orDefault(&c.Testing.ProbeDelay, c.StepTimeout)
	return c
}

// orDefault sets *v to def when it is the zero value.
func orDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// dnsServerAddr turns "host" or "host:port" into "host:port".
func dnsServerAddr(s string) (string, error) {
	if host, port, err := net.SplitHostPort(s); err == nil {
		if host == "" || port == "" {
			return "", errors.New("want host or host:port")
		}
		return s, nil
	}
	if s == "" {
		return "", errors.New("want host or host:port")
	}
	return net.JoinHostPort(strings.Trim(s, "[]"), "53"), nil
}
