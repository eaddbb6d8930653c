package web

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/signing"
)

// shapedKey is a cache key of shape s (never the zero shape) for entry id.
func shapedKey(s byte, id int) cacheKey {
	var k cacheKey
	copy(k[:], fmt.Sprint(id))
	k[sha256.Size] = s | 0x80
	return k
}

// buildSigned is the profile of local@btinternet.com named name, signed by
// s (unsigned when s is nil), or ok false when the address or the name is
// one that the server refuses.
func buildSigned(t testing.TB, s *signing.Signer, local, name string) (body []byte, ok bool) {
	t.Helper()
	addr, err := profile.ParseAddress(local + "@btinternet.com")
	if err != nil {
		return nil, false
	}
	if name, err = profile.ParseName(name); err != nil {
		return nil, false
	}
	srv := profile.Server{Host: "mail.btinternet.com", Port: 993, UseSSL: true, Auth: profile.AuthPassword, Username: addr.String()}
	acct := profile.Account{Address: addr, Name: name, Protocol: profile.IMAP, Incoming: srv, Outgoing: srv, Provider: "BT Mail"}
	doc, err := profile.Build(acct, testOptions)
	if err != nil {
		return nil, false
	}
	if s == nil {
		return doc, true
	}
	signed, err := s.Sign(doc)
	if err != nil {
		t.Fatal(err)
	}
	return signed, true
}

// checkCached fails unless the entry of key reads back as want, whole and
// written.
func checkCached(t *testing.T, pc *profileCache, key cacheKey, want []byte) profileBody {
	t.Helper()
	got, ok := pc.lookup(key)
	if !ok {
		t.Fatalf("lookup(%x) found nothing", key[:4])
	}
	checkJoins(t, got, want)
	return got
}

// TestCompactProfiles adds signed profiles of one shape with every kind
// of address and name to a cache, after a reference, and holds what the
// cache gives back to the bytes that were signed; typical ones must keep
// a small part of the profile, atypical ones only have to be right.
func TestCompactProfiles(t *testing.T) {
	for _, alg := range []string{"ecdsa", "rsa", "unsigned"} {
		t.Run(alg, func(t *testing.T) {
			var s *signing.Signer
			if alg != "unsigned" {
				s = newChainSigner(t, alg)
			}
			pc := newProfileCache(100, testOptions)
			ref, _ := buildSigned(t, s, "someone", "Some One")
			pc.add(shapedKey(1, 0), ref)
			checkCached(t, pc, shapedKey(1, 0), ref)
			tests := []struct {
				name, local, person string
				small               bool // must keep under a quarter of the profile
			}{
				{name: "typical", local: "jo.smith", person: "Jo Smith", small: true},
				{name: "same as the reference", local: "someone", person: "Some One", small: true},
				{name: "one character apart", local: "someonf", person: "Some One", small: true},
				{name: "long local part", local: strings.Repeat("x", 64), person: "Some One"}, // 11 times 64 bytes of its own
				{name: "escaped name", local: "a", person: `A & B <c> "d" 'e'`, small: true},
				{name: "non-ASCII name", local: "zoe", person: "Zoë Ångström 山田", small: true},
				{name: "long name", local: "someone", person: strings.Repeat("Ab ", 33) + "C", small: true},
				{name: "the reference's lines in the name", local: "someone", person: "<string>someone@btinternet.com</string><key>EmailAddress</key>"},
			}
			for i, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					body, ok := buildSigned(t, s, tt.local, tt.person)
					if !ok {
						t.Fatalf("the profile of %q, %q was refused", tt.local, tt.person)
					}
					key := shapedKey(1, i+1)
					pc.add(key, body)
					got := checkCached(t, pc, key, body)
					if got.shape == nil {
						t.Fatalf("the profile of %q, %q is kept whole (%d bytes), want compact", tt.local, tt.person, got.kept())
					}
					if tt.small && got.kept() > len(body)/4 {
						t.Errorf("the profile of %q, %q keeps %d of its %d bytes, want under a quarter", tt.local, tt.person, got.kept(), len(body))
					}
				})
			}
			checkCached(t, pc, shapedKey(1, 0), ref) // the reference itself, untouched
			if len(pc.shapes) != 1 {
				t.Errorf("%d shapes, want 1: every profile fits the reference", len(pc.shapes))
			}
		})
	}
}

