package discover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// errNoSuchName is a DNS name that does not exist (NXDOMAIN) or has no
// record of the asked type.
var errNoSuchName = errors.New("no such DNS name")

// errNXDomain is a name that does not exist at all (NXDOMAIN), so
// neither does any name below it (RFC 8020). It is an errNoSuchName.
var errNXDomain = fmt.Errorf("%w (NXDOMAIN)", errNoSuchName)

// resolver asks one configured DNS server (or those of resolv.conf),
// never the operating system's name service, so that what the guard
// checks is exactly what DNS said.
type resolver struct {
	servers []string
	err     error // why there are no servers
	timeout time.Duration
}

func newResolver(server string, timeout time.Duration) *resolver {
	r := &resolver{timeout: timeout}
	if server != "" {
		addr, err := dnsServerAddr(server)
		r.servers, r.err = []string{addr}, err
		return r
	}
	cc, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		r.err = fmt.Errorf("no DNS server configured and /etc/resolv.conf is unusable: %w", err)
		return r
	}
	for _, s := range cc.Servers {
		r.servers = append(r.servers, net.JoinHostPort(s, cc.Port))
	}
	if len(r.servers) == 0 {
		r.err = errors.New("no DNS server configured and /etc/resolv.conf lists none")
	}
	return r
}

// query returns the answer records of type qtype for name. A name that
// does not exist, or has no such records, is errNoSuchName.
func (r *resolver) query(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	if r.err != nil {
		return nil, r.err
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.SetEdns0(1232, false)
	b := budgetFrom(ctx)
	var err error
	for _, server := range r.servers {
		if err := b.spendQuery(); err != nil {
			return nil, err
		}
		var resp *dns.Msg
		resp, err = exchange(ctx, m, server, "udp", r.timeout)
		if err == nil && resp.Truncated {
			if err := b.spendQuery(); err != nil {
				return nil, err
			}
			resp, err = exchange(ctx, m, server, "tcp", r.timeout)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			continue
		}
		switch resp.Rcode {
		case dns.RcodeSuccess:
		case dns.RcodeNameError:
			return nil, fmt.Errorf("%s: %w", name, errNXDomain)
		default:
			err = fmt.Errorf("DNS server %s answered %s for %s", server, dns.RcodeToString[resp.Rcode], name)
			continue
		}
		var rrs []dns.RR
		for _, rr := range resp.Answer {
			if rr.Header().Rrtype == qtype {
				rrs = append(rrs, rr)
			}
		}
		if len(rrs) == 0 {
			return nil, fmt.Errorf("%s has no %s record: %w", name, dns.TypeToString[qtype], errNoSuchName)
		}
		return rrs, nil
	}
	return nil, err
}

// exchange sends m to server and reads the answer within timeout (not
// dns.Client's own 2s). Unlike dns.Client it also gives up as soon as
// ctx is cancelled, not only at its deadline.
func exchange(ctx context.Context, m *dns.Msg, server, network string, timeout time.Duration) (*dns.Msg, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, network, server)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	client := &dns.Client{Net: network, Timeout: timeout}
	resp, _, err := client.ExchangeWithConnContext(ctx, m, &dns.Conn{Conn: c})
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("DNS server %s: %w", server, err)
	}
	if len(resp.Question) != 1 || !strings.EqualFold(resp.Question[0].Name, m.Question[0].Name) || resp.Question[0].Qtype != m.Question[0].Qtype {
		return nil, fmt.Errorf("DNS server %s answered another question", server)
	}
	return resp, nil
}

// lookupIP returns the IPv4 and then the IPv6 addresses of host.
func (r *resolver) lookupIP(ctx context.Context, host string) ([]netip.Addr, error) {
	type answer struct {
		rrs []dns.RR
		err error
	}
	v6 := make(chan answer, 1)
	go func() {
		rrs, err := r.query(ctx, host, dns.TypeAAAA)
		v6 <- answer{rrs, err}
	}()
	rrs4, err4 := r.query(ctx, host, dns.TypeA)
	a6 := <-v6
	var addrs []netip.Addr
	for _, rr := range append(rrs4, a6.rrs...) {
		switch rr := rr.(type) {
		case *dns.A:
			if a, ok := netip.AddrFromSlice(rr.A); ok {
				addrs = append(addrs, a.Unmap()) // miekg keeps A records in 16 bytes
			}
		case *dns.AAAA:
			if a, ok := netip.AddrFromSlice(rr.AAAA); ok {
				addrs = append(addrs, a) // a mapped form stays mapped, for the guard to judge
			}
		}
	}
	if len(addrs) > 0 {
		return addrs, nil
	}
	switch {
	case err4 != nil && !errors.Is(err4, errNoSuchName):
		return nil, err4
	case a6.err != nil && !errors.Is(a6.err, errNoSuchName):
		return nil, a6.err
	}
	return nil, fmt.Errorf("%s has no address: %w", host, errNoSuchName)
}

// lookupMX returns the mail exchanger with the lowest preference; the
// first listed wins a tie. A null MX (RFC 7505) is errNoSuchName; a
// target that is not a host name is an error, never used.
func (r *resolver) lookupMX(ctx context.Context, domain string) (string, error) {
	rrs, err := r.query(ctx, domain, dns.TypeMX)
	if err != nil {
		return "", err
	}
	var best *dns.MX
	for _, rr := range rrs {
		if mx, ok := rr.(*dns.MX); ok && (best == nil || mx.Preference < best.Preference) {
			best = mx
		}
	}
	if best == nil {
		return "", fmt.Errorf("%s has no MX record: %w", domain, errNoSuchName)
	}
	host := strings.ToLower(strings.TrimSuffix(best.Mx, "."))
	switch {
	case host == "":
		return "", fmt.Errorf("%s has a null MX: it receives no mail: %w", domain, errNoSuchName)
	case !validHost(host):
		return "", fmt.Errorf("the MX target %q is not a host name", truncate(host, 64))
	}
	return host, nil
}

// lookupSRV returns the SRV records of name.
func (r *resolver) lookupSRV(ctx context.Context, name string) ([]*dns.SRV, error) {
	rrs, err := r.query(ctx, name, dns.TypeSRV)
	if err != nil {
		return nil, err
	}
	var out []*dns.SRV
	for _, rr := range rrs {
		if s, ok := rr.(*dns.SRV); ok {
			out = append(out, s)
		}
	}
	return out, nil
}
