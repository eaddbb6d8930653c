package discover

import (
	"context"
	"errors"
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

// run asks every source for domain, within the time budget and the
// lookup's budget of queries and connections. The MX query goes first:
// a domain that does not exist has nothing below it either (RFC 8020),
// so the sources that would ask the domain's own DNS names and servers
// wait for it, and are skipped after an NXDOMAIN. The ISPDB, the
// operator's, does not wait.
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
	// gated runs a source once the MX answer is in, unless the domain
	// does not exist.
	gated := func(source, target string, run func(ctx context.Context) (answer, error)) func(ctx context.Context) (answer, error) {
		return func(ctx context.Context) (answer, error) {
			if err := mx.wait(ctx); err != nil {
				return answer{}, err
			}
			if errors.Is(mx.err, errNXDomain) {
				rec.skip(source, target, "the domain does not exist, so nothing below it does (RFC 8020)")
				return answer{}, errSkipped
			}
			return run(ctx)
		}
	}
	acURL, wkURL := autoconfigURL(domain), wellKnownURL(domain)
	attempts := []attempt[answer]{
		{run: gated("autoconfig", acURL, func(ctx context.Context) (answer, error) {
			return d.fromAutoconfig(ctx, rec, "autoconfig", domain, acURL)
		})},
		{run: gated("well-known", wkURL, func(ctx context.Context) (answer, error) {
			return d.fromAutoconfig(ctx, rec, "well-known", domain, wkURL)
		})},
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
		{run: gated("srv", domain, func(ctx context.Context) (answer, error) { return d.fromSRV(ctx, rec, domain) })},
		{delay: d.cfg.Testing.ProbeDelay, run: gated("probe", domain, func(ctx context.Context) (answer, error) {
			return d.fromProbe(ctx, rec, domain)
		})},
	}
	ans, _, err := first(ctx, attempts)
	<-mx.done // its step belongs in the trace
	res := &Result{Domain: domain, Steps: rec.list(), Elapsed: time.Since(begin)}
	// The parent of ctx is cancelled only when nobody waits any more.
	res.Abandoned = errors.Is(context.Cause(ctx), context.Canceled)
	if err == nil {
		res.Provider, res.Origin = ans.prov, ans.origin
	}
	return res
}

// mxGate is the domain's MX answer, which the other sources wait for.
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

func (d *Discoverer) stepContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d.cfg.StepTimeout)
}
