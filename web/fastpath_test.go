package web

import (
	"bytes"
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// countingFinder counts the lookups that reach it: a download the fast
// path answers makes none.
type countingFinder struct {
	Finder
	finds atomic.Int32
}

func (f *countingFinder) Find(ctx context.Context, addr profile.Address, proto profile.Protocol) (provider.Settings, error) {
	f.finds.Add(1)
	return f.Finder.Find(ctx, addr, proto)
}

// newFastServer is a server with a profile cache, counting signatures and
// lookups.
func newFastServer(t *testing.T, modify func(*Config)) (testServer, *countingSigner, *countingFinder) {
	t.Helper()
	cs := newCountingSigner(t)
	cf := &countingFinder{Finder: newCatalog(t)}
	s := newTestServer(t, func(c *Config) {
		c.Signer = cs
		c.Finder = cf
		c.ProfileCacheSize = 100
		if modify != nil {
			modify(c)
		}
	})
	return s, cs, cf
}

// withoutPerRequest drops the headers that differ between any two
// responses.
func withoutPerRequest(h http.Header) http.Header {
	h = h.Clone()
	h.Del("X-Request-Id")
	h.Del("Date")
	return h
}

func TestFastPathAnswersRepeats(t *testing.T) {
	s, cs, cf := newFastServer(t, nil)
	target := profileURL("someone@btinternet.com", "imap", "Some One")
	first := s.get(t, target)
	if first.Code != http.StatusOK || cf.finds.Load() != 1 {
		t.Fatalf("first download: status %d, lookups %d; want 200, 1", first.Code, cf.finds.Load())
	}
	for i := range 3 {
		rec := s.get(t, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("repeat %d: status %d", i, rec.Code)
		}
		if !bytes.Equal(rec.Body.Bytes(), first.Body.Bytes()) {
			t.Errorf("repeat %d: other bytes than the first download", i)
		}
		if got, want := withoutPerRequest(rec.Header()), withoutPerRequest(first.Header()); !equalHeaders(got, want) {
			t.Errorf("repeat %d: headers\n%v\nwant the first download's\n%v", i, got, want)
		}
		if rec.Header().Get("X-Request-Id") == "" || rec.Header().Get("X-Request-Id") == first.Header().Get("X-Request-Id") {
			t.Errorf("repeat %d: request ID %q, want a new one", i, rec.Header().Get("X-Request-Id"))
		}
	}
	if n := cf.finds.Load(); n != 1 {
		t.Errorf("lookups after 4 downloads = %d, want 1 (repeats answered from the cache)", n)
	}
	if n := cs.signs.Load(); n != 1 {
		t.Errorf("signatures = %d, want 1", n)
	}

	// Counted as any download is.
	families := scrape(t, s)
	if v, _ := sample(families, "mailprofile_profiles_served_total", map[string]string{"type": "imap", "signed": "true", "source": "catalog"}); v != 4 {
		t.Errorf("profiles served = %v, want 4", v)
	}
	if v, _ := sample(families, "mailprofile_http_request_duration_seconds", map[string]string{"route": "/profile", "method": "GET", "status": "2xx"}); v != 4 {
		t.Errorf("/profile requests observed = %v, want 4", v)
	}

	// Logged as any request is: the path, never the query.
	logs := s.logs.String()
	if n := strings.Count(logs, `"path":"/profile"`); n != 4 {
		t.Errorf("access log lines for /profile = %d, want 4\n%s", n, logs)
	}
	if strings.Contains(logs, "someone") {
		t.Errorf("the log holds the address:\n%s", logs)
	}
}

func equalHeaders(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

// TestFastPathSpellings checks that the fast path reads the query as the
// ordinary path does: another order, other escapes, extra parameters and
// repeated ones reach the same profile, while what url.ParseQuery would
// read differently is left to the ordinary path.
func TestFastPathSpellings(t *testing.T) {
	s, cs, cf := newFastServer(t, nil)
	first := s.get(t, "/profile?email=someone%40btinternet.com&type=imap&name=Some+One")
	if first.Code != http.StatusOK {
		t.Fatalf("first download: %d", first.Code)
	}
	for _, q := range []string{
		"email=someone%40btinternet.com&type=imap&name=Some+One", // the same
		"name=Some%20One&type=imap&email=someone@btinternet.com", // another order and escapes
		"email=someone%40btinternet.com&&type=imap&name=Some+One&utm_source=x",
		"email=someone%40btinternet.com&type=imap&name=Some+One&email=other%40btinternet.com", // the first value counts
	} {
		rec := s.get(t, "/profile?"+q)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), first.Body.Bytes()) {
			t.Errorf("?%s: status %d; want 200 and the first download's bytes", q, rec.Code)
		}
	}
	if n := cf.finds.Load(); n != 1 {
		t.Errorf("lookups = %d, want 1: every spelling has the same values", n)
	}

	// Other values for the same profile (the domain's case) are remembered
	// too, up to maxAliases per profile; the others are answered the
	// ordinary way, from the cache.
	variants := []string{"BTINTERNET.COM", "Btinternet.com", "BTinternet.com", "btInternet.com", "btiNternet.com", "btinTernet.com"}
	for _, domain := range variants {
		for range 2 {
			rec := s.get(t, profileURL("someone@"+domain, "imap", "Some One"))
			if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), first.Body.Bytes()) {
				t.Errorf("someone@%s: status %d; want 200 and the first download's bytes", domain, rec.Code)
			}
		}
	}
	remembered := maxAliases - 1 // the first download took one
	if n, want := int(cf.finds.Load()), 1+len(variants)+(len(variants)-remembered); n != want {
		t.Errorf("lookups = %d, want %d", n, want)
	}
	if n := cs.signs.Load(); n != 1 {
		t.Errorf("signatures = %d, want 1", n)
	}

	// A semicolon or a bad escape: url.ParseQuery skips such pairs, and
	// the ordinary path answers.
	for _, q := range []string{
		"email=someone%40btinternet.com&type=imap&name=Some+One&x=1;2",
		"email=someone%40btinternet.com&type=imap&name=Some+One&x=%zz",
	} {
		finds := cf.finds.Load()
		rec := s.get(t, "/profile?"+q)
		if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), first.Body.Bytes()) {
			t.Errorf("?%s: status %d; want 200 and the first download's bytes", q, rec.Code)
		}
		if cf.finds.Load() != finds+1 {
			t.Errorf("?%s was answered by the fast path", q)
		}
	}
	// An unusually escaped path is Echo's to route.
	if rec := s.get(t, "/%70rofile?email=someone%40btinternet.com&type=imap&name=Some+One"); rec.Code == http.StatusOK {
		t.Errorf("GET /%%70rofile = 200, want Echo's answer")
	}
}

