package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"
)

// The CMS that Sign writes is byte for byte what go.mozilla.org/pkcs7 v0.10.0
// writes for NewSignedData, SetDigestAlgorithm(SHA-256), AddSigner and
// AddCertificate per intermediate, then Finish (cms_test.go and
// cms_fuzz_test.go hold it to that). In DER, with what is fixed per Signer
// marked:
//
//	ContentInfo SEQUENCE {
//	  contentType signedData (1.2.840.113549.1.7.2)
//	  [0] EXPLICIT SignedData SEQUENCE {
//	    version 1, digestAlgorithms SET { sha256 }          fixed
//	    encapContentInfo SEQUENCE {
//	      eContentType data (1.2.840.113549.1.7.1)
//	      [0] EXPLICIT OCTET STRING content }
//	    certificates [0] IMPLICIT leaf, intermediates...    per Signer
//	    signerInfos SET { SignerInfo SEQUENCE {
//	      version 1, issuerAndSerialNumber, sha256          per Signer
//	      signedAttrs [0] IMPLICIT                          per call
//	      signatureAlgorithm                                per Signer
//	      signature OCTET STRING } } } }
//
// Algorithm identifiers have no parameters (not even NULL), the version 1
// INTEGERs are written although 1 is their ASN.1 default, and there are no
// CRLs and no unsigned attributes, all as pkcs7 writes them.

// Tags used in the CMS.
const (
	tagInteger     = 0x02
	tagOctetString = 0x04
	tagSequence    = 0x30
	tagSet         = 0x31
	tagContext0    = 0xa0 // [0], constructed
	tagUTCTime     = 0x17
	tagGenTime     = 0x18
)

var (
	// sdHead is SignedData's version 1 and its digestAlgorithms, SET {
	// AlgorithmIdentifier { sha256 } }.
	sdHead = []byte{tagInteger, 0x01, 0x01, tagSet, 0x0d, 0x30, 0x0b,
		0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}
	// algSHA256 is the AlgorithmIdentifier of SHA-256 (2.16.840.1.101.3.4.2.1).
	algSHA256 = []byte{0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01}
	// algRSAWithSHA256 is sha256WithRSAEncryption (1.2.840.113549.1.1.11),
	// pkcs7's choice for an RSA key and a SHA-256 digest; the signature is
	// PKCS #1 v1.5.
	algRSAWithSHA256 = []byte{0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b}
	// algECDSAWithSHA256 is ecdsa-with-SHA256 (1.2.840.10045.4.3.2), pkcs7's
	// choice for an ECDSA key of any curve and a SHA-256 digest.
	algECDSAWithSHA256 = []byte{0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02}
	// oidData is the OID 1.2.840.113549.1.7.1 with its tag and length.
	oidData = []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01}
	// attrContentType is the whole contentType attribute: SEQUENCE {
	// 1.2.840.113549.1.9.3, SET { data } }.
	attrContentType = []byte{0x30, 0x18, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03,
		tagSet, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01}
	// oidSigningTime is the OID 1.2.840.113549.1.9.5 with its tag and length.
	oidSigningTime = []byte{0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05}
	// attrMessageDigestHead is the messageDigest attribute up to the
	// SHA-256 value: SEQUENCE { 1.2.840.113549.1.9.4, SET { OCTET STRING
	// of 32 bytes } }.
	attrMessageDigestHead = []byte{0x30, 0x2f, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04,
		tagSet, 0x22, tagOctetString, 0x20}
)

// maxSignedAttrs is the size of the signed attributes as a SET, with a
// GeneralizedTime; with a UTCTime they are two bytes shorter.
const maxSignedAttrs = 2 + 26 + 32 + 49

// cmsTemplate holds the parts of the CMS that are the same in every
// signature of a Signer, encoded once by Load. It is never modified.
type cmsTemplate struct {
	certs      []byte // certificates: [0] IMPLICIT, the leaf then the intermediates
	signerHead []byte // SignerInfo's version, issuerAndSerialNumber and digestAlgorithm
	sigAlg     []byte // SignerInfo's signatureAlgorithm
}

// issuerAndSerial mirrors pkcs7's type, so that encoding/asn1 writes the
// serial number (an INTEGER from a big.Int) as it does.
type issuerAndSerial struct {
	IssuerName   asn1.RawValue
	SerialNumber *big.Int
}

// newCMSTemplate encodes what does not change between signatures. The
// signer is named by the leaf's issuer and serial number, as pkcs7's
// AddSigner does; Load made sure the issuer is byte for byte the subject of
// the first intermediate.
func newCMSTemplate(leaf *x509.Certificate, intermediates []*x509.Certificate, key crypto.Signer) (cmsTemplate, error) {
	var t cmsTemplate
	switch key.(type) {
	case *rsa.PrivateKey:
		t.sigAlg = algRSAWithSHA256
	case *ecdsa.PrivateKey:
		t.sigAlg = algECDSAWithSHA256
	default:
		return t, keyError(fmt.Sprintf("unsupported key type %T; use an RSA or ECDSA key", key), nil)
	}
	n := len(leaf.Raw)
	for _, c := range intermediates {
		n += len(c.Raw)
	}
	t.certs = appendHeader(make([]byte, 0, sizeTLV(n)), tagContext0, n)
	t.certs = append(t.certs, leaf.Raw...)
	for _, c := range intermediates {
		t.certs = append(t.certs, c.Raw...)
	}
	sid, err := asn1.Marshal(issuerAndSerial{
		IssuerName:   asn1.RawValue{FullBytes: leaf.RawIssuer},
		SerialNumber: leaf.SerialNumber,
	})
	if err != nil {
		return t, certError("the leaf's issuer and serial number cannot be encoded", err)
	}
	t.signerHead = append([]byte{tagInteger, 0x01, 0x01}, sid...)
	t.signerHead = append(t.signerHead, algSHA256...)
	return t, nil
}

