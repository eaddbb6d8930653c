// Package discover finds mail settings for any email address, the way
// Thunderbird does and a little more: the operator's catalog first, then
// the provider's own HTTPS autoconfig, the ISPDB service, the domain's
// mail exchanger, RFC 6186 SRV records and, last, guessing host names and
// probing them. Sources run concurrently; the highest-priority answer
// wins. Answers are cached per domain.
//
// Discovery is bounded (see budget.go, admission.go and flight.go): a
// lookup has a budget of DNS queries and connections, every destination
// one of connections per minute shared by all lookups, the lookups in
// flight are capped, each client may start only so many a minute, and a
// lookup stops once nobody waits for it, after a short grace period.
//
// Everything a visitor's address makes us connect to goes through one
// guarded dialer that resolves names itself and refuses anything but
// public unicast addresses (see guard.go). What the operator configures,
// the ISPDB URL and the DNS server, is trusted.
//
// References: the clientConfig format at
// https://wiki.mozilla.org/Thunderbird:Autoconfiguration:ConfigFileFormat,
// the IETF draft https://datatracker.ietf.org/doc/draft-ietf-mailmaint-autoconfig/,
// RFC 6186 and RFC 8314 for SRV records.
package discover

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// Discoverer finds settings for any address. It is safe for concurrent
// use; its Find method satisfies web.Finder.
type Discoverer struct {
	catalog *provider.Catalog
	cfg     Config
	res     *resolver
	dial    *dialer
	guarded *http.Client // for URLs derived from the visitor's address
	trusted *http.Client // for the operator's ISPDB URL
	roots   *x509.CertPool
	ispdb   *url.URL // nil: off
	cache   *cache
	flights flights
	admit   *admission
}

// New returns a Discoverer that consults catalog before anything else. A
// nil catalog is an empty one.
func New(catalog *provider.Catalog, cfg Config) (*Discoverer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if catalog == nil {
		catalog, _ = provider.NewCatalog()
	}
	cfg = cfg.withDefaults()
	res := newResolver(cfg.DNSServer, cfg.StepTimeout)
	dial := &dialer{res: res, allowLoopback: cfg.Testing.AllowLoopback, ports: cfg.Testing.Ports, timeout: cfg.StepTimeout}
	if cfg.DestinationConns > 0 {
		dial.destinations = newBuckets[netip.Prefix](cfg.DestinationConns, cfg.Clock)
	}
	admit := &admission{max: cfg.MaxLookups, retry: cfg.Budget / 2}
	if cfg.ClientLookups > 0 {
		admit.clients = newBuckets[string](cfg.ClientLookups, cfg.Clock)
	}
	d := &Discoverer{
		catalog: catalog,
		cfg:     cfg,
		res:     res,
		dial:    dial,
		guarded: newGuardedClient(dial, cfg.Testing.RootCAs, cfg.StepTimeout),
		trusted: newTrustedClient(cfg.Testing.RootCAs, cfg.StepTimeout),
		roots:   cfg.Testing.RootCAs,
		cache:   newCache(cfg.CacheSize, cfg.Clock),
		flights: flights{m: map[string]*flight{}, grace: cfg.FinishGrace},
		admit:   admit,
	}
	if cfg.ISPDBURL != "" {
		d.ispdb, _ = url.Parse(cfg.ISPDBURL) // Validate parsed it
	}
	return d, nil
}

// InFlight is the number of lookups of new domains running now, for a
// metric.
func (d *Discoverer) InFlight() int { return d.admit.count() }

// Find returns the settings for addr and proto: from the catalog when it
// knows the domain, else from discovery. Errors are fit to show the user;
// a domain nothing was found for is a *provider.NotFoundError.
func (d *Discoverer) Find(ctx context.Context, addr profile.Address, proto profile.Protocol) (provider.Settings, error) {
	res, err := d.Discover(ctx, addr.Domain)
	if err != nil {
		return provider.Settings{}, err
	}
	return res.Settings(addr, proto)
}

