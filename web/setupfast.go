package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// serveSetupCached answers GET /setup from the review page cache
// (setuppage.go) before Echo sees the request, as serveCached answers a
// repeat download, and reports whether it did. The routing and the
// middleware chain were a tenth of a page's cost (issue 16). It answers
// only what showSetup would answer from the cache, with the same headers,
// and counts and logs it the same way: the same form values, stand-in
// query and key, a page kept for them, a client within its rate limit.
// Anything else goes the ordinary way, where showSetup looks again.
func (s *Server) serveSetupCached(w http.ResponseWriter, r *http.Request) bool {
	start := time.Now()
	f, ok := fastForm(r.URL.RawQuery)
	if !ok {
		return false
	}
	local, standIn, ok := standInOf(f, r.URL.RawQuery)
	if !ok {
		return false
	}
	key, ok := s.setupPageKey(r, s.echo.SchemeExtractor(r), standIn)
	if !ok {
		return false
	}
	page, ok := s.setupPages.get(key)
	if !ok {
		return false
	}
	id, ip, ok := s.fastBegin(w, r, setSecurityHeaders)
	if !ok {
		return false
	}
	n, _ := page.writeTo(w, local)
	s.fastEnd(r, s.metrics.setupOK, n, start, id, ip)
	return true
}

// maxStandInPairs bounds the parameters standInQuery sorts; a query with
// more takes url.Values' way.
const maxStandInPairs = 16

// standInQuery is the raw query with its email parameters replaced by one,
// the stand-in address at domain, as url.ParseQuery, Values.Set and
// Values.Encode would write it (keys sorted, each key's values in their
// order), without a map. ok is false where url.ParseQuery fails (a
// semicolon, a bad escape). FuzzStandInQuery holds it to url.Values.
func standInQuery(raw, domain string) (string, bool) {
	type pair struct{ k, v string }
	var pairs [maxStandInPairs]pair
	pairs[0] = pair{"email", setupSentinel + "@" + domain}
	n := 1
	whole := raw
	for raw != "" {
		var p string
		p, raw, _ = strings.Cut(raw, "&")
		if p == "" {
			continue
		}
		if strings.IndexByte(p, ';') >= 0 {
			return "", false
		}
		k, v, _ := strings.Cut(p, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			return "", false
		}
		if v, err = url.QueryUnescape(v); err != nil {
			return "", false
		}
		if k == "email" {
			continue
		}
		if n == len(pairs) {
			return standInQueryValues(whole, domain)
		}
		pairs[n] = pair{k, v}
		n++
	}
	ps := pairs[:n]
	for i := 1; i < n; i++ { // a stable insertion sort: few pairs, a key's values keep their order
		for j := i; j > 0 && ps[j].k < ps[j-1].k; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
	var buf [512]byte
	b := buf[:0]
	for i, p := range ps {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(append(append(b, url.QueryEscape(p.k)...), '='), url.QueryEscape(p.v)...)
	}
	return string(b), true
}

// standInQueryValues is what standInQuery means, by url.Values: the
// way for a query of many parameters, and the tests' reference.
func standInQueryValues(raw, domain string) (string, bool) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return "", false
	}
	q.Set("email", setupSentinel+"@"+domain)
	return q.Encode(), true
}
