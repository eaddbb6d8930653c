package discover

import (
	"context"
	"sync"
	"time"
)

// flights collapses concurrent lookups of one key into one run, like
// singleflight, and also stops a run that nobody waits for any more: once
// its last caller has gone, it may go on for the grace period, so that
// an answer about to arrive still fills the cache (and a caller that
// reloads joins it again), and is then cancelled.
type flights struct {
	mu    sync.Mutex
	m     map[string]*flight
	grace time.Duration
}

type flight struct {
	done    chan struct{}
	res     *Result
	waiters int
	cancel  context.CancelFunc
	stop    *time.Timer // the grace period's end while nobody waits
}

// do returns the result of the run for key, joining the one in flight or
// starting one. Before starting, it asks cached again (a run may have
// ended since the caller looked) and then start, which may refuse; the
// release start returns is called when the run ends. run gets a context
// with ctx's values that is cancelled only by the grace period's end;
// it must fill the cache before it returns. shared reports whether
// another caller started the run. The error is start's or ctx's.
func (g *flights) do(ctx context.Context, key string,
	cached func() (*Result, bool),
	start func() (release func(), err error),
	run func(ctx context.Context) *Result,
) (res *Result, shared bool, err error) {
	g.mu.Lock()
	f, ok := g.m[key]
	if ok {
		f.waiters++
		if f.stop != nil {
			f.stop.Stop()
			f.stop = nil
		}
		g.mu.Unlock()
		return g.wait(ctx, f, true)
	}
	if res, ok := cached(); ok {
		g.mu.Unlock()
		return res, true, nil
	}
	release := func() {}
	if start != nil {
		if release, err = start(); err != nil {
			g.mu.Unlock()
			return nil, false, err
		}
	}
	fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	f = &flight{done: make(chan struct{}), waiters: 1, cancel: cancel}
	g.m[key] = f
	g.mu.Unlock()
	go func() {
		defer cancel()
		res := run(fctx)
		// The slot goes back before any caller sees the result, so that a
		// caller's next lookup finds it free.
		release()
		g.mu.Lock()
		delete(g.m, key)
		if f.stop != nil {
			f.stop.Stop()
		}
		f.res = res
		g.mu.Unlock()
		close(f.done)
	}()
	return g.wait(ctx, f, false)
}

func (g *flights) wait(ctx context.Context, f *flight, shared bool) (*Result, bool, error) {
	select {
	case <-f.done:
		return f.res, shared, nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	f.waiters--
	if f.waiters == 0 && f.res == nil {
		f.stop = time.AfterFunc(g.grace, f.cancel)
	}
	return nil, shared, ctx.Err()
}
