package discover

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// heldDNS answers the records given, but holds every answer back while
// it is held, so that lookups stay in flight until a test lets them go.
// It counts queries by name and type.
type heldDNS struct {
	addr    string
	mu      sync.Mutex
	release chan struct{} // nil: not held
	count   map[string]int
	queries atomic.Int64
}

func newHeldDNS(t testing.TB, records ...string) *heldDNS {
	t.Helper()
	h := &heldDNS{count: map[string]int{}}
	zone := dnstest.Handler(t, records...)
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	h.addr = dnstest.ServeHandler(t, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		q := r.Question[0]
		h.mu.Lock()
		h.count[strings.ToLower(q.Name)+" "+dns.TypeToString[q.Qtype]]++
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
	return h
}

// hold holds answers back until let.
func (h *heldDNS) hold() {
	h.mu.Lock()
	h.release = make(chan struct{})
	h.mu.Unlock()
}

// let answers what was held, and what comes.
func (h *heldDNS) let() {
	h.mu.Lock()
	if h.release != nil {
		close(h.release)
		h.release = nil
	}
	h.mu.Unlock()
}

// asked is how many queries asked for name (fully qualified) and qtype.
func (h *heldDNS) asked(name, qtype string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.count[name+" "+qtype]
}

// waitFor waits until cond holds, and fails the test if it does not
// within a generous bound: the bound is for a hung test, not a timing
// assertion.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 1000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("waited 10s for %s", what)
}
