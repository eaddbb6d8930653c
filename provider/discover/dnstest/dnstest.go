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

// Serve answers the records (in zone file syntax) over UDP on loopback
// until the test ends, and returns its address.
func Serve(t testing.TB, records ...string) string {
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
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(r)
		q := r.Question[0]
		rrs, ok := byName[strings.ToLower(q.Name)]
		if !ok {
			m.Rcode = dns.RcodeNameError
		}
		for _, rr := range rrs {
			if rr.Header().Rrtype == q.Qtype {
				m.Answer = append(m.Answer, rr)
			}
		}
		_ = w.WriteMsg(m)
	})}
	go func() { _ = srv.ActivateAndServe() }()
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}
