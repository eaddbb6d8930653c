package web

import (
	"bytes"
	"encoding/binary"
	"io"
	"slices"
	"sync"
)

// Compact cache entries.
//
// The profiles of one shape (shapeKey: one provider, kind, language,
// signer and set of servers) differ only where the address and the name
// go: of the 70 lines of a plist, about 11, and in those lines only the
// address or the name; then the DER lengths before the plist and, after
// it, the signing time, the digest and the signature. So the cache keeps
// the first profile of a shape once, as the shape's reference, and every
// profile of the shape, that first one included, as a recipe against it:
// runs of the reference's bytes by offset and length, the body's own
// bytes where they differ, and the place of the signer's chain.
//
// The recipe comes from comparing the body with the reference piece by
// piece: the plist (with the DER header before it) line by line, the k-th
// line with the k-th line, and the bytes after the chain (the
// SignerInfos) as one piece. Within two pieces, their common start and
// end are the reference's, and what lies between is compared byte by
// byte at the same offsets, where runs of minRun equal bytes are the
// reference's too. Runs that follow each other in the reference merge:
// a profile of the load test is about 35 parts, 300–500 bytes against
// 2.6–2.9 KB kept whole.
//
// Correctness does not rest on any of this: a recipe is put together
// and compared with the body as it was signed before it is kept, and a
// body whose recipe is not half its size or less (another layout, a
// different number of lines) becomes its shape's new reference instead:
// a mismatch costs memory, never a wrong byte. A shape counts its
// reference's bytes once, while entries use it; an entry counts its
// recipe.
//
// A recipe is a sequence of parts, each a little-endian uint16 header:
//   - 0: the chain (profileBody.chain);
//   - opLiteral|n: n bytes of the body's own, which follow;
//   - n: n bytes of the reference, at the uint16 offset that follows.
//
// So a reference is at most maxCompact bytes, and longer bodies are
// kept whole.

// cacheShape is the reference of the profiles of one shape.
type cacheShape struct {
	key   shapeKey
	ref   []byte // a body's rest (splitBody): never modified
	at    int    // where the chain went in ref: len(ref) when it had none
	users int    // entries that use it; pc.mu guards it
}

// shapeOverhead approximates what a shape costs beyond its reference: the
// struct and its slot in profileCache.shapes.
const shapeOverhead = 128

// cost is what a shape counts for in the cache's bytes while it is used.
func (sh *cacheShape) cost() int { return len(sh.ref) + shapeOverhead }

const (
	opLiteral  = 0x8000 // the header bit of a literal part
	maxOpLen   = 0x7fff // the longest part
	maxCompact = maxOpLen
	minRun     = 8 // shorter equal runs inside a differing piece stay literal: a part costs 4 bytes
)

// compact returns the built body as a compact body against ref, the
// reference of its shape k (nil when the shape has none yet). head and
// tail are the bytes before and after its chain, which goes between them
// (nil when it has none: head is then the whole body). When the body does
// not compact well against ref, it is made the reference of a new shape
// and compacted against itself. ok is false when the body is too long to
// compact.
func compact(k shapeKey, ref *cacheShape, head, tail, chain, built []byte) (profileBody, bool) {
	if len(head)+len(tail) > maxCompact {
		return profileBody{}, false
	}
	if ref != nil {
		if c, ok := compactAgainst(ref, head, tail, chain, built); ok {
			return c, true
		}
	}
	sh := &cacheShape{key: k, ref: joinRest(head, tail), at: len(head)}
	return compactAgainst(sh, head, tail, chain, built)
}

