package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"
)

// The Sign benchmarks use a root -> intermediate -> leaf chain (the root is
// dropped, so two certificates are embedded) and about 2.5 KB of content,
// the size of a mail profile. The PKCS7 benchmarks sign the same content with
// the same chain through plain go.mozilla.org/pkcs7 (NewSignedData, SHA-256,
// AddSigner, AddCertificate per intermediate, Finish), the library's rate
// that the load test divides by. The Raw benchmarks sign one SHA-256 digest
// with the bare key, to show what CMS adds on top.

func BenchmarkSignRSA2048(b *testing.B)   { benchmarkSign(b, "rsa", signWithSigner) }
func BenchmarkSignECDSAP256(b *testing.B) { benchmarkSign(b, "ecdsa", signWithSigner) }

func BenchmarkPKCS7SignRSA2048(b *testing.B)   { benchmarkSign(b, "rsa", pkcs7Sign) }
func BenchmarkPKCS7SignECDSAP256(b *testing.B) { benchmarkSign(b, "ecdsa", pkcs7Sign) }

// signWithSigner is Signer.Sign, failing the benchmark on an error.
func signWithSigner(b testing.TB, s *Signer, content []byte) []byte {
	signed, err := s.Sign(content)
	if err != nil {
		b.Fatal(err)
	}
	return signed
}

// benchmarkSign measures sign with an alg chain over a profile-sized
// content, and reports the size of the CMS.
func benchmarkSign(b *testing.B, alg string, sign func(testing.TB, *Signer, []byte) []byte) {
	// As served: Sign reads the machine's clock (no dates are checked).
	s := newTestPKI(b, pkiOptions{alg: alg}).signer(b).WithClock(nil)
	content := plistContent()
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = len(sign(b, s, content))
	}
	b.ReportMetric(float64(size), "out-bytes")
}

func BenchmarkRawRSA2048(b *testing.B) {
	key := testKey(b, "rsa", "leaf").(*rsa.PrivateKey)
	digest := sha256.Sum256(plistContent())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawECDSAP256 is a randomised ECDSA signature, as pkcs7 makes.
func BenchmarkRawECDSAP256(b *testing.B) {
	key := testKey(b, "ecdsa", "leaf").(*ecdsa.PrivateKey)
	digest := sha256.Sum256(plistContent())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ecdsa.SignASN1(rand.Reader, key, digest[:]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawECDSAP256RFC6979 is a deterministic one, as Sign makes.
func BenchmarkRawECDSAP256RFC6979(b *testing.B) {
	key := testKey(b, "ecdsa", "leaf").(*ecdsa.PrivateKey)
	digest := sha256.Sum256(plistContent())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := key.Sign(nil, digest[:], crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}
