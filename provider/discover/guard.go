package discover

import (
	"errors"
	"net/netip"
)

// ErrRefused is matched by errors.Is for every connection the guard
// refuses.
var ErrRefused = errors.New("address refused")

// RefusedError is a connection the guard would not make: the host, or one
// of the addresses it resolved to, is not a public unicast address.
type RefusedError struct {
	Host   string
	Addr   netip.Addr // invalid when the refusal is not about one address
	Reason string
}

func (e *RefusedError) Error() string {
	if e.Addr.IsValid() && e.Host != e.Addr.String() {
		return "refused to connect to " + e.Host + " (" + e.Addr.String() + "): " + e.Reason
	}
	return "refused to connect to " + e.Host + ": " + e.Reason
}

// Is makes errors.Is(err, ErrRefused) true.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

type prefix struct {
	p      netip.Prefix
	reason string
}

func mustPrefixes(reason string, cidrs ...string) []prefix {
	out := make([]prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = prefix{netip.MustParsePrefix(c), reason}
	}
	return out
}

// refused lists what a visitor's domain must never make us connect to,
// after IPv4-mapped, NAT64 and 6to4 forms have been unwrapped. IANA's
// special-purpose registries:
// https://www.iana.org/assignments/iana-ipv4-special-registry/
// https://www.iana.org/assignments/iana-ipv6-special-registry/
var refused = concat(
	mustPrefixes("this network", "0.0.0.0/8"),
	mustPrefixes("private network (RFC 1918)", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
	mustPrefixes("shared address space (CGNAT)", "100.64.0.0/10"),
	mustPrefixes("loopback", "127.0.0.0/8"),
	mustPrefixes("link-local", "169.254.0.0/16", "fe80::/10"),
	mustPrefixes("IETF protocol assignment", "192.0.0.0/24", "2001::/23"),
	mustPrefixes("documentation", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "3fff::/20"),
	mustPrefixes("6to4 relay anycast", "192.88.99.0/24"),
	mustPrefixes("benchmarking", "198.18.0.0/15"),
	mustPrefixes("multicast", "224.0.0.0/4", "ff00::/8"),
	mustPrefixes("reserved or broadcast", "240.0.0.0/4"),
	mustPrefixes("unspecified, loopback or IPv4-compatible", "::/96"),
	mustPrefixes("discard-only", "100::/64"),
	mustPrefixes("local-use NAT64", "64:ff9b:1::/48"),
	mustPrefixes("unique local (ULA)", "fc00::/7"),
	mustPrefixes("site-local", "fec0::/10"),
	mustPrefixes("SRv6 segment identifier", "5f00::/16"),
)

func concat(lists ...[]prefix) []prefix {
	var out []prefix
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var (
	nat64   = netip.MustParsePrefix("64:ff9b::/96")
	sixTo4  = netip.MustParsePrefix("2002::/16")
	v6Loop  = netip.IPv6Loopback()
	v4Loop  = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	allowed = "" // reason value meaning "connect"
)

// checkAddr says why a is refused, or "" when it may be connected to.
// allowLoopback admits exactly 127.0.0.1 and ::1, for tests.
func checkAddr(a netip.Addr, allowLoopback bool) string {
	if !a.IsValid() {
		return "not an IP address"
	}
	if a.Zone() != "" {
		return "scoped address"
	}
	if allowLoopback && (a == v4Loop || a == v6Loop) {
		return allowed
	}
	// Forms that carry an IPv4 address are judged by that address, with
	// no loopback exception: ::ffff:127.0.0.1 reaches 127.0.0.1.
	if a.Is4In6() {
		return checkAddr(a.Unmap(), false)
	}
	if nat64.Contains(a) {
		b := a.As16()
		return checkAddr(netip.AddrFrom4([4]byte(b[12:16])), false)
	}
	if sixTo4.Contains(a) {
		b := a.As16()
		if r := checkAddr(netip.AddrFrom4([4]byte(b[2:6])), false); r != allowed {
			return "6to4 form of a " + r + " address"
		}
		return allowed
	}
	for _, p := range refused {
		if p.p.Contains(a) {
			return p.reason
		}
	}
	if !a.IsGlobalUnicast() {
		return "not a global unicast address"
	}
	return allowed
}
