// Package discover finds mail settings for any email address, the way
// Thunderbird does and a little more: the operator's catalog first, then
// the provider's own HTTPS autoconfig, the ISPDB service, the domain's
// mail exchanger, RFC 6186 SRV records and, last, guessing host names and
// probing them. Sources run concurrently; the highest-priority answer
// wins. Answers are cached per domain.
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
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/sync/singleflight"

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
	group   singleflight.Group
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
	d := &Discoverer{
		catalog: catalog,
		cfg:     cfg,
		res:     res,
		dial:    dial,
		guarded: newGuardedClient(dial, cfg.Testing.RootCAs, cfg.StepTimeout),
		trusted: newTrustedClient(cfg.Testing.RootCAs, cfg.StepTimeout),
		roots:   cfg.Testing.RootCAs,
		cache:   newCache(cfg.CacheSize),
	}
	if cfg.ISPDBURL != "" {
		d.ispdb, _ = url.Parse(cfg.ISPDBURL) // Validate parsed it
	}
	return d, nil
}

// Result is what a lookup found for one domain. Results are shared
// between callers and with the cache: do not modify one.
type Result struct {
	Domain string
	// Provider is nil when nothing was found.
	Provider *provider.Provider
	Origin   provider.Origin
	// Steps are every step tried, grouped by source in priority order
	// and, within a source, in the order they started. A cached result
	// keeps the steps of the lookup that made it, after this call's
	// catalog step.
	Steps []Step
	// Cached says the result came from the cache.
	Cached  bool
	Elapsed time.Duration
}

// MarshalJSON writes the result for `mailprofile lookup --json`.
func (r *Result) MarshalJSON() ([]byte, error) {
	out := struct {
		Domain    string           `json:"domain"`
		Found     bool             `json:"found"`
		Provider  string           `json:"provider,omitempty"`
		Source    string           `json:"source,omitempty"`
		Origin    *provider.Origin `json:"origin,omitempty"`
		Cached    bool             `json:"cached"`
		ElapsedMS float64          `json:"elapsed_ms"`
		Steps     []Step           `json:"steps"`
	}{Domain: r.Domain, Found: r.Found(), Cached: r.Cached, ElapsedMS: ms(r.Elapsed), Steps: r.Steps}
	if r.Provider != nil {
		out.Provider, out.Source, out.Origin = r.Provider.DisplayName, r.Provider.Source, &r.Origin
	}
	return json.Marshal(out)
}

// Found reports whether a provider was found.
func (r *Result) Found() bool { return r.Provider != nil }

// Settings maps the result onto an Apple mail payload for addr and proto,
// with Origin set. Without a provider it is a *provider.NotFoundError; the
// other errors are those of provider.Provider.Settings.
func (r *Result) Settings(addr profile.Address, proto profile.Protocol) (provider.Settings, error) {
	if r.Provider == nil {
		return provider.Settings{}, &provider.NotFoundError{Domain: r.Domain}
	}
	s, err := r.Provider.Settings(addr, proto)
	if err != nil {
		return provider.Settings{}, err
	}
	s.Origin = r.Origin
	return s, nil
}

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
// source. Concurrent calls for one domain share one lookup, which runs to
// its budget even if the caller that started it goes away. The error is
// only ever ctx's; "nothing found" is a Result without a Provider. The
// Result's Provider and Steps are shared: do not modify them.
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
	if res, ok := d.cache.get(domain); ok {
		return d.fromCache(res, catalogStep, begin), nil
	}
	ch := d.group.DoChan(domain, func() (any, error) {
		if res, ok := d.cache.get(domain); ok {
			return res, nil
		}
		res := d.run(context.WithoutCancel(ctx), domain)
		d.cache.put(domain, res, d.ttl(res))
		if d.cfg.OnLookup != nil {
			d.cfg.OnLookup(res)
		}
		return res, nil
	})
	select {
	case r := <-ch:
		res := *r.Val.(*Result)
		res.Steps = append(catalogStep, res.Steps...)
		res.Elapsed = time.Since(begin)
		return &res, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// ttl is how long res is kept. A miss in which something timed out may
// be a passing network fault, so it is kept for at most a minute.
func (d *Discoverer) ttl(res *Result) time.Duration {
	if res.Found() {
		return d.cfg.FoundTTL
	}
	ttl := d.cfg.NotFoundTTL
	for _, s := range res.Steps {
		if s.Outcome == OutcomeTimeout && ttl > time.Minute {
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

// answer is what a source found.
type answer struct {
	prov   *provider.Provider
	origin provider.Origin
}

// errSkipped ends a source that does not apply.
var errSkipped = errors.New("skipped")

// run asks every source for domain, within the budget.
func (d *Discoverer) run(ctx context.Context, domain string) *Result {
	begin := time.Now()
	ctx, cancel := context.WithTimeout(ctx, d.cfg.Budget)
	defer cancel()
	rec := newRecorder()
	attempts := []attempt[answer]{
		{run: func(ctx context.Context) (answer, error) {
			return d.fromAutoconfig(ctx, rec, "autoconfig", domain, autoconfigURL(domain))
		}},
		{run: func(ctx context.Context) (answer, error) {
			return d.fromAutoconfig(ctx, rec, "well-known", domain, wellKnownURL(domain))
		}},
		{run: func(ctx context.Context) (answer, error) { return d.fromISPDB(ctx, rec, "ispdb", domain) }},
		{run: func(ctx context.Context) (answer, error) { return d.fromMX(ctx, rec, domain) }},
		{run: func(ctx context.Context) (answer, error) { return d.fromSRV(ctx, rec, domain) }},
		{delay: d.cfg.Testing.ProbeDelay, run: func(ctx context.Context) (answer, error) {
			return d.fromProbe(ctx, rec, domain)
		}},
	}
	ans, _, err := first(ctx, attempts)
	res := &Result{Domain: domain, Steps: rec.list(), Elapsed: time.Since(begin)}
	if err == nil {
		res.Provider, res.Origin = ans.prov, ans.origin
	}
	return res
}

func (d *Discoverer) stepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d.cfg.StepTimeout)
}

// describe is a short account of a found provider for a step's detail.
func describe(p *provider.Provider) string {
	return fmt.Sprintf("%s: %d incoming, %d outgoing servers", p.DisplayName, len(p.Incoming), len(p.Outgoing))
}
