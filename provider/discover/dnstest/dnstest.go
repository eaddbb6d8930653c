// Package dnstest runs a DNS server on loopback for tests: it answers the
// records it is given and NXDOMAIN for every other name.
package dnstest

import (
	"net"
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// XTest are RFC 6186 SRV records for x.test: a domain no catalog knows,
// which discovery finds through its SRV records alone, without connecting.
var XTest = []string{
	"_imaps._tcp.x.test. 60 IN SRV 0 1 993 mail.x.test.",
	"_pop3s._tcp.x.test. 60 IN SRV 0 1 995 mail.x.test.",
	"_submissions._tcp.x.test. 60 IN SRV 0 1 465 smtp.x.test.",
}

// Serve answers the records (in zone file syntax) over UDP and TCP on
// loopback until the test ends, and returns its address.
func Serve(t testing.TB, records ...string) string {
	t.Helper()
	return ServeHandler(t, Handler(t, records...))
}

// Handler answers the records (in zone file syntax), no records for a
// name that has none of its own but names below it (an empty
// non-terminal, RFC 8020), and NXDOMAIN for other names; tests can wrap
// it, e.g. to hold answers back.
func Handler(t testing.TB, records ...string) dns.Handler {
	t.Helper()
	byName := map[string][]dns.RR{}
	for _, r := range records {
		rr, err := dns.NewRR(r)
		if err != nil {
			t.Fatalf("dnstest: record %q: %v", r, err)
		}
		name := strings.ToLower(rr.Header().Name)
		byName[name] = append(byName[name], rr)
	}
	return dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		name := strings.ToLower(q.Name)
		rrs, ok := byName[name]
		if !ok && !HasChild(byName, name) {
			m.Rcode = dns.RcodeNameError
		}
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		_ = w.WriteMsg(m)
	})
}

// ServeHandler serves handler over UDP and TCP on loopback until the test
// ends, and returns its address.
func ServeHandler(t testing.TB, handler dns.Handler) string {
	t.Helper()
	// UDP and TCP on the same port, as a real server.
	var (
		pc  net.PacketConn
		ln  net.Listener
		err error
	)
	for range 20 {
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		t.Fatalf("dnstest: no port free for both UDP and TCP: %v", err)
	}
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: handler}, {Listener: ln, Handler: handler}} {
		go func() { _ = srv.ActivateAndServe() }()
		t.Cleanup(func() { _ = srv.Shutdown() })
	}
	return pc.LocalAddr().String()
}

// HasChild reports whether a name below name (lower case, fully
// qualified) is in names: name then exists, with no records of its own.
func HasChild[V any](names map[string]V, name string) bool {
	for n := range names {
		if strings.HasSuffix(n, "."+name) {
			return true
		}
	}
	return false
}
