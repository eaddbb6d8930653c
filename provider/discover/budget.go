package discover

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"sync/atomic"
)

// The most outbound work one lookup does, whatever the domain's DNS says.
// A lookup that finds nothing in a wildcard zone needs about 25 queries
// (MX, six SRV names, A and AAAA for nine host names) and, with every
// mail port closed, 10 connections; the bounds leave room for a redirect
// or two, and cut off a zone built to make us do more.
const (
	// MaxQueriesPerLookup bounds the DNS queries of one lookup.
	MaxQueriesPerLookup = 32
	// MaxConnsPerLookup bounds the connections of one lookup to
	// addresses derived from the domain (autoconfig, redirects, probes);
	// the operator's ISPDB is not counted.
	MaxConnsPerLookup = 16
)

// ErrLimited is matched by errors.Is for every step a budget cut off:
// the lookup's own, or a destination's (Config.DestinationConns).
var ErrLimited = errors.New("budget spent")

// limitError is a step cut off by a budget.
type limitError struct{ what string }

func (e *limitError) Error() string        { return e.what }
func (e *limitError) Is(target error) bool { return target == ErrLimited }

// lookupBudget is one lookup's share of outbound work, carried in its
// context to the resolver and the dialer. It also remembers, for the
// lookup, the addresses of each host name (so a name probed on several
// ports is asked once) and the address and port pairs that refused a
// connection (so another name for the same address is not tried there).
type lookupBudget struct {
	queries atomic.Int32
	conns   atomic.Int32

	mu    sync.Mutex
	hosts map[string]*hostAnswer
	ports map[netip.AddrPort]*portState
}

type hostAnswer struct {
	done  chan struct{}
	addrs []netip.Addr
	err   error
}

// portState serialises connection attempts to one address and port
// within a lookup, and keeps the error of one that failed to connect.
type portState struct {
	turn chan struct{} // a one-slot lock that honours a context
	err  error
}

func newLookupBudget() *lookupBudget {
	b := &lookupBudget{hosts: map[string]*hostAnswer{}, ports: map[netip.AddrPort]*portState{}}
	b.queries.Store(MaxQueriesPerLookup)
	b.conns.Store(MaxConnsPerLookup)
	return b
}

type budgetKey struct{}

func withBudget(ctx context.Context, b *lookupBudget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// budgetFrom returns ctx's budget, or nil outside a lookup (the command
// line's and tests' direct use of the resolver and dialer).
func budgetFrom(ctx context.Context) *lookupBudget {
	b, _ := ctx.Value(budgetKey{}).(*lookupBudget)
	return b
}

// spendQuery takes one DNS query from the budget.
func (b *lookupBudget) spendQuery() error {
	if b != nil && b.queries.Add(-1) < 0 {
		return &limitError{fmt.Sprintf("the lookup has sent its %d DNS queries", MaxQueriesPerLookup)}
	}
	return nil
}

// spendConn takes one connection from the budget; refund gives it back.
func (b *lookupBudget) spendConn() error {
	if b != nil && b.conns.Add(-1) < 0 {
		return &limitError{fmt.Sprintf("the lookup has opened its %d connections", MaxConnsPerLookup)}
	}
	return nil
}

func (b *lookupBudget) refundConn() {
	if b != nil {
		b.conns.Add(1)
	}
}

// addrs returns host's addresses through ask, asking once per lookup.
// An answer cut short by a caller's context is not kept.
func (b *lookupBudget) addrs(ctx context.Context, host string, ask func(context.Context) ([]netip.Addr, error)) ([]netip.Addr, error) {
	if b == nil {
		return ask(ctx)
	}
	for {
		b.mu.Lock()
		h, ok := b.hosts[host]
		if !ok {
			h = &hostAnswer{done: make(chan struct{})}
			b.hosts[host] = h
			b.mu.Unlock()
			h.addrs, h.err = ask(ctx)
			if ctx.Err() != nil {
				b.mu.Lock()
				delete(b.hosts, host)
				b.mu.Unlock()
			}
			close(h.done)
			return h.addrs, h.err
		}
		b.mu.Unlock()
		select {
		case <-h.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		b.mu.Lock()
		kept := b.hosts[host] == h
		b.mu.Unlock()
		if kept {
			return h.addrs, h.err
		}
		// The one who asked gave up before the answer: ask again.
	}
}

// connect runs dial for ap unless a connection to ap already failed in
// this lookup; attempts to one address and port take turns, so that the
// second name for an address learns the first one's fate before it
// connects. A failure to connect, not one of ctx's, is kept for ap.
func (b *lookupBudget) connect(ctx context.Context, ap netip.AddrPort, dial func() error) error {
	if b == nil {
		return dial()
	}
	b.mu.Lock()
	p, ok := b.ports[ap]
	if !ok {
		p = &portState{turn: make(chan struct{}, 1)}
		b.ports[ap] = p
	}
	b.mu.Unlock()
	select {
	case p.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-p.turn }()
	if p.err != nil {
		return fmt.Errorf("not tried again in this lookup: %w", p.err)
	}
	err := dial()
	if err != nil && ctx.Err() == nil && !errors.Is(err, ErrLimited) {
		p.err = err
	}
	return err
}