// TestCompactMismatch adds to one shape bodies that do not fit its
// reference: each must read back right, and the shape takes the last
// misfit as its reference while the older reference lives on for its
// entries.
func TestCompactMismatch(t *testing.T) {
	s := newChainSigner(t, "ecdsa")
	sign := func(doc string) []byte {
		t.Helper()
		b, err := s.Sign([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	lines := strings.Repeat("<key>a line that every body of the shape shares</key>\n", 40)
	bodies := [][]byte{
		sign(lines + "<string>first</string>\n"),
		sign(lines + "<string>second</string>\n"),
		sign("an extra line\n" + strings.Repeat("another line that no other body has\n", 40)),
		[]byte(lines), // unsigned: no chain, no SignerInfos
		sign(lines + "<string>third</string>\n"),
		{},
		[]byte("\n\n\n"),
	}
	pc := newProfileCache(100, testOptions)
	for i, b := range bodies {
		pc.add(shapedKey(1, i), b)
	}
	for i, want := range bodies {
		checkCached(t, pc, shapedKey(1, i), want)
	}
	first, _ := pc.lookup(shapedKey(1, 0))
	misfit, _ := pc.lookup(shapedKey(1, 2))
	if first.shape == nil || misfit.shape == nil || first.shape == misfit.shape {
		t.Fatalf("the misfit did not become a reference of its own")
	}
	if got, _ := pc.lookup(shapedKey(1, 1)); got.shape != first.shape {
		t.Errorf("the second body is not compact against the first")
	}
	checkAccounting(t, pc)
}

// checkAccounting fails unless the cache's bytes are what its entries,
// their aliases and the shapes they use keep, each shape once.
func checkAccounting(t *testing.T, pc *profileCache) {
	t.Helper()
	pc.mu.Lock()
	defer pc.mu.Unlock()
	want, users := 0, map[*cacheShape]int{}
	for _, e := range pc.entries {
		want += e.body.kept() + entryOverhead
		for _, a := range e.aliases {
			want += len(a) + aliasOverhead
		}
		if e.body.shape != nil {
			users[e.body.shape]++
		}
	}
	for sh, n := range users {
		want += sh.cost()
		if sh.users != n {
			t.Errorf("a shape counts %d users, want %d", sh.users, n)
		}
	}
	for k, sh := range pc.shapes {
		if users[sh] == 0 {
			t.Errorf("shape %x is kept without users", k)
		}
	}
	if pc.bytes != want {
		t.Errorf("the cache counts %d bytes, want %d", pc.bytes, want)
	}
}

// TestCompactEviction fills a small cache past its bounds with profiles
// of two shapes and checks the accounting at every step: a shape counts
// once while it has entries, and leaves with its last one.
func TestCompactEviction(t *testing.T) {
	s := newChainSigner(t, "ecdsa")
	pc := newProfileCache(5, testOptions)
	for i := range 20 {
		body, _ := buildSigned(t, s, fmt.Sprintf("user%d", i), "Some One")
		key := shapedKey(byte(1+i/10), i)
		pc.add(key, body)
		pc.remember(key, fmt.Sprintf("request %d", i), &cachedDownload{})
		checkCached(t, pc, key, body)
		checkAccounting(t, pc)
	}
	if len(pc.shapes) != 1 {
		t.Errorf("%d shapes kept, want 1: the first shape's entries are all gone", len(pc.shapes))
	}
	pc.maxEntries = 0
	pc.mu.Lock()
	pc.evict()
	pc.mu.Unlock()
	if n, b := pc.len(); n != 0 || b != 0 || len(pc.shapes) != 0 {
		t.Errorf("emptied cache: %d entries, %d bytes, %d shapes; want none", n, b, len(pc.shapes))
	}
}

// TestCacheCompactsDownloads checks that downloads through the server
// land in the cache compact: profiles of one provider share a reference,
// and each entry keeps a small part of its profile.
func TestCacheCompactsDownloads(t *testing.T) {
	s := newTestServer(t, func(c *Config) {
		c.Signer = newChainSigner(t, "ecdsa")
		c.ProfileCacheSize = 50
	})
	for i, email := range []string{"someone@btinternet.com", "jo.smith@talk21.com", "Ann.Other@btinternet.com"} {
		rec := s.get(t, profileURL(email, "imap", fmt.Sprintf("Person %d", i)))
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d, want 200", email, rec.Code)
		}
	}
	pc := s.cache
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if len(pc.shapes) != 1 {
		t.Errorf("%d shapes for one provider's profiles, want 1", len(pc.shapes))
	}
	for _, e := range pc.entries {
		if e.body.shape == nil || e.body.kept() > e.body.len()/4 {
			t.Errorf("an entry keeps %d of %d bytes, want a compact quarter at most", e.body.kept(), e.body.len())
		}
	}
}

// TestCompactFlight checks that a caller waiting for a build gets the
// compact body the cache keeps, and that it is the bytes built, while the
// caller that built gets them whole.
func TestCompactFlight(t *testing.T) {
	s := newChainSigner(t, "ecdsa")
	pc := newProfileCache(10, testOptions)
	ref, _ := buildSigned(t, s, "someone", "Some One")
	pc.add(shapedKey(1, 0), ref)
	body, _ := buildSigned(t, s, "jo.smith", "Jo Smith")
	key := shapedKey(1, 1)
	started, release := make(chan struct{}), make(chan struct{})
	built := make(chan profileBody, 1)
	go func() {
		b, _ := pc.get(key, func() ([]byte, error) {
			close(started)
			<-release
			return body, nil
		})
		built <- b
	}()
	<-started
	waited := make(chan profileBody, 1)
	go func() {
		b, _ := pc.get(key, func() ([]byte, error) { return nil, errors.New("built twice") })
		waited <- b
	}()
	waitForWaiters(t, pc, key)
	close(release)
	if b := <-built; b.shape != nil || !bytes.Equal(b.bytes(), body) {
		t.Errorf("the building caller got a body compact %v, want the bytes built, whole", b.shape != nil)
	}
	b := <-waited
	if b.shape == nil {
		t.Errorf("the waiting caller got a body kept whole, want the cache's compact one")
	}
	checkJoins(t, b, body)
}
