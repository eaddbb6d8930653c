package helpdesk

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// signInQueuePerSlot is how many sign-ins may wait for each hashing slot.
// A hash takes some tens of milliseconds, so a full queue is gone within
// a second; past it, sign-ins are refused at once (503) instead of piling
// up memory and goroutines.
const signInQueuePerSlot = 8

// hashGate bounds the password hashes that run at once: a password hash
// takes tens of MiB and a core for tens of milliseconds, so an unbounded
// number of sign-ins is a memory and CPU bomb (issue 11). It has slots of
// slotBytes each; a hash takes as many slots as its memory needs (an old
// hash with larger parameters can take all of them), and sign-ins beyond
// the slots wait in a queue of signInQueuePerSlot per slot, in order.
type hashGate struct {
	sem       *semaphore.Weighted
	slots     int64
	slotBytes int64
	admitted  atomic.Int64 // sign-ins between admit and leave
	waiting   atomic.Int64 // of them, waiting for a slot
	running   atomic.Int64 // of them, hashing
	maxAdmit  int64

	// held is the memory the running hashes hold, told to onHold at each
	// change, in order (cmd raises the soft memory limit by it).
	mu     sync.Mutex
	held   int64
	onHold func(bytes int64)
}

// newHashGate makes a gate of slots (at least one) hashes of slotBytes
// each. onHold, if not nil, is told the bytes the running hashes hold
// whenever that changes.
func newHashGate(slots int, slotBytes int64, onHold func(bytes int64)) *hashGate {
	n := int64(max(slots, 1))
	return &hashGate{
		sem:       semaphore.NewWeighted(n),
		slots:     n,
		slotBytes: max(slotBytes, 1),
		maxAdmit:  n * (1 + signInQueuePerSlot),
		onHold:    onHold,
	}
}

// hold adds n slots' bytes to what the running hashes hold.
func (g *hashGate) hold(n int64) {
	if g.onHold == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.held += n * g.slotBytes
	g.onHold(g.held)
}

// admit lets a sign-in into the queue, or reports false at once when the
// queue is full. Every admit that reports true needs a leave.
func (g *hashGate) admit() bool {
	if g.admitted.Add(1) > g.maxAdmit {
		g.admitted.Add(-1)
		return false
	}
	return true
}

// leave ends what admit began.
func (g *hashGate) leave() { g.admitted.Add(-1) }

// run waits for the slots that a hash of memory bytes needs, then runs fn
// in them. It returns ctx's error if ctx ends first (the client left).
func (g *hashGate) run(ctx context.Context, memory int64, fn func()) error {
	n := min(max((memory+g.slotBytes-1)/g.slotBytes, 1), g.slots)
	g.waiting.Add(1)
	err := g.sem.Acquire(ctx, n)
	g.waiting.Add(-1)
	if err != nil {
		return err
	}
	defer g.sem.Release(n)
	g.hold(n)
	defer g.hold(-n) // after the collection below
	g.running.Add(1)
	defer g.running.Add(-1)
	fn()
	// The hash's memory is garbage now. Collecting it while the slot is
	// still held lets the next hash reuse those pages: left to the
	// collector, they went on past the soft memory limit, so the runtime
	// handed them back to the OS and the next hash faulted them in again,
	// which on the development VM made a 25 ms hash take 75 to 90 ms and
	// the peak RSS 12 MiB higher (docs/performance.md). With a live heap
	// of a few MiB a collection costs about a millisecond.
	runtime.GC()
	return nil
}
