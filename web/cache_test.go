package web

import (
	"bytes"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/signing"
)

// countingSigner is the real signer, counting its signatures and with a
// fingerprint the test can change, as a reloaded certificate would.
type countingSigner struct {
	*signing.Signer
	signs       atomic.Int32
	fingerprint atomic.Value // string
}

func newCountingSigner(t testing.TB) *countingSigner {
	cs := &countingSigner{Signer: newSigner(t)}
	cs.fingerprint.Store(cs.Signer.Fingerprint())
	return cs
}

func (cs *countingSigner) Sign(content []byte) ([]byte, error) {
	cs.signs.Add(1)
	return cs.Signer.Sign(content)
}

func (cs *countingSigner) Fingerprint() string { return cs.fingerprint.Load().(string) }

func TestDownloadCached(t *testing.T) {
	cs := newCountingSigner(t)
	s := newTestServer(t, func(c *Config) {
		c.Signer = cs
		c.ProfileCacheSize = 100
	})
	download := func(target string) []byte {
		t.Helper()
		rec := s.get(t, target)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d, want 200", target, rec.Code)
		}
		return rec.Body.Bytes()
	}
	first := download(profileURL("someone@btinternet.com", "imap", "Some One"))
	if got := download(profileURL("someone@btinternet.com", "imap", "Some One")); !bytes.Equal(got, first) {
		t.Errorf("second download differs from the first; want the cached bytes")
	}
	if n := cs.signs.Load(); n != 1 {
		t.Errorf("signatures after two equal downloads = %d, want 1", n)
	}
	for _, target := range []string{
		profileURL("someone@btinternet.com", "pop", "Some One"),
		profileURL("someone@btinternet.com", "imap", "Someone Else"),
		profileURL("Someone@btinternet.com", "imap", "Some One"), // EmailAddress keeps the case
		profileURL("other@btinternet.com", "imap", "Some One"),
	} {
		before := cs.signs.Load()
		download(target)
		if n := cs.signs.Load() - before; n != 1 {
			t.Errorf("GET %s signed %d times, want 1 (a different profile)", target, n)
		}
	}
	// The same key signs under the "new certificate", and ECDSA signatures
	// are deterministic: the count, not the bytes, tells a new signature.
	cs.fingerprint.Store("a new certificate")
	download(profileURL("someone@btinternet.com", "imap", "Some One"))
	if n := cs.signs.Load(); n != 6 {
		t.Errorf("signatures = %d, want 6: a download after a certificate change was not signed again", n)
	}
}

func TestDownloadCacheOff(t *testing.T) {
	cs := newCountingSigner(t)
	s := newTestServer(t, func(c *Config) { c.Signer = cs })
	for range 2 {
		if rec := s.get(t, profileURL("someone@btinternet.com", "imap", "")); rec.Code != http.StatusOK {
			t.Fatalf("GET /profile = %d, want 200", rec.Code)
		}
	}
	if n := cs.signs.Load(); n != 2 {
		t.Errorf("signatures without a cache = %d, want 2", n)
	}
}

// TestDownloadCacheUnsigned checks that unsigned profiles are cached too,
// and that the cache gives the same bytes as building afresh.
func TestDownloadCacheUnsigned(t *testing.T) {
	target := profileURL("someone@btinternet.com", "imap", "Some One")
	plain := newTestServer(t, func(c *Config) { c.Signer = nil })
	cached := newTestServer(t, func(c *Config) { c.Signer = nil; c.ProfileCacheSize = 10 })
	want := plain.get(t, target).Body.Bytes()
	for i := range 2 {
		if got := cached.get(t, target).Body.Bytes(); !bytes.Equal(got, want) {
			t.Errorf("download %d from the cache differs from an uncached build", i+1)
		}
	}
	if n, _ := cached.cache.len(); n != 1 {
		t.Errorf("cache entries = %d, want 1", n)
	}
}

func testAccount(t *testing.T) profile.Account {
	t.Helper()
	addr, err := profile.ParseAddress("someone@btinternet.com")
	if err != nil {
		t.Fatal(err)
	}
	srv := profile.Server{Host: "mail.btinternet.com", Port: 993, UseSSL: true, Auth: profile.AuthPassword, Username: addr.String()}
	return profile.Account{Address: addr, Name: "Some One", Protocol: profile.IMAP, Incoming: srv, Outgoing: srv, Provider: "BT Mail"}
}

