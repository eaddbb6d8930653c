package web

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// The recipe writer and the comparisons that compactAgainst makes a
// recipe with (cache_compact.go).

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
