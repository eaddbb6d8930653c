package signing

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"go.mozilla.org/pkcs7"
)

// ErrNotSigned means the data is not CMS SignedData, typically because it is
// a plain (unsigned) property list.
var ErrNotSigned = errors.New("not a CMS signed message")

// ErrBadSignature means the digest or the signature does not verify: the
// content was changed after signing, or the signature is broken. Devices
// refuse such a profile as malformed.
var ErrBadSignature = errors.New("the signature does not verify")

// Verification describes a signed profile, for the inspect command.
type Verification struct {
	Content      []byte              // the signed bytes (the plist)
	Signer       *x509.Certificate   // the signer's certificate; nil if not embedded
	Certificates []*x509.Certificate // every embedded certificate, in file order
	Signers      int                 // number of SignerInfos; devices require 1
	DigestSHA256 bool                // the signer's digest algorithm is SHA-256
	SigningTime  time.Time           // the signingTime attribute; zero if absent
	SignatureOK  bool                // digest and signature verify

	// ChainOK reports whether a path builds from Signer through the embedded
	// certificates to one of the roots passed to Verify, at the time passed
	// to Verify, for any extended key usage (Apple's basic X.509 policy).
	// It is false when no roots were given; ChainErr then stays nil.
	ChainOK  bool
	ChainErr error

	NotAfter time.Time // when Signer expires
	Expired  bool      // Signer has expired at the time passed to Verify
}

// IsSigned reports whether data is DER or BER CMS SignedData rather than a
// plain XML or binary property list. Unlike [Verify], it tolerates bytes after
// the message, such as a stray newline.
func IsSigned(data []byte) bool {
	if !hasSignedDataPrefix(data) {
		return false
	}
	_, err := parse(data)
	return err == nil
}

// Verify parses CMS SignedData, checks the digest and the signature and, when
// roots is not nil, the certificate chain at now.
//
// Verify returns an error wrapping [ErrNotSigned] when data is not CMS
// SignedData, and an error when there is not exactly one signer, when the
// content is detached or when the signature does not verify (wrapping
// [ErrBadSignature]). Except for ErrNotSigned, the returned Verification is
// filled as far as parsing went, so that inspect can still show the
// certificates. A broken chain is not an error: see ChainOK and ChainErr.
func Verify(data []byte, roots *x509.CertPool, now time.Time) (v *Verification, err error) {
	// pkcs7 has panicked on malformed input before (GHSA-mq3g-qwhv-4hgw),
	// and inspect reads files of unknown origin.
	defer func() {
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("%w: malformed CMS data (%v)", ErrNotSigned, r)
		}
	}()
	if !hasSignedDataPrefix(data) {
		return nil, fmt.Errorf("%w: %s", ErrNotSigned, describe(data))
	}
	if n := trailingBytes(data); n > 0 { // e.g. a newline added by an editor
		return nil, fmt.Errorf("%w: %d trailing bytes after the CMS message", ErrNotSigned, n)
	}
	p7, err := parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSigned, err)
	}
	v = &Verification{
		Content:      p7.Content,
		Certificates: p7.Certificates,
		Signers:      len(p7.Signers),
	}
	if v.Signers != 1 {
		return v, fmt.Errorf("the message has %d signers; devices require exactly one", v.Signers)
	}
	v.DigestSHA256 = p7.Signers[0].DigestAlgorithm.Algorithm.Equal(pkcs7.OIDDigestAlgorithmSHA256)
	_ = p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &v.SigningTime) // optional
	v.Signer = p7.GetOnlySigner()
	if v.Signer == nil {
		return v, errors.New("the signer's certificate is not embedded")
	}
	v.NotAfter = v.Signer.NotAfter
	v.Expired = now.After(v.Signer.NotAfter)
	if len(p7.Content) == 0 {
		return v, errors.New("the message carries no content (a detached signature); devices need it attached")
	}
	// Signature only: the chain is checked below with crypto/x509, so that a
	// bad signature and an untrusted chain are reported apart and ChainErr
	// keeps its x509 type. (pkcs7 also refuses a signingTime outside the
	// signer's validity here.)
	if err := p7.VerifyWithChainAtTime(nil, now); err != nil {
		return v, signatureError(err)
	}
	v.SignatureOK = true
	if roots != nil {
		v.ChainErr = verifyChain(v.Signer, v.Certificates, roots, now)
		v.ChainOK = v.ChainErr == nil
	}
	return v, nil
}

func verifyChain(leaf *x509.Certificate, embedded []*x509.Certificate, roots *x509.CertPool, now time.Time) error {
	intermediates := x509.NewCertPool()
	for _, c := range embedded {
		intermediates.AddCert(c)
	}
	_, err := leaf.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: intermediates,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err
}

func signatureError(err error) error {
	var mismatch *pkcs7.MessageDigestMismatchError
	if errors.As(err, &mismatch) {
		return fmt.Errorf("%w: the content does not match the signed digest (changed after signing)", ErrBadSignature)
	}
	return fmt.Errorf("%w: %w", ErrBadSignature, err)
}

// parse is pkcs7.Parse, with a panic turned into an error.
func parse(data []byte) (p7 *pkcs7.PKCS7, err error) {
	defer func() {
		if r := recover(); r != nil {
			p7, err = nil, fmt.Errorf("malformed CMS data (%v)", r)
		}
	}()
	return pkcs7.Parse(data)
}

// oidSignedData is the DER encoding of the OID 1.2.840.113549.1.7.2, with its
// tag and length.
var oidSignedData = []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02}

// header reads the tag and length of the outer SEQUENCE of a ContentInfo.
// size is the length of the whole encoding, or -1 for a BER indefinite
// length; n is the length of the header.
func header(data []byte) (n, size int, ok bool) {
	if len(data) < 2 || data[0] != 0x30 {
		return 0, 0, false
	}
	l := data[1]
	switch {
	case l < 0x80:
		return 2, 2 + int(l), true
	case l == 0x80:
		return 2, -1, true
	case l > 0x84:
		return 0, 0, false
	}
	n = 2 + int(l&0x7f)
	if len(data) < n {
		return 0, 0, false
	}
	for _, b := range data[2:n] {
		size = size<<8 | int(b)
	}
	return n, n + size, true
}

// hasSignedDataPrefix reports whether data starts like a ContentInfo of type
// signedData: a SEQUENCE whose first element is the signedData OID.
// pkcs7.Parse also accepts enveloped and encrypted data, which are not signed
// profiles.
func hasSignedDataPrefix(data []byte) bool {
	n, _, ok := header(data)
	return ok && bytes.HasPrefix(data[n:], oidSignedData)
}

// trailingBytes counts the bytes after a definite-length message, which
// pkcs7.Parse silently ignores (its check in ber2der is commented out).
func trailingBytes(data []byte) int {
	_, size, ok := header(data)
	if !ok || size < 0 || size > len(data) {
		return 0
	}
	return len(data) - size
}

// describe says what data is when it is not CMS SignedData.
func describe(data []byte) string {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return "the data is empty"
	case bytes.HasPrefix(trimmed, []byte("<?xml")), bytes.HasPrefix(trimmed, []byte("<!DOCTYPE plist")),
		bytes.HasPrefix(trimmed, []byte("<plist")):
		return "the data is an unsigned XML property list"
	case bytes.HasPrefix(data, []byte("bplist")):
		return "the data is an unsigned binary property list"
	}
	return "the data does not start with a CMS SignedData header"
}