// TestFastPathNewCertificate checks that a reloaded certificate is never
// served a profile signed by the old one.
func TestFastPathNewCertificate(t *testing.T) {
	s, cs, _ := newFastServer(t, nil)
	target := profileURL("someone@btinternet.com", "imap", "")
	s.get(t, target)
	s.get(t, target)
	// The same key signs under the "renewed certificate", and ECDSA
	// signatures are deterministic: the count, not the bytes, tells.
	cs.fingerprint.Store("a renewed certificate")
	if rec := s.get(t, target); rec.Code != http.StatusOK {
		t.Fatalf("status %d after a certificate change", rec.Code)
	}
	if n := cs.signs.Load(); n != 2 {
		t.Errorf("signatures = %d, want 2: after a certificate change the old profile was served", n)
	}
	s.get(t, target) // the new profile, from the cache
	if n := cs.signs.Load(); n != 2 {
		t.Errorf("after the change: signatures %d, want 2", n)
	}
}

// TestFastPathDiscovered checks that settings found at run time, which
// can change when their cache entry expires, are looked up every time,
// though the profile still comes from the cache.
func TestFastPathDiscovered(t *testing.T) {
	var cf *countingFinder
	s, cs, _ := newFastServer(t, func(c *Config) {
		cf = &countingFinder{Finder: labelFinder{catalog: newCatalog(t), origin: provider.Origin{Method: provider.MethodAutoconfig, Confidence: provider.ConfidenceHigh}}}
		c.Finder = cf
		c.SignDiscovered = true
	})
	target := profileURL("someone@btinternet.com", "imap", "")
	for range 3 {
		if rec := s.get(t, target); rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
	}
	if n := cf.finds.Load(); n != 3 {
		t.Errorf("lookups = %d, want 3", n)
	}
	if n := cs.signs.Load(); n != 1 {
		t.Errorf("signatures = %d, want 1", n)
	}
}

