package web

import (
	"bytes"
	"io"

	"github.com/mailprofile/mailprofile/signing"
)

// profileBody is a profile's bytes as the cache keeps them. Every profile
// signed by one certificate carries the same chain (the leaf and the
// intermediates, 1–2.5 KB of DER) in its CMS certificates field, a third
// to a half of the whole: a cached entry keeps the bytes around that run
// in rest and shares the run itself, one copy per signer, with every other
// entry of that signer. Served, the parts are written in order: rest up to
// at, chain, the rest of rest. A body without the run (unsigned, or not
// split) is all in rest, with chain nil.
//
// A compact body (shape set, cache_compact.go) keeps no rest: recipe
// makes the profile from its shape's reference, its chain and the few
// bytes of its own that the recipe holds.
//
// The parts are never modified: the cache and its readers share them.
type profileBody struct {
	rest  []byte // the bytes before the chain, then those after it
	at    int    // where in rest the chain goes
	chain []byte // the CMS certificates field, shared; nil when whole

	shape  *cacheShape // set when compact; rest is nil then
	recipe []byte      // a compact body's recipe
	size   int         // a compact body's length
}

// wholeBody is b kept as it is.
func wholeBody(b []byte) profileBody { return profileBody{rest: b} }

// len is the size of the profile.
func (b profileBody) len() int {
	if b.shape != nil {
		return b.size
	}
	return len(b.rest) + len(b.chain)
}

// kept is what the body holds beyond what its signer and its shape share.
func (b profileBody) kept() int { return len(b.rest) + len(b.recipe) }

// bytes returns the profile in one slice: rest itself when whole, else a
// new copy.
func (b profileBody) bytes() []byte {
	switch {
	case b.shape != nil:
		return b.appendCompact(make([]byte, 0, b.size))
	case b.chain == nil:
		return b.rest
	}
	out := make([]byte, 0, b.len())
	out = append(out, b.rest[:b.at]...)
	out = append(out, b.chain...)
	return append(out, b.rest[b.at:]...)
}

// writeTo writes the profile to w and returns the bytes written. A split
// body goes in its three parts: net/http buffers a response, so they cost
// no extra system call. A compact one is put together in a pooled buffer
// and written at once: its recipe has dozens of parts, and each Write to
// a ResponseWriter costs about 50 ns.
func (b profileBody) writeTo(w io.Writer) (int, error) {
	if b.shape != nil {
		return b.writeCompact(w)
	}
	if b.chain == nil {
		return w.Write(b.rest)
	}
	n, err := w.Write(b.rest[:b.at])
	if err != nil {
		return n, err
	}
	m, err := w.Write(b.chain)
	n += m
	if err != nil {
		return n, err
	}
	m, err = w.Write(b.rest[b.at:])
	return n + m, err
}

// splitBody cuts the CMS certificates field out of a signed profile: the
// returned body's rest is a new slice, its chain a slice of body (which
// the cache replaces by its shared copy, profileCache.share). A body
// without the field, or one whose DER it cannot follow, comes back whole.
func splitBody(body []byte) profileBody {
	head, tail, chain := cutBody(body)
	return splitAt(body, head, tail, chain)
}

// cutBody finds the CMS certificates field of a signed profile: the
// bytes before it, those after it, and the field, all slices of body.
// Without the field, or when its DER cannot be followed, head is body and
// the others nil.
func cutBody(body []byte) (head, tail, chain []byte) {
	start, end, ok := signing.CertificatesField(body)
	if !ok {
		return body, nil, nil
	}
	return body[:start], body[end:], body[start:end:end]
}

// splitAt is body, cut by cutBody, kept without its chain (splitBody);
// chain may be the cache's shared copy of body's.
func splitAt(body, head, tail, chain []byte) profileBody {
	if chain == nil {
		return wholeBody(body)
	}
	return profileBody{rest: joinRest(head, tail), at: len(head), chain: chain}
}

// joinRest returns head and tail in one new slice.
func joinRest(head, tail []byte) []byte {
	rest := make([]byte, 0, len(head)+len(tail))
	return append(append(rest, head...), tail...)
}

// share makes b's chain the cache's copy of it: the one kept when it is
// the same bytes, else a copy of b's that becomes the one kept (a reloaded
// certificate; entries of the old one keep theirs until they age out).
// pc.mu must be held.
func (pc *profileCache) share(b profileBody) profileBody {
	if b.chain == nil {
		return b
	}
	if !bytes.Equal(b.chain, pc.chain) {
		pc.chain = bytes.Clone(b.chain)
	}
	b.chain = pc.chain
	return b
}
