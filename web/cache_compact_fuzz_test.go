package web

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzCompactBody puts a reference profile, then a real signed profile
// with any address and name, then any bytes, signed and not, into one
// shape of a cache, and holds every entry to the bytes added.
func FuzzCompactBody(f *testing.F) {
	s := newChainSigner(f, "ecdsa")
	ref, _ := buildSigned(f, s, "someone", "Some One")
	f.Add("jo.smith", "Jo Smith", []byte("<plist/>"))
	f.Add(strings.Repeat("x", 64), strings.Repeat("Ab ", 33)+"C", ref)
	f.Add("a", `A & B <c> "d" 'e'`, ref[:len(ref)/2])
	f.Add("someone", "<string>someone@btinternet.com</string>", bytes.ReplaceAll(ref, []byte("someone"), []byte("x")))
	f.Add("zoe", "Zoë 山田", []byte("\n\n<key>\n"))
	f.Fuzz(func(t *testing.T, local, name string, raw []byte) {
		pc := newProfileCache(1024, testOptions) // 1 MiB: bodies larger than that are not kept
		want := map[cacheKey][]byte{shapedKey(1, 0): ref}
		pc.add(shapedKey(1, 0), ref)
		if body, ok := buildSigned(t, s, local, name); ok {
			want[shapedKey(1, 1)] = body
			pc.add(shapedKey(1, 1), body)
		}
		want[shapedKey(1, 2)] = raw
		pc.add(shapedKey(1, 2), raw)
		if signed, err := s.Sign(raw); err == nil {
			want[shapedKey(1, 3)] = signed
			pc.add(shapedKey(1, 3), signed)
		}
		for key, b := range want {
			if _, ok := pc.lookup(key); ok || len(b) < 1<<20 {
				checkCached(t, pc, key, b)
			}
		}
		checkAccounting(t, pc)
	})
}

// countingWriter counts the Write calls made to it.
type countingWriter struct {
	bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	return w.Buffer.Write(p)
}

// TestCompactBodyWritesOnce holds a compact body to one Write: each Write
// to a ResponseWriter costs about 50 ns, and a recipe has dozens of parts.
func TestCompactBodyWritesOnce(t *testing.T) {
	s := newChainSigner(t, "ecdsa")
	pc := newProfileCache(10, testOptions)
	for i, local := range []string{"someone", "jo.smith"} {
		body, _ := buildSigned(t, s, local, "Some One")
		pc.add(shapedKey(1, i), body)
		got, _ := pc.lookup(shapedKey(1, i))
		var w countingWriter
		if n, err := got.writeTo(&w); err != nil || n != len(body) || !bytes.Equal(w.Bytes(), body) || w.writes != 1 {
			t.Errorf("writeTo(the profile of %s) = %d, %v in %d writes; want %d bytes, the profile, in 1", local, n, err, w.writes, len(body))
		}
	}
}
