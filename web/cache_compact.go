package web

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/bits"
	"slices"
	"sync"

	"github.com/mailprofile/mailprofile/signing"
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
// a profile of the load test is about 40 parts, 300–500 bytes against
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
	rest := make([]byte, 0, len(head)+len(tail))
	rest = append(append(rest, head...), tail...)
	sh := &cacheShape{key: k, ref: rest, at: len(head)}
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

// lineLen is the length of b's first line, its '\n' included.
func lineLen(b []byte) int {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return i + 1
	}
	return len(b)
}

// commonPrefix is how many bytes a and b have in common at their start:
// 64 at a time while they are equal, then 8.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+64 <= n && bytes.Equal(a[i:i+64], b[i:i+64]) {
		i += 64
	}
	for ; i+8 <= n; i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix is how many bytes a and b have in common at their end.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		x := binary.LittleEndian.Uint64(a[len(a)-i-8:]) ^ binary.LittleEndian.Uint64(b[len(b)-i-8:])
		if x != 0 {
			return i + bits.LeadingZeros64(x)/8
		}
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// recipeWriter writes a recipe for src, walked from its start: each part
// either copies a run of the reference or takes src's own bytes. It holds
// back the part under way, so that runs that follow each other in the
// reference, and literals that follow each other in src, become one part.
type recipeWriter struct {
	out    []byte
	src    []byte
	pos    int // how much of src the recipe covers
	lit    int // the literal under way is src[lit:pos]
	runOff int // the reference run under way: runLen bytes at runOff
	runLen int
}

// diff covers the piece of src at pos that corresponds to ref, the piece
// of the reference at off.
func (w *recipeWriter) diff(ref []byte, off int, piece []byte) {
	p := commonPrefix(ref, piece)
	s := commonSuffix(ref[p:], piece[p:])
	w.copyRef(off, p)
	mid, refMid := piece[p:len(piece)-s], ref[p:len(ref)-s]
	lit := 0 // mid[lit:i] is the piece's own
	for i := 0; i < len(mid); {
		if i >= len(refMid) {
			break
		}
		if mid[i] != refMid[i] {
			i++
			continue
		}
		run := commonPrefix(mid[i:], refMid[i:])
		if run >= minRun {
			w.literal(i - lit)
			w.copyRef(off+p+i, run)
			lit = i + run
		}
		i += run
	}
	w.literal(len(mid) - lit)
	w.copyRef(off+len(ref)-s, s)
}

// copyRef covers the next n bytes of src with the reference's at off.
func (w *recipeWriter) copyRef(off, n int) {
	if n == 0 {
		return
	}
	w.flushLiteral()
	if w.runLen > 0 && w.runOff+w.runLen == off {
		w.runLen += n
	} else {
		w.flushRun()
		w.runOff, w.runLen = off, n
	}
	w.pos += n
	w.lit = w.pos
}

// literal covers the next n bytes of src with themselves.
func (w *recipeWriter) literal(n int) {
	if n == 0 {
		return
	}
	w.flushRun()
	w.pos += n
}

// chain puts the chain at this point.
func (w *recipeWriter) chain() {
	w.flushLiteral()
	w.flushRun()
	w.out = append(w.out, 0, 0)
}

func (w *recipeWriter) flushRun() {
	if w.runLen == 0 {
		return
	}
	w.out = binary.LittleEndian.AppendUint16(w.out, uint16(w.runLen))
	w.out = binary.LittleEndian.AppendUint16(w.out, uint16(w.runOff))
	w.runLen = 0
}

func (w *recipeWriter) flushLiteral() {
	for w.lit < w.pos {
		n := min(w.pos-w.lit, maxOpLen)
		w.out = binary.LittleEndian.AppendUint16(w.out, uint16(n)|opLiteral)
		w.out = append(w.out, w.src[w.lit:w.lit+n]...)
		w.lit += n
	}
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
// chain (splitBody), which is shared (profileCache.share). pc.mu is taken
// briefly; the work is done outside.
func (pc *profileCache) prepare(key cacheKey, built []byte) profileBody {
	head, tail, chain := built, []byte(nil), []byte(nil)
	if start, end, ok := signing.CertificatesField(built); ok {
		head, tail, chain = built[:start], built[end:], built[start:end:end]
	}
	pc.mu.Lock()
	chain = pc.share(profileBody{chain: chain}).chain
	ref := pc.shapes[key.shape()]
	pc.mu.Unlock()
	if key.shape() != (shapeKey{}) {
		if c, ok := compact(key.shape(), ref, head, tail, chain, built); ok {
			return c
		}
	}
	b := splitBody(built)
	b.chain = chain
	return b
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
