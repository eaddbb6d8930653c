package discover

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// guardedPorts are the only ports a visitor's domain can make us connect
// to: HTTPS for autoconfig and the mail ports probed.
var guardedPorts = map[int]bool{443: true, 993: true, 143: true, 995: true, 110: true, 465: true, 587: true}

// dialer is the one way out for connections derived from a visitor's
// address. It resolves the name itself through the configured DNS
// server, refuses the name if any address it has is not public, and
// connects to an address it checked, so a second, different DNS answer
// (rebinding) never gets a say.
type dialer struct {
	res           *resolver
	allowLoopback bool
	ports         map[int]int // tests: well-known port -> real port
	timeout       time.Duration
	// destinations meters connections per destination across lookups;
	// nil means no limit.
	destinations *buckets[netip.Prefix]
}

// DialContext has the signature http.Transport wants.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("network %q is not supported", network)
	}
	host, portStr, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || !guardedPorts[port] {
		return nil, &RefusedError{Host: address, Reason: "port " + portStr + " is not one discovery uses"}
	}
	addrs, err := d.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	if p, ok := d.ports[port]; ok {
		port = p
	}
	var errs []error
	for _, a := range addrs {
		c, err := d.connect(ctx, netip.AddrPortFrom(a, uint16(port)))
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

// connect opens one connection to ap, an address resolve checked, within
// the lookup's budget and the destination's.
func (d *dialer) connect(ctx context.Context, ap netip.AddrPort) (net.Conn, error) {
	b := budgetFrom(ctx)
	var c net.Conn
	err := b.connect(ctx, ap, func() error {
		if err := b.spendConn(); err != nil {
			return err
		}
		if d.destinations != nil {
			if _, ok := d.destinations.take(destination(ap.Addr())); !ok {
				b.refundConn()
				return &limitError{"too many connections to " + ap.Addr().String() + " in the last minute"}
			}
		}
		nd := net.Dialer{Timeout: d.timeout, ControlContext: d.control}
		var err error
		c, err = nd.DialContext(ctx, "tcp", ap.String())
		return err
	})
	return c, err
}

// destination is what the per-destination budget counts against: the
// address, or for IPv6 its /64, which one site usually holds whole.
func destination(a netip.Addr) netip.Prefix {
	a = a.Unmap()
	if a.Is4() {
		return netip.PrefixFrom(a, 32)
	}
	p, _ := a.Prefix(64)
	return p
}

// resolve returns the addresses of host, a name or an IP literal, or a
// *RefusedError if any of them is not a public unicast address.
func (d *dialer) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		if r := checkAddr(a, d.allowLoopback); r != allowed {
			return nil, &RefusedError{Host: host, Addr: a, Reason: r}
		}
		return []netip.Addr{a}, nil
	}
	name := strings.ToLower(strings.TrimSuffix(host, "."))
	if name == "" || name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return nil, &RefusedError{Host: host, Reason: "loopback name"}
	}
	if !validHost(name) {
		return nil, &RefusedError{Host: truncate(host, 64), Reason: "not a host name"}
	}
	addrs, err := budgetFrom(ctx).addrs(ctx, name, func(ctx context.Context) ([]netip.Addr, error) {
		return d.res.lookupIP(ctx, name)
	})
	if err != nil {
		return nil, err
	}
	// One bad address refuses the name: a public name has no business
	// pointing inside.
	for _, a := range addrs {
		if r := checkAddr(a, d.allowLoopback); r != allowed {
			return nil, &RefusedError{Host: host, Addr: a, Reason: r}
		}
	}
	return addrs, nil
}

// control checks, just before connect(2), the address the socket is
// about to reach: a second line of defence should any path above be
// wrong.
func (d *dialer) control(_ context.Context, _, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Host: address, Reason: "not an IP address and port"}
	}
	if r := checkAddr(ap.Addr(), d.allowLoopback); r != allowed {
		return &RefusedError{Host: address, Addr: ap.Addr(), Reason: r}
	}
	return nil
}