func TestCacheKey(t *testing.T) {
	pc := newProfileCache(10, testOptions)
	base := pc.key(testAccount(t), provider.Origin{}, "fp", "en")
	if again := pc.key(testAccount(t), provider.Origin{}, "fp", "en"); again != base {
		t.Fatalf("key() of equal inputs differ")
	}
	tests := []struct {
		name   string
		change func(a *profile.Account, o *provider.Origin, signer *string)
	}{
		{"local part case", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Address.Local = "Someone" }},
		{"domain", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Address.Domain = "talk21.com" }},
		{"protocol", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Protocol = profile.POP }},
		{"name", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Name = "" }},
		{"name moved into provider", func(a *profile.Account, _ *provider.Origin, _ *string) {
			a.Name, a.Provider = "", "Some OneBT Mail"
		}},
		{"provider", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Provider = "BT" }},
		{"incoming host", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Incoming.Host = "imap.example.com" }},
		{"incoming port", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Incoming.Port = 143 }},
		{"incoming TLS", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Incoming.UseSSL = false }},
		{"incoming auth", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Incoming.Auth = profile.AuthCRAMMD5 }},
		{"incoming username", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Incoming.Username = "someone" }},
		{"outgoing host", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Outgoing.Host = "smtp.example.com" }},
		{"outgoing port", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Outgoing.Port = 587 }},
		{"outgoing STARTTLS", func(a *profile.Account, _ *provider.Origin, _ *string) { a.Outgoing.STARTTLS = true }},
		{"origin", func(_ *profile.Account, o *provider.Origin, _ *string) { o.Method = "autoconfig" }},
		{"unsigned", func(_ *profile.Account, _ *provider.Origin, s *string) { *s = "" }},
		{"signer", func(_ *profile.Account, _ *provider.Origin, s *string) { *s = "other" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, o, s := testAccount(t), provider.Origin{}, "fp"
			tt.change(&a, &o, &s)
			if pc.key(a, o, s, "en") == base {
				t.Errorf("key() did not change with the %s", tt.name)
			}
		})
	}
	opts := testOptions
	opts.Organization = "Another ISP"
	if newProfileCache(10, opts).key(testAccount(t), provider.Origin{}, "fp", "en") == base {
		t.Errorf("key() did not change with the profile options")
	}
}

func TestCacheEvicts(t *testing.T) {
	pc := newProfileCache(3, testOptions)
	body := func(n int) []byte { return bytes.Repeat([]byte{'x'}, n) }
	key := func(i int) cacheKey { return cacheKey{byte(i)} }
	for i := range 4 {
		pc.add(key(i), body(100))
	}
	if n, _ := pc.len(); n != 3 {
		t.Fatalf("entries = %d, want 3", n)
	}
	if _, ok := pc.lookup(key(0)); ok {
		t.Errorf("the oldest entry is still there")
	}
	pc.lookup(key(1)) // now the most recently used
	pc.add(key(4), body(100))
	if _, ok := pc.lookup(key(1)); !ok {
		t.Errorf("a recently used entry was evicted")
	}
	if _, ok := pc.lookup(key(2)); ok {
		t.Errorf("the least recently used entry is still there")
	}

	// 3 entries have a budget of 3 × ProfileCacheEntryBytes: two profiles
	// of 4/3 of it fit, a third pushes the oldest out, and one larger than
	// the budget is not kept.
	pc = newProfileCache(3, testOptions)
	for i := range 3 {
		pc.add(key(i), body(ProfileCacheEntryBytes*4/3))
	}
	if n, size := pc.len(); n != 2 || size > 3*ProfileCacheEntryBytes {
		t.Errorf("entries, bytes = %d, %d; want 2, at most %d", n, size, 3*ProfileCacheEntryBytes)
	}
	pc.add(key(9), body(3*ProfileCacheEntryBytes))
	if _, ok := pc.lookup(key(9)); ok {
		t.Errorf("an entry larger than the whole cache was kept")
	}
	if newProfileCache(0, testOptions) != nil {
		t.Errorf("newProfileCache(0) is not nil (off)")
	}
}

// TestCacheCollapses checks that concurrent requests for one key build
// once: a burst for one address signs once. Run it with -race.
func TestCacheCollapses(t *testing.T) {
	pc := newProfileCache(10, testOptions)
	var builds atomic.Int32
	release := make(chan struct{})
	build := func() ([]byte, error) {
		builds.Add(1)
		<-release
		return []byte("profile"), nil
	}
	var wg sync.WaitGroup
	var started sync.WaitGroup
	for range 16 {
		started.Add(1)
		wg.Go(func() {
			started.Done()
			body, err := pc.get(cacheKey{1}, build)
			if err != nil || string(body.bytes()) != "profile" {
				t.Errorf("get() = %q, %v; want profile, nil", body.bytes(), err)
			}
		})
	}
	started.Wait()
	for builds.Load() == 0 {
		runtime.Gosched() // until the one build runs and the others queue behind it
	}
	close(release)
	wg.Wait()
	if n := builds.Load(); n != 1 {
		t.Errorf("builds = %d, want 1", n)
	}

	// A failed build is not cached: the next request tries again.
	fail := func() ([]byte, error) { builds.Add(1); return nil, fmt.Errorf("no") }
	builds.Store(0)
	for range 2 {
		if _, err := pc.get(cacheKey{2}, fail); err == nil {
			t.Errorf("get() of a failing build = nil error")
		}
	}
	if n := builds.Load(); n != 2 {
		t.Errorf("failing builds = %d, want 2", n)
	}
}
