package dnstest

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/miekg/dns"
)

// Held is a DNS server on loopback that answers the records given, like
// Serve, but holds every answer back while it is held, so that lookups
// stay in flight until a test lets them go. It counts the questions.
type Held struct {
	// Addr is the server's address, for a resolver to ask.
	Addr    string
	mu      sync.Mutex
	release chan struct{} // nil: not held
	asked   map[string]int
	queries atomic.Int64
}

// ServeHeld starts a Held server, not holding yet, until the test ends.
func ServeHeld(t testing.TB, records ...string) *Held {
	t.Helper()
	h := &Held{asked: map[string]int{}}
	zone := Handler(t, records...)
	stop := make(chan struct{})
	h.Addr = ServeHandler(t, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		q := r.Question[0]
		h.mu.Lock()
		h.asked[strings.ToLower(q.Name)+" "+dns.TypeToString[q.Qtype]]++
		release := h.release
		h.mu.Unlock()
		h.queries.Add(1)
		if release != nil {
			select {
			case <-release:
			case <-stop:
				return
			}
		}
		zone.ServeDNS(w, r)
	}))
	// Registered after ServeHandler's, so it runs first: the server's
	// shutdown waits for the handlers held here.
	t.Cleanup(func() { close(stop) })
	return h
}

// Hold holds answers back until Let.
func (h *Held) Hold() {
	h.mu.Lock()
	h.release = make(chan struct{})
	h.mu.Unlock()
}

// Let answers what was held, and what comes.
func (h *Held) Let() {
	h.mu.Lock()
	if h.release != nil {
		close(h.release)
		h.release = nil
	}
	h.mu.Unlock()
}

// Queries is how many queries arrived.
func (h *Held) Queries() int64 { return h.queries.Load() }

// Asked is how many queries asked for name (fully qualified, lower
// case) and qtype ("MX", "A", …).
func (h *Held) Asked(name, qtype string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.asked[name+" "+qtype]
}

// Names lists the names asked about whose type is qtype.
func (h *Held) Names(qtype string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for k := range h.asked {
		if name, t, _ := strings.Cut(k, " "); t == qtype {
			out = append(out, name)
		}
	}
	return out
}
