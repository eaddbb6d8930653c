package discover

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// Why a lookup of a new domain was refused; the Reason of a BusyError
// and the label of the refusal metric.
const (
	// ReasonBusy: MaxLookups lookups are in flight already.
	ReasonBusy = "busy"
	// ReasonClient: the client has started its ClientLookups for now.
	ReasonClient = "client"
)

// BusyError is a lookup of a new domain that discovery refused to start,
// at once rather than after a wait: the catalog, cached answers and
// lookups already in flight are never refused.
type BusyError struct {
	Reason string // ReasonBusy or ReasonClient
	// RetryAfter is when trying again makes sense.
	RetryAfter time.Duration
}

func (e *BusyError) Error() string {
	if e.Reason == ReasonClient {
		return fmt.Sprintf("discovery: this client has looked up too many new domains; try again in %d seconds", e.RetrySeconds())
	}
	return fmt.Sprintf("discovery: too many lookups in flight; try again in %d seconds", e.RetrySeconds())
}

// RetrySeconds is RetryAfter in whole seconds, rounded up and at least 1,
// as an HTTP Retry-After header wants it (RFC 9110 §10.2.3).
func (e *BusyError) RetrySeconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

type clientKey struct{}

// WithClient returns a context that names the client a lookup is for,
// such as its address; lookups of new domains are metered per client
// (Config.ClientLookups). Without a client, or with "", only the global
// bound (Config.MaxLookups) applies: the command line, and work the
// operator's staff started.
func WithClient(ctx context.Context, client string) context.Context {
	return context.WithValue(ctx, clientKey{}, client)
}

func clientFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}

// admission bounds the lookups in flight, and what each client may start.
type admission struct {
	mu       sync.Mutex
	inFlight int
	max      int
	retry    time.Duration    // RetryAfter when busy
	clients  *buckets[string] // nil: no per-client budget
}

// enter takes a slot for a new lookup and a token of the client's
// budget, or neither; release gives the slot back.
func (a *admission) enter(ctx context.Context) (release func(), err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.inFlight >= a.max {
		return nil, &BusyError{Reason: ReasonBusy, RetryAfter: a.retry}
	}
	if c := clientFrom(ctx); c != "" && a.clients != nil {
		if wait, ok := a.clients.take(c); !ok {
			return nil, &BusyError{Reason: ReasonClient, RetryAfter: wait}
		}
	}
	a.inFlight++
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			a.inFlight--
			a.mu.Unlock()
		})
	}, nil
}

func (a *admission) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.inFlight
}
