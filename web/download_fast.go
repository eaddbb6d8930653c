package web

import (
	"net/http"
	"time"
)

// serveFirst answers a download that is not in the cache before Echo, as
// downloadProfile would, and reports whether it did (fastpath.go says
// when it does). It takes the handler's steps (parseDownload, planProfile,
// makePlanned, sendBuilt) and the middleware's (fastBegin's and fastEnd's),
// in an order that writes nothing and spends no rate-limit token on a
// request the ordinary path answers: everything that can refuse a
// request comes before the rate limit, and only the build after it. A
// panic while the profile is planned or built is answered as
// recoverPanics answers one.
func (s *Server) serveFirst(w http.ResponseWriter, r *http.Request, f formValues, lang string, start time.Time) (served bool) {
	dl, err := parseDownload(f, r.UserAgent(), lang)
	if err != nil || !s.fromCatalog(dl.req.Addr.Domain) {
		return false
	}
	// Not s.kinds: the lookups are counted once the request is answered
	// here, so that one the ordinary path answers is not counted twice.
	l := kindLookup{finder: s.finder.(countedFinder).Finder, ctx: r.Context(), addr: dl.req.Addr}
	var id, ip string
	building := true
	defer func() {
		if !building {
			return // a panic once the answer is being written is left to net/http: no 500 can follow a 200
		}
		if v := recover(); v != nil {
			if id == "" {
				id = s.requestIDOf(r)
			}
			l.count(s.metrics)
			s.fastError(w, r, s.recovered(v, id), start, id, ip)
			served = true
		}
	}()
	p, acct, err := s.planProfile(&l, dl.req, dl.dev, lang)
	if err != nil || p.found.Origin.Discovered() {
		return false
	}
	ip, ok := s.fastAllow(r)
	if !ok {
		return false
	}
	id = s.requestIDOf(r)
	if p, err = s.makePlanned(p, acct); err != nil {
		// A failed build or signature, answered as the ordinary path would:
		// left to that path, it would sign again and take a second token.
		l.count(s.metrics)
		s.fastError(w, r, err, start, id, ip)
		return true
	}
	building = false
	l.count(s.metrics)
	s.fastHeaders(w, r, id, setDownloadSecurityHeaders)
	n, _ := s.sendBuilt(w, dl, p)
	s.fastEnd(r, s.metrics.downloadOK, n, start, id, ip)
	return true
}

// fromCatalog reports whether the settings of domain come from the
// catalog, never discovery: the operator's catalog knows it, or, without
// one, the Finder is a catalog itself (it never discovers).
func (s *Server) fromCatalog(domain string) bool {
	if s.catalog != nil {
		_, err := s.catalog.Lookup(domain)
		return err == nil
	}
	_, ok := s.finder.(countedFinder).Finder.(Catalog)
	return ok
}

// fastError answers err as the middleware chain answers a handler's
// error: the request ID and a page's security headers, the error handler's
// response, the request counted in its status's series and logged.
func (s *Server) fastError(w http.ResponseWriter, r *http.Request, err error, start time.Time, id, ip string) {
	s.fastHeaders(w, r, id, setSecurityHeaders)
	c := s.echo.NewContext(r, w)
	s.echo.HTTPErrorHandler(err, c)
	res := c.Response()
	s.metrics.requests.WithLabelValues("/profile", http.MethodGet, statusClass(res.Status)).Observe(time.Since(start).Seconds())
	s.logAccess(r, res.Status, res.Size, start, id, ip)
}

// count counts the settings lookups l made, as countedFinder would have.
func (l *kindLookup) count(m *Metrics) {
	for _, r := range l.done {
		if r.asked {
			m.countLookup(r.found, r.err)
		}
	}
}
