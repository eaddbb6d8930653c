package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"io"
	"sort"
	"testing"
	"time"

	"go.mozilla.org/pkcs7"
	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// pkcs7Sign is how Sign built the CMS before cms.go, and the reference that
// cms.go is held to: go.mozilla.org/pkcs7 with the Signer's certificates and
// bare key, signing at the wall-clock time.
func pkcs7Sign(t testing.TB, s *Signer, content []byte) []byte {
	t.Helper()
	sd := pkcs7Builder(t, s, content)
	der, err := sd.Finish()
	if err != nil {
		t.Fatalf("pkcs7 Finish() = %v", err)
	}
	return der
}

func pkcs7Builder(t testing.TB, s *Signer, content []byte) *pkcs7.SignedData {
	t.Helper()
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		t.Fatalf("pkcs7.NewSignedData() = %v", err)
	}
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	if err := sd.AddSigner(s.leaf, s.key, pkcs7.SignerInfoConfig{}); err != nil {
		t.Fatalf("pkcs7 AddSigner() = %v", err)
	}
	for _, c := range s.intermediates {
		sd.AddCertificate(c)
	}
	return sd
}

// memoSigner signs with a key and remembers each signature by its digest:
// asked again for a digest it knows, it returns the same bytes, so that an
// output with a randomised ECDSA signature can be compared byte for byte.
// pkcs7 only takes the concrete key types, so the memo is seeded with the
// signature pkcs7 made (remember) instead of wrapping the key pkcs7 uses.
type memoSigner struct {
	crypto.Signer
	sigs map[[sha256.Size]byte][]byte
}

func newMemoSigner(key crypto.Signer) *memoSigner {
	return &memoSigner{Signer: key, sigs: map[[sha256.Size]byte][]byte{}}
}

func (m *memoSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	if sig, ok := m.sigs[[sha256.Size]byte(digest)]; ok {
		return sig, nil
	}
	sig, err := m.Signer.Sign(r, digest, opts)
	if err == nil {
		m.remember(digest, sig)
	}
	return sig, err
}

func (m *memoSigner) remember(digest, sig []byte) { m.sigs[[sha256.Size]byte(digest)] = sig }

// withKey returns a copy of s that signs with key.
func withKey(s *Signer, key crypto.Signer) *Signer {
	c := *s
	c.key = key
	return &c
}

// signedParts walks a CMS as pkcs7 writes it and returns the signed
// attributes re-tagged as the SET that the signature covers, and the
// signature. It parses strict DER, so it also fails on a length that is not
// minimal.
func signedParts(t testing.TB, der []byte) (attrs, sig []byte) {
	t.Helper()
	s := cryptobyte.String(der)
	var ci, explicit, sd, sis, si cryptobyte.String
	var rawAttrs cryptobyte.String
	ok := s.ReadASN1(&ci, cbasn1.SEQUENCE) && s.Empty() &&
		ci.SkipASN1(cbasn1.OBJECT_IDENTIFIER) &&
		ci.ReadASN1(&explicit, cbasn1.Tag(0).Constructed().ContextSpecific()) && ci.Empty() &&
		explicit.ReadASN1(&sd, cbasn1.SEQUENCE) && explicit.Empty() &&
		sd.SkipASN1(cbasn1.INTEGER) && sd.SkipASN1(cbasn1.SET) && sd.SkipASN1(cbasn1.SEQUENCE) &&
		sd.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) &&
		sd.SkipOptionalASN1(cbasn1.Tag(1).Constructed().ContextSpecific()) &&
		sd.ReadASN1(&sis, cbasn1.SET) && sd.Empty() &&
		sis.ReadASN1(&si, cbasn1.SEQUENCE) && sis.Empty() &&
		si.SkipASN1(cbasn1.INTEGER) && si.SkipASN1(cbasn1.SEQUENCE) && si.SkipASN1(cbasn1.SEQUENCE) &&
		si.ReadASN1Element(&rawAttrs, cbasn1.Tag(0).Constructed().ContextSpecific()) &&
		si.SkipASN1(cbasn1.SEQUENCE) &&
		si.ReadASN1Bytes(&sig, cbasn1.OCTET_STRING) && si.Empty()
	if !ok {
		t.Fatalf("cannot walk the CMS % x", der)
	}
	attrs = bytes.Clone(rawAttrs)
	attrs[0] = tagSet
	return attrs, sig
}