// appendSignedAttrs appends the signed attributes as the SET that the
// signature covers; the CMS carries the same bytes tagged [0] IMPLICIT.
// pkcs7 sorts the attributes by their DER encoding, which for these three
// comes down to their lengths: contentType (0x18), signingTime (0x1c or
// 0x1e), messageDigest (0x2f).
func appendSignedAttrs(b []byte, digest *[32]byte, signingTime time.Time) ([]byte, error) {
	var buf [17]byte
	tm, err := appendTime(buf[:0], signingTime)
	if err != nil {
		return nil, err
	}
	attrTime := len(oidSigningTime) + 2 + len(tm)
	n := len(attrContentType) + 2 + attrTime + len(attrMessageDigestHead) + len(digest)
	b = append(b, tagSet, byte(n)) // n is 105 or 107: short form
	b = append(b, attrContentType...)
	b = append(b, tagSequence, byte(attrTime))
	b = append(b, oidSigningTime...)
	b = append(b, tagSet, byte(len(tm)))
	b = append(b, tm...)
	b = append(b, attrMessageDigestHead...)
	return append(b, digest[:]...), nil
}

// appendTime appends t as encoding/asn1 marshals a time.Time, which is what
// pkcs7 hands it (time.Now().UTC()): in UTC, to the second, as a UTCTime
// (YYMMDDHHMMSSZ) from 1950 to 2049 and as a GeneralizedTime
// (YYYYMMDDHHMMSSZ) outside that range, which encoding/asn1 limits to the
// years 0 to 9999.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	year := t.Year()
	switch {
	case 1950 <= year && year < 2050:
		b = append(b, tagUTCTime, 13)
		b = appendTwoDigits(b, year%100)
	case 0 <= year && year <= 9999:
		b = append(b, tagGenTime, 15)
		b = appendTwoDigits(b, year/100)
		b = appendTwoDigits(b, year%100)
	default:
		return nil, fmt.Errorf("the signing time %s is outside the years 0 to 9999", t.Format(time.RFC3339))
	}
	b = appendTwoDigits(b, int(t.Month()))
	b = appendTwoDigits(b, t.Day())
	b = appendTwoDigits(b, t.Hour())
	b = appendTwoDigits(b, t.Minute())
	b = appendTwoDigits(b, t.Second())
	return append(b, 'Z'), nil
}

func appendTwoDigits(b []byte, v int) []byte {
	return append(b, byte('0'+v/10), byte('0'+v%10))
}

// assemble writes the whole CMS into one slice of the exact size: the
// lengths are computed first, from the inside out, and the bytes are then
// appended from the outside in. attrs is the content of the signed
// attributes' SET.
func (t *cmsTemplate) assemble(content, attrs, sig []byte) []byte {
	encap := len(oidData) + sizeTLV(sizeTLV(len(content)))
	si := len(t.signerHead) + sizeTLV(len(attrs)) + len(t.sigAlg) + sizeTLV(len(sig))
	sd := len(sdHead) + sizeTLV(encap) + len(t.certs) + sizeTLV(sizeTLV(si))
	ci := len(oidSignedData) + sizeTLV(sizeTLV(sd))

	b := make([]byte, 0, sizeTLV(ci))
	b = appendHeader(b, tagSequence, ci)
	b = append(b, oidSignedData...)
	b = appendHeader(b, tagContext0, sizeTLV(sd))
	b = appendHeader(b, tagSequence, sd)
	b = append(b, sdHead...)
	b = appendHeader(b, tagSequence, encap)
	b = append(b, oidData...)
	b = appendHeader(b, tagContext0, sizeTLV(len(content)))
	b = appendHeader(b, tagOctetString, len(content))
	b = append(b, content...)
	b = append(b, t.certs...)
	b = appendHeader(b, tagSet, sizeTLV(si))
	b = appendHeader(b, tagSequence, si)
	b = append(b, t.signerHead...)
	b = appendHeader(b, tagContext0, len(attrs))
	b = append(b, attrs...)
	b = append(b, t.sigAlg...)
	b = appendHeader(b, tagOctetString, len(sig))
	return append(b, sig...)
}

// sizeTLV is the size of a DER element whose value is n bytes long.
func sizeTLV(n int) int {
	if n < 0x80 {
		return 2 + n
	}
	return 2 + lengthBytes(n) + n
}

// appendHeader appends a tag and a DER length: short form below 128,
// otherwise 0x80 plus the number of big-endian length bytes that follow,
// as few as possible.
func appendHeader(b []byte, tag byte, n int) []byte {
	if n < 0x80 {
		return append(b, tag, byte(n))
	}
	k := lengthBytes(n)
	b = append(b, tag, 0x80|byte(k))
	for i := k - 1; i >= 0; i-- {
		b = append(b, byte(n>>(8*i)))
	}
	return b
}

func lengthBytes(n int) int {
	k := 1
	for n > 0xff {
		n >>= 8
		k++
	}
	return k
}
