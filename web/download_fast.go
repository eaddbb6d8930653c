package web

import (
	"net/http"
	"time"

	"github.com/mailprofile/mailprofile/profile"
)

// serveFirst answers a download that is not in the cache before Echo, as
// downloadProfile would, and reports whether it did (fastpath.go says
// when it does). It takes the handler's steps (parseDownload, planProfile,
// makePlanned, sendBuilt) and the middleware's (fastBegin's and fastEnd's),
// in an order that writes nothing and spends no rate-limit token on a
// request the ordinary path answers: everything that can refuse a
// request comes before the rate limit, and only the build after it.
func (s *Server) serveFirst(w http.ResponseWriter, r *http.Request, f formValues, lang string, start time.Time) bool {
	dl, err := parseDownload(f, r.UserAgent(), lang)
	if err != nil || !s.fromCatalog(dl.req.Addr.Domain) {
		return false
	}
	// Not s.kinds: the lookups are counted once the request is answered
	// here, so that one the ordinary path answers is not counted twice.
	l := kindLookup{finder: s.finder.(countedFinder).Finder, ctx: r.Context(), addr: dl.req.Addr}
	p, acct, err := s.planProfile(&l, dl.req, dl.dev, lang)
	if err != nil || p.found.Origin.Discovered() {
		return false
	}
	ip, ok := s.fastAllow(r)
	if !ok {
		return false
	}
	id := s.requestIDOf(r)
	p, err, panicked := s.makeRecovering(p, acct, id)
	if panicked != nil {
		l.count(s.metrics)
		s.fastError(w, r, panicked, start, id, ip)
		return true
	}
	if err != nil {
		return false // a failed signature: the ordinary path tries again and answers the error
	}
	l.count(s.metrics)
	s.fastHeaders(w, r, id, setDownloadSecurityHeaders)
	n, _ := s.sendBuilt(w, dl, p)
	s.fastEnd(r, s.metrics.cachedDownload, n, start, id, ip)
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

// makeRecovering is makePlanned with a panic in it recovered: panicked
// is then the 500 that recoverPanics would answer, and the panic is
// logged as it logs one, under the request ID id.
func (s *Server) makeRecovering(p builtProfile, acct profile.Account, id string) (_ builtProfile, err, panicked error) {
	defer func() {
		if v := recover(); v != nil {
			panicked = s.recovered(v, id)
		}
	}()
	p, err = s.makePlanned(p, acct)
	return p, err, nil
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
