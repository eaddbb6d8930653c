package web

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"testing"
)

// TestCacheSharesChain checks that the entries of one signer keep one
// copy of its chain, that a new signer's entries get the new chain while
// the old ones keep theirs, and that every entry still reads back as the
// bytes that were added.
func TestCacheSharesChain(t *testing.T) {
	old, renewed := newChainSigner(t, "ecdsa"), newChainSigner(t, "ecdsa")
	pc := newProfileCache(10, testOptions)
	bodies := map[cacheKey][]byte{}
	add := func(k byte, body []byte) profileBody {
		t.Helper()
		key := cacheKey{k}
		bodies[key] = bytes.Clone(body)
		pc.add(key, body)
		got, ok := pc.lookup(key)
		if !ok {
			t.Fatalf("lookup(%d) found nothing", k)
		}
		if got.chain != nil {
			clear(body) // a split entry must hold none of the built bytes: they would stay alive
		}
		return got
	}
	sign := func(s interface{ Sign([]byte) ([]byte, error) }, content string) []byte {
		t.Helper()
		b, err := s.Sign([]byte(content))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	signed := sign(old, "<plist>one</plist>")
	a := add(1, signed)
	b := add(2, sign(old, "<plist>two, a little longer</plist>"))
	if a.chain == nil || &a.chain[0] != &b.chain[0] {
		t.Errorf("two entries of one signer keep two chains, want one shared")
	}
	if want := len(bodies[cacheKey{1}]) - len(chainField(old)); a.kept() != want {
		t.Errorf("entry keeps %d bytes, want %d (the body without its chain)", a.kept(), want)
	}
	c := add(3, sign(renewed, "<plist>one</plist>"))
	if !bytes.Equal(c.chain, chainField(renewed)) {
		t.Errorf("entry of the renewed signer has a chain of %d bytes, not the renewed chain", len(c.chain))
	}
	add(4, []byte("<plist>unsigned</plist>"))
	for key, want := range bodies {
		got, _ := pc.lookup(key)
		if !bytes.Equal(got.bytes(), want) {
			t.Errorf("entry %d = %q, want the bytes added, %q", key[0], got.bytes(), want)
		}
	}
	if _, bytes := pc.len(); bytes != a.kept()+b.kept()+c.kept()+len("<plist>unsigned</plist>")+4*entryOverhead {
		t.Errorf("cache accounts for %d bytes, want what its entries keep", bytes)
	}
}

// TestCacheHoldsTypicalProfiles fills a cache of DefaultProfileCacheSize
// entries as the load test does (distinct addresses, one download each)
// and checks that the byte budget keeps all of them: with the chain
// shared and the entries compact against the first profile, a typical
// entry fits in ProfileCacheEntryBytes. Every download
// is then repeated from the fast path and must be the same bytes, with
// the whole length in Content-Length.
func TestCacheHoldsTypicalProfiles(t *testing.T) {
	for _, alg := range []string{"ecdsa", "rsa"} {
		t.Run(alg, func(t *testing.T) {
			s := newTestServer(t, func(c *Config) {
				c.Signer = newChainSigner(t, alg)
				c.ProfileCacheSize = DefaultProfileCacheSize
			})
			first := make([][]byte, DefaultProfileCacheSize)
			target := func(i int) string {
				return profileURL(fmt.Sprintf("distinct%d@btinternet.com", 10000+i), "imap", "Load Test")
			}
			for i := range first {
				rec := s.get(t, target(i))
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s = %d, want 200", target(i), rec.Code)
				}
				first[i] = rec.Body.Bytes()
			}
			entries, used := s.cache.len()
			t.Logf("%s: profiles of %d bytes; %d entries take %d bytes, %d each", alg, len(first[0]), entries, used, used/max(entries, 1))
			if entries != DefaultProfileCacheSize {
				t.Errorf("cache holds %d entries after %d downloads, want all of them within %d bytes", entries, len(first), DefaultProfileCacheSize*ProfileCacheEntryBytes)
			}
			for i, want := range first {
				rec := s.get(t, target(i))
				if !bytes.Equal(rec.Body.Bytes(), want) {
					t.Fatalf("repeated GET %s differs from the first answer", target(i))
				}
				if got := rec.Header().Get("Content-Length"); got != strconv.Itoa(len(want)) {
					t.Fatalf("repeated GET %s has Content-Length %s, want %d", target(i), got, len(want))
				}
			}
		})
	}
}
