package discover

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/mailprofile/mailprofile/provider"
)

// answer is what a source found.
type answer struct {
	prov   *provider.Provider
	origin provider.Origin
}

// errSkipped ends a source that does not apply.
var errSkipped = errors.New("skipped")

// errNoDomain ends a source below a domain the MX query found not to
// exist: nothing below it exists either (RFC 8020).
var errNoDomain = errors.New("the domain does not exist, so nothing below it does (RFC 8020)")

// run asks every source for domain, within the time budget and the
// lookup's budget of queries and connections. Sources whose order does
// not decide the answer run at once: the MX query, the DNS questions of
// autoconfig and well-known (the addresses of autoconfig.<domain> and of
// the domain) and the SRV queries all go out together, and the ISPDB,
// the operator's, is asked alongside. A domain that does not exist has
// nothing below it either (RFC 8020), so what depends on the MX answer
// waits for it and not for more: autoconfig and well-known connect only
// once it is in, SRV records are reported only then, and after an
// NXDOMAIN they are skipped, with no connection made. Probing, which
// connects to guessed names, starts only after the MX answer, and later
// still (see attempt.delay), but the addresses of the names it guesses
// are asked as soon as the MX answer is in, so that it connects at once
// when it starts. The priority of the answer is first's: a fast lower
// source never beats a slower higher one.
func (d *Discoverer) run(ctx context.Context, domain string) *Result {
	begin := time.Now()
	ctx, cancel := context.WithTimeout(withBudget(ctx, newLookupBudget()), d.cfg.Budget)
	defer cancel()
	rec := newRecorder()
	mx := &mxGate{done: make(chan struct{})}
	go func() {
		defer close(mx.done)
		mx.host, mx.err = d.askMX(ctx, rec, domain)
	}()
	// gated starts a source once the MX answer is in, unless the domain
	// does not exist.
	gated := func(source, target string, run func(ctx context.Context) (answer, error)) func(ctx context.Context) (answer, error) {
		return func(ctx context.Context) (answer, error) {
			if err := mx.exists(ctx); err != nil {
				if errors.Is(err, errNoDomain) {
					rec.skip(source, target, err.Error())
				}
				return answer{}, err
			}
			return run(ctx)
		}
	}
	acURL, wkURL := autoconfigURL(domain), wellKnownURL(domain)
	attempts := []attempt[answer]{
		{run: func(ctx context.Context) (answer, error) {
			return d.fromAutoconfig(ctx, rec, "autoconfig", domain, acURL, d.resolvedOnceExists(mx, "autoconfig."+domain))
		}},
		{run: func(ctx context.Context) (answer, error) {
			return d.fromAutoconfig(ctx, rec, "well-known", domain, wkURL, d.resolvedOnceExists(mx, domain))
		}},
		{run: func(ctx context.Context) (answer, error) { return d.fromISPDB(ctx, rec, "ispdb", domain) }},
		{run: func(ctx context.Context) (answer, error) {
			if err := mx.wait(ctx); err != nil {
				return answer{}, err
			}
			if mx.err != nil {
				return answer{}, mx.err
			}
			return d.fromMX(ctx, rec, domain, mx.host)
		}},
		{run: func(ctx context.Context) (answer, error) {
			ans, err := d.fromSRV(ctx, rec, domain)
			// Reported only for a domain that exists; the answer is in
			// with the SRV answers, so waiting costs nothing.
			if gerr := mx.exists(ctx); gerr != nil {
				if errors.Is(gerr, errNoDomain) {
					rec.skip("srv", domain, gerr.Error())
				}
				return answer{}, gerr
			}
			return ans, err
		}},
		{delay: d.cfg.Testing.ProbeDelay, run: gated("probe", domain, func(ctx context.Context) (answer, error) {
			return d.fromProbe(ctx, rec, domain)
		})},
	}
	pctx, stopPrefetch := context.WithCancel(ctx)
	var prefetch sync.WaitGroup
	prefetch.Go(func() {
		if mx.exists(pctx) == nil {
			d.resolveCandidates(pctx, domain)
		}
	})
	ans, _, err := first(ctx, attempts)
	stopPrefetch()
	prefetch.Wait()
	<-mx.done // its step belongs in the trace
	res := &Result{Domain: domain, Steps: rec.list(), Elapsed: time.Since(begin)}
	// The parent of ctx is cancelled only when nobody waits any more.
	res.Abandoned = errors.Is(context.Cause(ctx), context.Canceled)
	if err == nil {
		res.Provider, res.Origin = ans.prov, ans.origin
	}
	return res
}

// resolvedOnceExists returns what a fetch from host waits for before it
// connects: host's addresses, asked while the MX query is out (the
// lookup keeps them, so the dial that follows asks nothing), and then the
// MX answer, which must not say that the domain does not exist.
func (d *Discoverer) resolvedOnceExists(mx *mxGate, host string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		// An error here comes back from the lookup's answers when the
		// fetch dials, with its step.
		_, _ = d.dial.resolve(ctx, host)
		return mx.exists(ctx)
	}
}

// resolveCandidates asks for the addresses of every name probing may
// connect to, all at once; the lookup keeps them for the probes (see
// lookupBudget.addrs). Failures come back to the probes themselves.
func (d *Discoverer) resolveCandidates(ctx context.Context, domain string) {
	imap, pop, smtp := candidates(domain)
	hosts := map[string]bool{}
	var wg sync.WaitGroup
	for _, c := range slices.Concat(imap, pop, smtp) {
		if hosts[c.host] {
			continue
		}
		hosts[c.host] = true
		wg.Go(func() { _, _ = d.dial.resolve(ctx, c.host) })
	}
	wg.Wait()
}

// mxGate is the domain's MX answer, which other sources wait for.
type mxGate struct {
	done chan struct{}
	host string
	err  error
}

// wait returns once the answer is in, or with ctx's error.
func (g *mxGate) wait(ctx context.Context) error {
	select {
	case <-g.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// exists waits for the answer and returns errNoDomain if it was
// NXDOMAIN. Any other failure of the MX query says nothing about the
// names below the domain.
func (g *mxGate) exists(ctx context.Context) error {
	if err := g.wait(ctx); err != nil {
		return err
	}
	if errors.Is(g.err, errNXDomain) {
		return errNoDomain
	}
	return nil
}

func (d *Discoverer) stepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d.cfg.StepTimeout)
}
