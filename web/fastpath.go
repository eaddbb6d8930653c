package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// The fast path answers GET /profile before Echo sees the request: no
// routing, no middleware chain. A repeat download is answered from the
// profile cache (serveCached), without address parsing, settings lookup
// or hashing; a first download of a catalog address is built and signed
// as the handler would (serveFirst, download_fast.go). It is worth it
// because a download is otherwise mostly overhead: a cached profile is a
// memory copy, an ECDSA signature a few tens of microseconds, and the
// router and the middleware around them cost several microseconds more
// (docs/performance.md).
//
// It answers only what the ordinary path would answer the same way:
//   - the request's query is one fastForm reads exactly as rawForm does;
//   - for a repeat, the request's email, type and name match a download
//     served before (profileCache.remember), whose settings came from the
//     catalog and so cannot change while the server runs, and a signed
//     profile was signed by the certificate in use now;
//   - for a first download, the request is valid, the domain is in the
//     operator's catalog (never discovery), the provider offers the kind
//     and services asked for, and the device installs the kind;
//   - the client is within its rate limit.
//
// Anything else (a visitor over the limit, a bad parameter, a refusal, a
// discovered domain, a reloaded certificate, a query it cannot read
// exactly as url.ParseQuery would) goes the ordinary way, with nothing
// written. The response carries the same headers, is counted in the same
// metrics and logged the same way. Once a first download has taken its
// token, the fast path answers it whatever comes: a failed signature with
// the ordinary path's error page, a panic while it is planned or built
// logged and answered with the ordinary path's 500.

// serveDownload answers a GET /profile before Echo, from the cache or
// built, and reports whether it did.
func (s *Server) serveDownload(w http.ResponseWriter, r *http.Request) bool {
	start := time.Now()
	f, ok := fastForm(r.URL.RawQuery)
	if !ok {
		return false
	}
	lang := profileLang(f, r)
	if s.cache != nil && s.serveCached(w, r, f, lang, start) {
		return true
	}
	return s.serveFirst(w, r, f, lang, start)
}

// serveCached answers the query f, for texts in lang, from the cache and
// reports whether it did.
func (s *Server) serveCached(w http.ResponseWriter, r *http.Request, f formValues, lang string, start time.Time) bool {
	var buf [256]byte
	rk := requestKey(buf[:0], f, r.UserAgent(), lang)
	d, body := s.cache.lookupRequest(rk)
	if d == nil || (d.signed && d.signer != s.signerID()) {
		return false
	}
	id, ip, ok := s.fastBegin(w, r, setDownloadSecurityHeaders)
	if !ok {
		return false
	}
	n, _ := writeDownload(w, d, body)
	d.served.Inc()
	s.fastEnd(r, s.metrics.downloadOK, n, start, id, ip)
	return true
}

// fastBegin does for an answer from memory what the middleware chain
// does before a handler: the client's rate limit (ok is false when it is
// over it: the ordinary path refuses it, and counts it), the request ID
// and the security headers that securityHeaders(w's header, whether the
// request came over TLS) sets.
func (s *Server) fastBegin(w http.ResponseWriter, r *http.Request, securityHeaders func(http.Header, bool)) (id, ip string, ok bool) {
	ip, ok = s.fastAllow(r)
	if !ok {
		return "", "", false
	}
	id = s.requestIDOf(r)
	s.fastHeaders(w, r, id, securityHeaders)
	return id, ip, true
}

// fastAllow is fastBegin's rate limit: ip is the client's address.
func (s *Server) fastAllow(r *http.Request) (ip string, ok bool) {
	ip = s.echo.IPExtractor(r)
	if s.limits != nil {
		if ok, _ := s.limits.Allow(ip); !ok {
			return "", false
		}
	}
	return ip, true
}

// fastHeaders is fastBegin's headers: the request ID id and
// securityHeaders'.
func (s *Server) fastHeaders(w http.ResponseWriter, r *http.Request, id string, securityHeaders func(http.Header, bool)) {
	h := w.Header()
	securityHeaders(h, s.trust.Secure(r))
	h[headerRequestID] = []string{id}
}

// fastEnd does what the middleware chain does after a handler: it counts
// the answer of n bytes in series and logs it.
func (s *Server) fastEnd(r *http.Request, series prometheus.Observer, n int, start time.Time, id, ip string) {
	series.Observe(time.Since(start).Seconds())
	s.logAccess(r, http.StatusOK, int64(n), start, id, ip)
}

// Canonical header names, so the fast path sets them without
// canonicalising, and shared values (net/http only reads them).
const (
	headerRequestID          = "X-Request-Id"
	headerContentType        = "Content-Type"
	headerCacheControl       = "Cache-Control"
	headerContentDisposition = "Content-Disposition"
	headerContentLength      = "Content-Length"
)

var (
	profileContentTypeHeader = []string{profileContentType}
	noStore                  = []string{"no-store"}
)

// fastForm reads the email, type, name, device, lang and services
// parameters of a raw query as rawForm does (url.ParseQuery, then the
// first value of each but services, whose values are joined), without
// making a map. ok is false where it could read them differently: a pair
// with a semicolon or a bad escape, which url.ParseQuery skips. The fuzz
// test FuzzFastForm holds the two to the same answers.
func fastForm(raw string) (f formValues, ok bool) {
	var seen [5]bool
	seenServices := false
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		if strings.IndexByte(pair, ';') >= 0 {
			return formValues{}, false
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return formValues{}, false
		}
		v, err = url.QueryUnescape(v)
		if err != nil {
			return formValues{}, false
		}
		if k == "services" {
			// Every value counts, joined as rawForm joins them.
			if seenServices {
				f.Services += ","
			}
			f.Services += v
			seenServices = true
			continue
		}
		var i int
		var dst *string
		switch k {
		case "email":
			i, dst = 0, &f.Email
		case "type":
			i, dst = 1, &f.Type
		case "name":
			i, dst = 2, &f.Name
		case "device":
			i, dst = 3, &f.Device
		case "lang":
			i, dst = 4, &f.Lang
		default:
			continue
		}
		if !seen[i] {
			seen[i], *dst = true, v
		}
	}
	return f, true
}

// requestKey appends the cache's request key for f, asked with the
// User-Agent ua in the language lang (the profile's texts are in it), to
// buf: the four values, the services and lang, each preceded by its
// length, and, unless the type is IMAP or POP (which every device installs), the
// kinds the device installs, on which the answer then depends: the kind
// chosen, or a refusal.
func requestKey(buf []byte, f formValues, ua, lang string) []byte {
	buf = appendKeyString(appendKeyString(appendKeyString(appendKeyString(buf, f.Email), f.Type), f.Name), f.Device)
	buf = appendKeyString(appendKeyString(buf, f.Services), lang)
	switch f.Type {
	case "imap", "pop":
		return append(buf, 0)
	}
	return append(buf, 1, installMaskOf(ua, f.Device))
}

// signerID is the fingerprint of the signing certificate in use, or ""
// when the signer cannot tell (then nothing signed is cached).
func (s *Server) signerID() string {
	if f, ok := s.signer.(interface{ Fingerprint() string }); ok {
		return f.Fingerprint()
	}
	return ""
}