// compactAgainst makes the recipe of a body against sh and checks that it
// makes built. ok is false when it does not, or when the recipe is more
// than half of what the body would keep.
func compactAgainst(sh *cacheShape, head, tail, chain, built []byte) (profileBody, bool) {
	buf := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(buf)
	w := recipeWriter{out: (*buf)[:0], src: head}
	// The lines that are the same in both go at once, up to the line of
	// the first byte that differs, which is compared with its pair; off
	// is where in the reference the line paired with head[w.pos:] starts.
	refHead := sh.ref[:sh.at]
	for off := 0; w.pos < len(head); {
		same := commonPrefix(head[w.pos:], refHead[off:])
		if w.pos+same == len(head) {
			w.copyRef(off, same)
			break
		}
		lines := bytes.LastIndexByte(head[w.pos:w.pos+same], '\n') + 1
		w.copyRef(off, lines)
		off += lines
		n, m := lineLen(head[w.pos:]), lineLen(refHead[off:])
		w.diff(refHead[off:off+m], off, head[w.pos:w.pos+n])
		off += m
	}
	w.flushLiteral()
	if chain != nil {
		w.chain()
	}
	w.src, w.pos, w.lit = tail, 0, 0
	w.diff(sh.ref[sh.at:], sh.at, tail)
	w.flushLiteral()
	w.flushRun()
	if cap(w.out) <= maxPooledBody {
		*buf = w.out
	}
	if w.pos != len(tail) || len(w.out) > (len(head)+len(tail))/2 {
		return profileBody{}, false
	}
	c := profileBody{chain: chain, shape: sh, recipe: bytes.Clone(w.out), size: len(built)}
	check := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(check)
	got := c.appendCompact((*check)[:0])
	if cap(got) <= maxPooledBody {
		*check = got
	}
	return c, bytes.Equal(got, built)
}

// appendCompact appends the profile of a compact body to dst. It copies
// into dst grown to the profile's size at once rather than appending
// part by part: a recipe has dozens of parts.
func (b profileBody) appendCompact(dst []byte) []byte {
	n := len(dst)
	dst = slices.Grow(dst, b.size)[:n+b.size]
	out, ref, r := dst[n:], b.shape.ref, b.recipe
	i := 0
	for len(r) >= 2 {
		h := int(binary.LittleEndian.Uint16(r))
		r = r[2:]
		switch {
		case h == 0:
			i += copy(out[i:], b.chain)
		case h&opLiteral != 0:
			h &^= opLiteral
			i += copy(out[i:], r[:h])
			r = r[h:]
		default:
			off := int(binary.LittleEndian.Uint16(r))
			r = r[2:]
			i += copy(out[i:], ref[off:off+h])
		}
	}
	return dst[:n+i]
}

// writeCompact writes a compact body to w in one Write, put together in
// a pooled buffer (w must not keep it, as io.Writer says).
func (b profileBody) writeCompact(w io.Writer) (int, error) {
	buf := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(buf)
	if cap(*buf) < b.size {
		*buf = make([]byte, 0, b.size)
	}
	out := b.appendCompact((*buf)[:0])
	if cap(out) <= maxPooledBody {
		*buf = out
	} else {
		*buf = nil
	}
	return w.Write(out)
}

// bodyBuffers holds the buffers compact bodies are put together in, and
// recipes written in.
var bodyBuffers = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledBody bounds the buffers kept, so one very long profile cannot
// pin a large buffer.
const maxPooledBody = 16 << 10

// prepare turns the bytes of a build into what the cache keeps for key:
// compact against the reference of key's shape, or else without the
// chain (splitAt), which is shared (profileCache.share). pc.mu is taken
// briefly; the work is done outside.
func (pc *profileCache) prepare(key cacheKey, built []byte) profileBody {
	head, tail, chain := cutBody(built)
	pc.mu.Lock()
	chain = pc.share(profileBody{chain: chain}).chain
	ref := pc.shapes[key.shape()]
	pc.mu.Unlock()
	if key.shape() != (shapeKey{}) {
		if c, ok := compact(key.shape(), ref, head, tail, chain, built); ok {
			return c
		}
	}
	return splitAt(built, head, tail, chain)
}

// acquire counts a new user of b's shape: a shape that had none takes
// its key's slot (as the reference for the bodies to come) and counts
// its bytes again. pc.mu must be held.
func (pc *profileCache) acquire(b profileBody) {
	sh := b.shape
	if sh == nil {
		return
	}
	if sh.users == 0 {
		pc.shapes[sh.key] = sh
		pc.bytes += sh.cost()
	}
	sh.users++
}

// release counts a user of b's shape gone; a shape without users leaves
// the cache's bytes and its slot (unless another shape holds it now).
// pc.mu must be held.
func (pc *profileCache) release(b profileBody) {
	sh := b.shape
	if sh == nil {
		return
	}
	sh.users--
	if sh.users == 0 {
		pc.bytes -= sh.cost()
		if pc.shapes[sh.key] == sh {
			delete(pc.shapes, sh.key)
		}
	}
}
