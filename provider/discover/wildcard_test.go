package discover

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// newWildcardDNS serves the attacker's zone of the issue: every name
// under storm.test points at one address (here 127.0.0.1, standing for a
// victim on the internet), and every domain's mail exchanger is at one
// shared host, mx1.mail.hoster.test.
func newWildcardDNS(t testing.TB) *wildcardDNS {
	t.Helper()
	z := &wildcardDNS{Wildcard: &dnstest.Wildcard{
		Zones: []string{"storm.test.", "hoster.test."},
		MX:    "mx1.mail.hoster.test.",
		Addr:  netip.AddrFrom4([4]byte{127, 0, 0, 1}),
	}}
	z.addr = dnstest.ServeHandler(t, z.Wildcard)
	return z
}

// wildcardDNS is a served dnstest.Wildcard.
type wildcardDNS struct {
	*dnstest.Wildcard
	addr string
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