// TestFastPathRateLimit checks that repeats draw from the same buckets as
// every other request, and are refused the same way.
func TestFastPathRateLimit(t *testing.T) {
	s, _, _ := newFastServer(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 3 })
	target := profileURL("someone@btinternet.com", "imap", "")
	for i := range 3 {
		if rec := s.get(t, target); rec.Code != http.StatusOK {
			t.Fatalf("request %d: %d, want 200 within the burst", i, rec.Code)
		}
	}
	rec := s.get(t, target)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("request 4: %d, Retry-After %q; want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if v, _ := sample(scrape(t, s), "mailprofile_rate_limited_total", map[string]string{"limit": "requests"}); v < 1 {
		t.Errorf("rate-limited requests = %v, want at least 1", v)
	}
}

// TestFastPathTLS checks HSTS on a repeat download over TLS.
func TestFastPathTLS(t *testing.T) {
	s, _, cf := newFastServer(t, nil)
	target := profileURL("someone@btinternet.com", "imap", "")
	for range 2 {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.TLS = &tls.ConnectionState{}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Header().Get("Strict-Transport-Security") == "" {
			t.Errorf("no HSTS header over TLS")
		}
	}
	if cf.finds.Load() != 1 {
		t.Errorf("the repeat was not answered by the fast path")
	}
	if rec := s.get(t, target); rec.Header().Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS header without TLS")
	}
}

func TestCacheAliasesEvicted(t *testing.T) {
	pc := newProfileCache(2, testOptions)
	d := &cachedDownload{}
	for i := range 3 {
		key := cacheKey{byte(i)}
		pc.add(key, []byte("profile"))
		for j := range maxAliases + 2 {
			pc.remember(key, string(rune('a'+i))+strings.Repeat("x", j), d)
		}
	}
	pc.mu.Lock()
	requests := len(pc.requests)
	pc.mu.Unlock()
	if requests != 2*maxAliases {
		t.Errorf("aliases = %d, want %d (%d per entry, the evicted entry's gone)", requests, 2*maxAliases, maxAliases)
	}
	if d, _ := pc.lookupRequest([]byte("a")); d != nil {
		t.Errorf("an evicted entry's alias still answers")
	}
	if d, _ := pc.lookupRequest([]byte("b")); d == nil {
		t.Errorf("a kept entry's alias does not answer")
	}
	_, size := pc.len()
	if size > 2*ProfileCacheEntryBytes {
		t.Errorf("bytes = %d, over the budget of %d", size, 2*ProfileCacheEntryBytes)
	}
}

// FuzzFastForm holds fastForm to rawForm's reading: url.ParseQuery and the
// first value of each parameter.
func FuzzFastForm(f *testing.F) {
	for _, q := range []string{
		"email=someone%40btinternet.com&type=imap&name=Some+One",
		"name=a&name=b&email=%41", "email=a;b", "email=%zz&type=pop", "&&=&email", "em%61il=x", "type=imap&x=%",
		"email=a%40outlook.com&device=ios&device=macos", "dev%69ce=macos&type=exchange",
		"services=mail&email=a%40fastmail.com&services=&services=calendar", "services=%zz",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, ok := fastForm(raw)
		q, err := url.ParseQuery(raw)
		if !ok {
			if err == nil {
				t.Errorf("fastForm(%q) refused a query url.ParseQuery reads without error", raw)
			}
			return
		}
		want := formValues{Email: q.Get("email"), Type: q.Get("type"), Name: q.Get("name"), Device: q.Get("device"), Lang: q.Get("lang"),
			Services: strings.Join(q["services"], ",")}
		if got != want {
			t.Errorf("fastForm(%q) = %+v, url.ParseQuery reads %+v", raw, got, want)
		}
	})
}
