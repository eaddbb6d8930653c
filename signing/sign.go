package signing

import (
	"crypto"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"
)

// Sign wraps content in a DER-encoded CMS SignedData with the content
// attached, one SignerInfo, a SHA-256 digest, and the leaf and intermediates
// embedded (apple-profiles.md §5.2). The signature covers the exact bytes:
// serve the result unchanged.
//
// The CMS is written by a fixed-shape DER writer (cms.go) whose output is
// held byte for byte to go.mozilla.org/pkcs7's (AddSigner, AddCertificate
// per intermediate, Finish) by tests and fuzzing. Load encoded the parts
// that never change; each call hashes the content, writes the signed
// attributes, signs once and appends everything into one slice.
//
// The signed attributes hold the signing time (the machine's clock, or
// the one given to WithClock), so the output changes from second to
// second; within one second it is the same for the same content, ECDSA
// signatures included (RFC 6979, see signatureRandom).
//
// Sign is safe for concurrent use: it only reads the Signer.
func (s *Signer) Sign(content []byte) ([]byte, error) {
	if s.now != nil {
		return s.signAt(content, s.now())
	}
	return s.signAt(content, time.Now())
}

// signAt is Sign with the signing time given, for tests.
func (s *Signer) signAt(content []byte, now time.Time) ([]byte, error) {
	if len(content) == 0 {
		// An empty content would look like a detached signature to devices.
		return nil, errors.New("nothing to sign: the content is empty")
	}
	digest := sha256.Sum256(content)
	var buf [maxSignedAttrs]byte
	attrs, err := appendSignedAttrs(buf[:0], &digest, now)
	if err != nil {
		return nil, err
	}
	// The signature covers the attributes as a SET, as RFC 5652 §5.4 asks,
	// hashed first, with the hash as the options as pkcs7 passes them.
	attrsDigest := sha256.Sum256(attrs)
	sig, err := s.key.Sign(s.random, attrsDigest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("sign the attributes: %w", err)
	}
	return s.cms.assemble(content, attrs[2:], sig), nil // without the SET's two-byte header
}