// contentLengths returns the value lengths of the elements from the
// ContentInfo down to the content: ContentInfo, [0], SignedData,
// encapContentInfo, [0] and the OCTET STRING.
func contentLengths(t testing.TB, der []byte) []int {
	t.Helper()
	var lengths []int
	s := cryptobyte.String(der)
	enter := func(tag cbasn1.Tag) bool {
		var v cryptobyte.String
		if !s.ReadASN1(&v, tag) {
			return false
		}
		lengths = append(lengths, len(v))
		s = v
		return true
	}
	explicit := cbasn1.Tag(0).Constructed().ContextSpecific()
	ok := enter(cbasn1.SEQUENCE) && s.SkipASN1(cbasn1.OBJECT_IDENTIFIER) && enter(explicit) &&
		enter(cbasn1.SEQUENCE) && s.SkipASN1(cbasn1.INTEGER) && s.SkipASN1(cbasn1.SET) &&
		enter(cbasn1.SEQUENCE) && s.SkipASN1(cbasn1.OBJECT_IDENTIFIER) && enter(explicit) &&
		enter(cbasn1.OCTET_STRING)
	if !ok {
		t.Fatalf("cannot walk the CMS % x", der)
	}
	return lengths
}

// sameAsPKCS7 signs content with pkcs7, then with signAt at the signing time
// pkcs7 wrote and with pkcs7's signature remembered, and fails unless the
// two are byte for byte the same. It returns our bytes.
func sameAsPKCS7(t *testing.T, s *Signer, content []byte) []byte {
	t.Helper()
	want := pkcs7Sign(t, s, content)
	signingTime := pkcs7SigningTime(t, want)
	attrs, sig := signedParts(t, want)
	// The walk found what pkcs7 signed: its signature verifies over it.
	if err := s.leaf.CheckSignature(sigAlgFor(s), attrs, sig); err != nil {
		t.Fatalf("pkcs7's signature does not verify over the walked attributes: %v", err)
	}
	memo := newMemoSigner(s.key)
	digest := sha256.Sum256(attrs)
	memo.remember(digest[:], sig)
	got, err := withKey(s, memo).signAt(content, signingTime)
	if err != nil {
		t.Fatalf("signAt() = %v, want nil", err)
	}
	requireSameBytes(t, got, want)
	return got
}

// pkcs7SigningTime is the signing time pkcs7 wrote into der: the
// machine's, which it cannot be given.
func pkcs7SigningTime(t testing.TB, der []byte) time.Time {
	t.Helper()
	p7, err := pkcs7.Parse(der)
	if err != nil {
		t.Fatalf("pkcs7.Parse(pkcs7 output) = %v", err)
	}
	var at time.Time
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeSigningTime, &at); err != nil {
		t.Fatalf("pkcs7 signingTime: %v", err)
	}
	return at
}

// sigAlgFor is the x509 name of the algorithm that signs the attributes.
func sigAlgFor(s *Signer) x509.SignatureAlgorithm {
	if _, ok := s.key.(*ecdsa.PrivateKey); ok {
		return x509.ECDSAWithSHA256
	}
	return x509.SHA256WithRSA
}

func requireSameBytes(t testing.TB, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	at := 0
	for at < len(got) && at < len(want) && got[at] == want[at] {
		at++
	}
	from := max(at-16, 0)
	t.Fatalf("signAt() differs from pkcs7 at byte %d of %d (pkcs7: %d):\n got ...% x\nwant ...% x",
		at, len(got), len(want), got[from:min(at+16, len(got))], want[from:min(at+16, len(want))])
}

// pkcs7SignAt is pkcs7Sign with the signing time set to signingTime, which
// pkcs7 cannot be given: it reads the clock. The builder's signingTime
// value is replaced with encoding/asn1's encoding of signingTime.UTC(),
// the call pkcs7 makes on time.Now().UTC(), the attributes are sorted again
// as pkcs7 sorts them, and the signature is made again by memo, which then
// knows it. ok is false when encoding/asn1 cannot encode the time, in which
// case pkcs7 could not sign.
func pkcs7SignAt(t testing.TB, s *Signer, memo *memoSigner, content []byte, signingTime time.Time) (der []byte, ok bool) {
	t.Helper()
	sd := pkcs7Builder(t, s, content)
	si := &sd.GetSignedData().SignerInfos[0]
	value, err := asn1.Marshal(signingTime.UTC())
	if err != nil {
		return nil, false
	}
	attrs := si.AuthenticatedAttributes
	for i := range attrs {
		if attrs[i].Type.Equal(pkcs7.OIDAttributeSigningTime) {
			attrs[i].Value.Bytes = value
		}
	}
	type attribute struct { // pkcs7's attribute
		Type  asn1.ObjectIdentifier
		Value asn1.RawValue `asn1:"set"`
	}
	key := func(i int) []byte {
		b, err := asn1.Marshal(attribute{attrs[i].Type, attrs[i].Value})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(key(i), key(j)) < 0 })
	stale, err := sd.Finish()
	if err != nil {
		t.Fatalf("pkcs7 Finish() = %v", err)
	}
	set, _ := signedParts(t, stale)
	digest := sha256.Sum256(set)
	if si.EncryptedDigest, err = memo.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
		t.Fatal(err)
	}
	der, err = sd.Finish()
	if err != nil {
		t.Fatalf("pkcs7 Finish() = %v", err)
	}
	return der, true
}
