package web

import (
	"bytes"
	"testing"
)

// BenchmarkProfileBodyWrite writes one cached ECDSA profile as the cache
// keeps it: split around the shared chain (three writes), and compact
// (put together in a pooled buffer, one write), as the first profile of
// its shape and as a typical one.
func BenchmarkProfileBodyWrite(b *testing.B) {
	pc, typical := loadTestCache(b)
	pc.add(shapedKey(1, 1), typical)
	first, _ := pc.lookup(shapedKey(1, 0))
	second, _ := pc.lookup(shapedKey(1, 1))
	for _, bc := range []struct {
		name string
		body profileBody
	}{
		{"split", splitBody(typical)},
		{"compact-reference", first},
		{"compact-typical", second},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var w bytes.Buffer
			w.Grow(len(typical))
			b.ReportAllocs()
			for b.Loop() {
				w.Reset()
				if _, err := bc.body.writeTo(&w); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCachePrepare is what an uncached download pays to cache its
// profile: splitting it, and compacting it against its shape's reference
// (or, before entries were compact, copying what it keeps).
func BenchmarkCachePrepare(b *testing.B) {
	pc, typical := loadTestCache(b)
	b.Run("split", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = splitBody(typical)
		}
	})
	b.Run("compact", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if c := pc.prepare(shapedKey(1, 1), typical); c.shape == nil {
				b.Fatal("not compact")
			}
		}
	})
}

// loadTestCache is a cache holding one ECDSA profile of the load test's
// kind, the first of its shape, and the profile of the next address.
func loadTestCache(b *testing.B) (*profileCache, []byte) {
	b.Helper()
	s := newChainSigner(b, "ecdsa")
	ref, _ := buildSigned(b, s, "distinct10000", "Load Test")
	typical, _ := buildSigned(b, s, "distinct10001", "Load Test")
	pc := newProfileCache(10, testOptions)
	pc.add(shapedKey(1, 0), ref)
	return pc, typical
}
