package discover

import (
	"context"
	"time"
)

// viaMX asks the catalog, autoconfig.<target> and the ISPDB for target, a
// domain derived from a mail exchanger. Many domains share one mail
// host, so this answer is shared by concurrent lookups and cached like a
// domain's, under a key no domain can have. The steps go into the trace
// of the lookup that ran it; others get one step saying it was shared.
func (d *Discoverer) viaMX(ctx context.Context, rec *recorder, target string) (answer, error) {
	key := "mx " + target
	called := time.Now()
	res, ok := d.cache.get(key)
	shared, how := true, "cached"
	if !ok {
		var err error
		res, shared, err = d.flights.do(ctx, key, func() (*Result, bool) { return d.cache.get(key) }, nil,
			func(ctx context.Context) *Result {
				res := d.runViaMX(ctx, target)
				if !res.Abandoned {
					d.cache.put(key, res, d.ttl(res))
				}
				return res
			})
		if err != nil {
			return answer{}, err
		}
		how = "shared with another lookup"
	}
	if shared {
		outcome, detail := OutcomeNotFound, "nothing found ("+how+")"
		if res.Found() {
			outcome, detail = OutcomeFound, describe(res.Provider)+" ("+how+")"
		}
		rec.add(Step{Source: "mx", Target: target, Outcome: outcome, Detail: detail, Start: called.Sub(rec.begin)})
	} else {
		rec.merge(res.Steps, called.Sub(rec.begin))
	}
	if !res.Found() {
		return answer{}, errNoneFound
	}
	return answer{res.Provider, res.Origin}, nil
}

// runViaMX is the lookup viaMX shares.
func (d *Discoverer) runViaMX(ctx context.Context, target string) *Result {
	rec := newRecorder()
	ans, _, err := first(ctx, []attempt[answer]{
		{run: func(ctx context.Context) (answer, error) { return d.fromCatalog(ctx, rec, "mx catalog", target) }},
		{run: func(ctx context.Context) (answer, error) {
			return d.fromAutoconfig(ctx, rec, "mx autoconfig", target, autoconfigURL(target), nil)
		}},
		{run: func(ctx context.Context) (answer, error) { return d.fromISPDB(ctx, rec, "mx ispdb", target) }},
	})
	res := &Result{Domain: target, Steps: rec.list(), Abandoned: ctx.Err() != nil}
	if err == nil {
		res.Provider, res.Origin = ans.prov, ans.origin
	}
	return res
}
