package dnstest

import (
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/miekg/dns"
)

// Wildcard is an attacker's zones: every name under one of Zones exists
// and has the one address Addr, every name under the first zone has its
// mail exchanger at MX (so that lookups through it share), and there are
// no other records, so a lookup of any of its domains finds nothing and
// tries everything. Other names do not exist. It counts the queries it
// answers.
type Wildcard struct {
	Zones   []string // fully qualified: "storm.test.", "hoster.test."
	MX      string   // "mx1.mail.hoster.test."
	Addr    netip.Addr
	queries atomic.Int64
}

// Queries is how many queries it has answered.
func (z *Wildcard) Queries() int64 { return z.queries.Load() }

// ServeDNS answers one query.
func (z *Wildcard) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
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
	under := func(zone string) bool { return strings.HasSuffix(name, "."+zone) }
	hdr := dns.RR_Header{Name: q.Name, Rrtype: q.Qtype, Class: dns.ClassINET, Ttl: 60}
	switch {
	case !slices.ContainsFunc(z.Zones, under):
		m.Rcode = dns.RcodeNameError
	case q.Qtype == dns.TypeA && z.Addr.Is4():
		m.Answer = append(m.Answer, &dns.A{Hdr: hdr, A: z.Addr.AsSlice()})
	case q.Qtype == dns.TypeAAAA && z.Addr.Is6():
		m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr, AAAA: z.Addr.AsSlice()})
	case q.Qtype == dns.TypeMX && under(z.Zones[0]):
		m.Answer = append(m.Answer, &dns.MX{Hdr: hdr, Preference: 10, Mx: z.MX})
	}
	_ = w.WriteMsg(m)
}
