package web

import "github.com/prometheus/client_golang/prometheus"

// rememberServed lets the fast path answer the next request with the
// same email, type, name and device as f, from a device that installs
// the same kinds as the one with User-Agent ua, which was just answered
// with p and the headers of d; served counts such downloads. d becomes
// the entry's prepared download, so its headers are made once; the
// request key is made on the stack.
func (s *Server) rememberServed(f formValues, ua string, p builtProfile, d *cachedDownload, served prometheus.Counter) {
	if s.cache == nil || !p.cached || p.found.Origin.Discovered() {
		return
	}
	d.signed, d.signer, d.served = p.signs, p.signer, served // before the cache shares d
	var buf [256]byte
	s.cache.remember(p.key, string(requestKey(buf[:0], f, ua, p.lang)), d)
}
