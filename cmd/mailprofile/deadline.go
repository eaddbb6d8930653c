package main

import (
	"sync"
	"sync/atomic"
	"time"
)

// net/http sets a connection's deadlines eight times a request: the
// whole request's read deadline, the write deadline, none while the
// handler runs, the idle deadline, the header deadline, and twice to
// stop its background read. Each is a runtime timer moved under a lock,
// about 0.1 µs, and a cached download costs 28 µs in all (issue 16).
// Only the background read's two need to act at once; the others are
// seconds ahead and almost never reached.
//
// So a coalescingConn keeps a deadline seconds ahead as a number, and a
// reaper, one per listener, looks at its connections every reaperTick and
// sets the deadline of a connection whose time has passed on the socket,
// in the past, which ends a read or write that is waiting, as the socket's
// own timer would have. A time-out so comes between its deadline and
// reaperTick after it: never early, at most a quarter of a second late on
// time-outs of 5 s to 2 min. A deadline that is already past or less
// than lazyAhead away (the background read's aLongTimeAgo) goes to the
// socket at once, as does clearing one the socket holds.

const (
	reaperTick = 250 * time.Millisecond
	lazyAhead  = time.Second // a deadline kept as a number is at least this far ahead
)

// lazyDeadline is one direction's deadline of a connection.
type lazyDeadline struct {
	at    atomic.Int64 // Unix nanoseconds of the deadline kept as a number; 0: none
	onSet bool         // the socket holds a deadline (set at once, or by the reaper); under deadlines.mu
}

// deadlines are a connection's two lazy deadlines.
type deadlines struct {
	mu          sync.Mutex // orders the reaper's setting with the connection's own
	read, write lazyDeadline
	reaper      *reaper
}

// set keeps t as d's deadline, or gives it to the socket with apply.
func (ds *deadlines) set(d *lazyDeadline, t time.Time, apply func(time.Time) error) error {
	ds.mu.Lock()
	defer ds.mu.Unlock()
	switch {
	case t.IsZero():
		d.at.Store(0)
	case ds.reaper == nil || t.UnixNano() < ds.reaper.now.Load()+int64(ds.reaper.ahead):
		d.at.Store(0)
		d.onSet = true
		return apply(t)
	default:
		d.at.Store(t.UnixNano())
	}
	if d.onSet { // the socket's deadline is no longer the one asked for
		d.onSet = false
		return apply(time.Time{})
	}
	return nil
}

// expire gives d's deadline to the socket if it has passed by now.
func (ds *deadlines) expire(d *lazyDeadline, now int64, apply func(time.Time) error) {
	if at := d.at.Load(); at == 0 || at > now {
		return
	}
	ds.mu.Lock()
	defer ds.mu.Unlock()
	if at := d.at.Load(); at != 0 && at <= now { // not moved meanwhile
		d.at.Store(0)
		d.onSet = true
		_ = apply(time.Unix(0, at)) // in the past: ends what waits; a closed socket's error is moot
	}
}

func (c *coalescingConn) SetReadDeadline(t time.Time) error {
	return c.dl.set(&c.dl.read, t, c.Conn.SetReadDeadline)
}

func (c *coalescingConn) SetWriteDeadline(t time.Time) error {
	return c.dl.set(&c.dl.write, t, c.Conn.SetWriteDeadline)
}

func (c *coalescingConn) SetDeadline(t time.Time) error {
	return errorsJoinFirst(c.SetReadDeadline(t), c.SetWriteDeadline(t))
}

// reaper enforces the lazy deadlines of one listener's connections.
type reaper struct {
	now   atomic.Int64 // Unix nanoseconds, as of the last tick
	every time.Duration
	ahead time.Duration // a deadline kept as a number is at least this far ahead of now
	clock func() time.Time

	mu    sync.Mutex
	conns map[*coalescingConn]struct{}
	alive bool // the goroutine runs: while there are connections
}

// newReaper returns a reaper that looks every so often, for deadlines
// at least ahead of the time (serve: reaperTick and lazyAhead).
func newReaper(every, ahead time.Duration, clock func() time.Time) *reaper {
	r := &reaper{every: every, ahead: ahead, clock: clock, conns: make(map[*coalescingConn]struct{})}
	r.now.Store(clock().UnixNano())
	return r
}

// add starts watching c, and the goroutine if it is not running (it
// stops when its last connection is closed): now is then as of this
// moment, not of its last tick.
func (r *reaper) add(c *coalescingConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conns[c] = struct{}{}
	if !r.alive {
		r.alive = true
		r.now.Store(r.clock().UnixNano())
		go r.run()
	}
}

func (r *reaper) remove(c *coalescingConn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
}

func (r *reaper) run() {
	t := time.NewTicker(r.every)
	defer t.Stop()
	var batch []*coalescingConn
	for range t.C {
		now := r.clock().UnixNano()
		r.now.Store(now)
		r.mu.Lock()
		if len(r.conns) == 0 {
			r.alive = false
			r.mu.Unlock()
			return
		}
		batch = batch[:0]
		for c := range r.conns {
			batch = append(batch, c)
		}
		r.mu.Unlock()
		for _, c := range batch {
			c.dl.expire(&c.dl.read, now, c.Conn.SetReadDeadline)
			c.dl.expire(&c.dl.write, now, c.Conn.SetWriteDeadline)
		}
		clear(batch) // hold no closed connection until the next tick
	}
}
