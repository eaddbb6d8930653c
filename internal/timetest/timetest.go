// Package timetest gives tests their time. A test that needs a date (a
// certificate's validity, a signing time, a link's expiry, a session's
// age) takes Fixed, or a Clock that starts there, and passes it down to
// the code under test; it never reads the machine's clock and mixes the
// two. So the suite gives the same answer today, next year and in 2049.
//
// Wall is the machine's clock, for what a test cannot fix: a deadline on
// a network connection, a real binary or peer (mailprofile serve,
// openssl without -attime, a TLS handshake, Chromium) that reads the
// clock itself. A certificate made for such a peer is made from Wall, at
// the moment the test runs, never from a fixed date.
//
// TestNoWallClock (lint_test.go) fails on any other use of the clock in
// the project's tests, and scripts/timetravel runs the suite at another
// date to prove the point.
package timetest

import (
	"sync"
	"time"
)

// Fixed is the instant every test runs at unless it needs the wall
// clock: 2026-11-26 12:00:00 UTC. Nothing depends on which instant it
// is, only on every part of a test using the same one.
func Fixed() time.Time { return fixed }

var fixed = time.Date(2026, time.November, 26, 12, 0, 0, 0, time.UTC)

// Wall returns the machine's clock. Use it only for what reads the clock
// itself (see the package comment), and say why beside the call.
func Wall() time.Time { return time.Now() }

// Clock is a settable clock for code that takes a func() time.Time. It
// starts at Fixed and moves only when told. It is safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock at Fixed.
func NewClock() *Clock { return &Clock{t: fixed} }

// Now returns the clock's time; pass the method value c.Now as a clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (back, for a negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}