// Discover looks the domain up: the catalog, else the cache, else every
// source. Concurrent calls for one domain share one lookup. A lookup
// runs while someone waits for it, and then for at most
// Config.FinishGrace, to fill the cache. A new domain may be refused at
// once with a *BusyError (see Config.MaxLookups and ClientLookups); the
// only other error is ctx's. "Nothing found" is a Result without a
// Provider. The Result's Provider and Steps are shared: do not modify
// them.
func (d *Discoverer) Discover(ctx context.Context, domain string) (*Result, error) {
	domain = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(domain), "."))
	begin := time.Now()
	rec := newRecorder()
	end := rec.step(ctx, "catalog", domain)
	p, err := d.catalog.Lookup(domain)
	if err == nil {
		end(nil, p.Source)
		return &Result{
			Domain:   domain,
			Provider: p,
			Origin:   provider.Origin{Method: provider.MethodCatalog, Confidence: provider.ConfidenceHigh, Via: p.Source},
			Steps:    rec.list(),
			Elapsed:  time.Since(begin),
		}, nil
	}
	end(err, "")
	if why := notDiscoverable(domain); why != "" {
		rec.skip("discovery", truncate(domain, 64), why)
		return &Result{Domain: domain, Steps: rec.list(), Elapsed: time.Since(begin)}, nil
	}
	catalogStep := rec.list()
	hit := false
	cached := func() (*Result, bool) {
		res, ok := d.cache.get(domain)
		hit = ok
		return res, ok
	}
	if res, ok := cached(); ok {
		return d.fromCache(res, catalogStep, begin), nil
	}
	r, _, err := d.flights.do(ctx, domain, cached,
		func() (func(), error) { return d.admit.enter(ctx) },
		func(ctx context.Context) *Result {
			res := d.run(ctx, domain)
			if !res.Abandoned {
				d.cache.put(domain, res, d.ttl(res))
			}
			if d.cfg.OnLookup != nil {
				d.cfg.OnLookup(res)
			}
			return res
		})
	if err != nil {
		var busy *BusyError
		if errors.As(err, &busy) && d.cfg.OnRefused != nil {
			d.cfg.OnRefused(busy.Reason)
		}
		return nil, err
	}
	if hit { // filled since the first look
		return d.fromCache(r, catalogStep, begin), nil
	}
	res := *r
	res.Steps = append(catalogStep, r.Steps...)
	res.Elapsed = time.Since(begin)
	return &res, nil
}

// ttl is how long res is kept. A miss in which something timed out may
// be a passing network fault, and one a budget cut short may be a busy
// minute, so either is kept for at most a minute.
func (d *Discoverer) ttl(res *Result) time.Duration {
	if res.Found() {
		return d.cfg.FoundTTL
	}
	ttl := d.cfg.NotFoundTTL
	for _, s := range res.Steps {
		if (s.Outcome == OutcomeTimeout || s.Outcome == OutcomeLimited) && ttl > time.Minute {
			ttl = time.Minute
		}
	}
	return ttl
}

func (d *Discoverer) fromCache(cached *Result, catalogStep []Step, begin time.Time) *Result {
	res := *cached
	res.Steps = append(catalogStep, cached.Steps...)
	res.Cached = true
	res.Elapsed = time.Since(begin)
	return &res
}

// notDiscoverable says why a domain is not looked up on the network, or
// "" when it may be.
func notDiscoverable(domain string) string {
	switch {
	case !strings.Contains(domain, "."):
		return "not a fully qualified domain name"
	case domain == "localhost" || strings.HasSuffix(domain, ".localhost"):
		return "a loopback name"
	case strings.Trim(domain[strings.LastIndexByte(domain, '.')+1:], "0123456789") == "":
		return "an IP address, not a domain"
	case !validHost(domain):
		return "not a host name"
	}
	return ""
}

// describe is a short account of a found provider for a step's detail.
func describe(p *provider.Provider) string {
	d := fmt.Sprintf("%s: %d incoming, %d outgoing servers", p.DisplayName, len(p.Incoming), len(p.Outgoing))
	if len(p.Exchange) > 0 {
		d += fmt.Sprintf(", %d Exchange", len(p.Exchange))
	}
	if p.Google {
		d += ", Google accounts"
	}
	return d
}
