package discover

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// wildcardZone is the attacker's zone of the issue: every name under it
// exists and points at one address (here 127.0.0.1, standing for a
// victim on the internet), every domain's mail exchanger is at one
// shared host, and there are no SRV records, so that every lookup goes
// all the way to probing.
const (
	wildcardZone = "storm.test."
	sharedMX     = "mx1.mail.hoster.test."
)

// wildcardDNS serves wildcardZone on loopback and counts the queries.
type wildcardDNS struct {
	addr    string
	queries atomic.Int64
}

func newWildcardDNS(t testing.TB) *wildcardDNS {
	t.Helper()
	z := &wildcardDNS{}
	z.addr = dnstest.ServeHandler(t, dns.HandlerFunc(z.serve))
	return z
}

func (z *wildcardDNS) serve(w dns.ResponseWriter, req *dns.Msg) {
	z.queries.Add(1)
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	inZone := strings.HasSuffix(name, "."+wildcardZone) || strings.HasSuffix(name, ".hoster.test.")
	switch {
	case !inZone:
		m.Rcode = dns.RcodeNameError
	case q.Qtype == dns.TypeA:
		m.Answer = append(m.Answer, &dns.A{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 60}, A: net.IPv4(127, 0, 0, 1)})
	case q.Qtype == dns.TypeMX && strings.HasSuffix(name, "."+wildcardZone):
		m.Answer = append(m.Answer, &dns.MX{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeMX, Class: dns.ClassINET, Ttl: 60}, Preference: 10, Mx: sharedMX})
	}
	_ = w.WriteMsg(m)
}

// victim is the one address every name of the zone points at: an HTTPS
// server that answers 404 to everything, closed implicit-TLS mail ports
// and STARTTLS ports that accept and never answer. It counts the
// connections each port receives.
type victim struct {
	ports map[int]int
	conns map[int]*atomic.Int64
}

func newVictim(t testing.TB, ca *testCA) *victim {
	t.Helper()
	v := &victim{ports: map[int]int{}, conns: map[int]*atomic.Int64{}}
	for _, p := range []int{443, 993, 143, 995, 110, 465, 587} {
		v.conns[p] = new(atomic.Int64)
	}
	v.ports[443] = serveCountingHTTPS(t, ca, http.NotFoundHandler(), v.conns[443])
	for _, p := range []int{993, 995, 465} {
		n := v.conns[p]
		v.ports[p] = listen(t, func(net.Conn) { n.Add(1) }) // closed at once
	}
	for _, p := range []int{143, 110, 587} {
		n := v.conns[p]
		v.ports[p] = listen(t, func(c net.Conn) { n.Add(1); hang(c) })
	}
	return v
}

// total is every connection the victim received.
func (v *victim) total() int64 {
	var n int64
	for _, c := range v.conns {
		n += c.Load()
	}
	return n
}

// serveCountingHTTPS serves h over TLS on a loopback port, counting
// connections, and returns the port.
func serveCountingHTTPS(t testing.TB, ca *testCA, h http.Handler, n *atomic.Int64) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0), ConnState: func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			n.Add(1)
		}
	}}
	go srv.Serve(tls.NewListener(ln, ca.serverConfig()))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().(*net.TCPAddr).Port
}
