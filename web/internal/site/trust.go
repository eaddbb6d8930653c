package site

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"
)

// One notion of a trusted proxy. Only a peer named in --trusted-proxies
// (HelpdeskConfig.TrustedProxies) is believed about the client: its
// X-Forwarded-For gives the client address (rate limits, logs, audit), its
// X-Forwarded-Proto whether the visitor used HTTPS (HSTS, Secure cookies,
// absolute URLs and QR codes), and its AuthHeader who is signed in. Echo
// believes forwarding headers from any loopback or private peer unless
// told otherwise, so routes sets its IPExtractor and SchemeExtractor from
// the functions here, and nothing in web reads those headers by itself.

// Trust is the list of trusted proxies and what follows from it.
type Trust struct {
	Proxies []netip.Prefix
}

// FromTrustedProxy reports whether the request's peer is a trusted proxy.
func (s Trust) FromTrustedProxy(r *http.Request) bool {
	if len(s.Proxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := ap.Addr().Unmap()
	for _, p := range s.Proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// Secure reports whether the visitor reached us over TLS, directly or
// through a trusted TLS-terminating proxy.
func (s Trust) Secure(r *http.Request) bool {
	return r.TLS != nil || (s.FromTrustedProxy(r) && strings.EqualFold(forwardedProto(r), "https"))
}

// SecureRequest is Secure for an Echo context.
func (s Trust) SecureRequest(c echo.Context) bool { return s.Secure(c.Request()) }

// forwardedProto is the last X-Forwarded-Proto value: the one the nearest
// proxy (ours) set or appended, not one the client sent along.
func forwardedProto(r *http.Request) string {
	values := r.Header.Values(echo.HeaderXForwardedProto)
	if len(values) == 0 {
		return ""
	}
	last := values[len(values)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.TrimSpace(last)
}

// Scheme is Echo's SchemeExtractor, so that c.Scheme() follows Secure.
func (s Trust) Scheme(r *http.Request) string {
	if s.Secure(r) {
		return "https"
	}
	return "http"
}

// IPExtractor reads the client address from X-Forwarded-For only when the
// peer is one of the trusted proxies; otherwise the peer is the client.
// Within X-Forwarded-For, addresses of trusted proxies are skipped from
// the right, so a client cannot pose as another by sending the header.
func (s Trust) IPExtractor() echo.IPExtractor {
	direct := echo.ExtractIPDirect()
	if len(s.Proxies) == 0 {
		return direct
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range s.Proxies {
		opts = append(opts, echo.TrustIPRange(prefixNet(p)))
	}
	forwarded := echo.ExtractIPFromXFFHeader(opts...)
	return func(r *http.Request) string {
		if !s.FromTrustedProxy(r) {
			return direct(r)
		}
		return forwarded(r)
	}
}

func prefixNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}
