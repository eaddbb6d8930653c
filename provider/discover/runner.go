package discover

import (
	"context"
	"errors"
	"time"
)

// attempt is one entrant in a priority race.
type attempt[T any] struct {
	// delay holds the start back this long, or until every earlier
	// attempt has failed, whichever comes first. Probing uses it so that
	// it does not connect anywhere when a cheaper source answers at once.
	delay time.Duration
	run   func(ctx context.Context) (T, error)
}

// errNoneFound is first's error when no attempt succeeds.
var errNoneFound = errors.New("no attempt succeeded")

// first runs the attempts concurrently and returns the value of the
// earliest one in the list that succeeds, once every attempt before it
// has failed: a lower-priority success never beats a higher one still
// running. As soon as the winner is known the others are cancelled;
// first returns only after every attempt has returned, so none outlives
// it. The index is -1 when none succeeds.
func first[T any](ctx context.Context, attempts []attempt[T]) (T, int, error) {
	var zero T
	n := len(attempts)
	if n == 0 {
		return zero, -1, errNoneFound
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type result struct {
		i   int
		v   T
		err error
	}
	results := make(chan result, n)
	// earlierFailed[i] is closed once attempts 0..i-1 have all failed.
	earlierFailed := make([]chan struct{}, n)
	for i := range earlierFailed {
		earlierFailed[i] = make(chan struct{})
	}
	close(earlierFailed[0])
	for i, a := range attempts {
		go func() {
			if a.delay > 0 {
				t := time.NewTimer(a.delay)
				defer t.Stop()
				select {
				case <-t.C:
				case <-earlierFailed[i]:
				case <-ctx.Done():
					results <- result{i: i, err: ctx.Err()}
					return
				}
			}
			v, err := a.run(ctx)
			results <- result{i: i, v: v, err: err}
		}()
	}

	done := make([]bool, n)
	vals := make([]T, n)
	errs := make([]error, n)
	next := 0 // the lowest index that has not failed
	winner := -1
	for range n {
		r := <-results
		done[r.i], vals[r.i], errs[r.i] = true, r.v, r.err
		if winner >= 0 {
			continue // draining the cancelled ones
		}
		for next < n && done[next] && errs[next] != nil {
			next++
			if next < n {
				close(earlierFailed[next])
			}
		}
		if next < n && done[next] {
			winner = next
			cancel()
		}
	}
	if winner >= 0 {
		return vals[winner], winner, nil
	}
	return zero, -1, errNoneFound
}
