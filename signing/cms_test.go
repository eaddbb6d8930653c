package signing

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"slices"
	"testing"
	"time"

	"go.mozilla.org/pkcs7"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing/signingtest"
)

// cmsSigner is a Signer to compare with pkcs7, and the root that anchors it.
type cmsSigner struct {
	name string
	s    *Signer
	root *x509.Certificate
}

// cmsSigners covers both key types, chains of zero to two intermediates,
// and signatures of both length forms (P-521's is over 127 bytes).
func cmsSigners(t *testing.T) []cmsSigner {
	t.Helper()
	now := timetest.Fixed()
	load := func(certPEM, keyPEM []byte) *Signer {
		t.Helper()
		s, err := Load(certPEM, keyPEM, now)
		if err != nil {
			t.Fatalf("Load() = %v, want nil", err)
		}
		return s.WithClock(timetest.Fixed)
	}
	selfSigned := func(key crypto.Signer, cn string) cmsSigner {
		t.Helper()
		certPEM, keyPEM := signingtest.SelfSigned(t, key, &x509.Certificate{
			SerialNumber: big.NewInt(0x80), // the INTEGER needs a leading zero byte
			Subject:      pkix.Name{CommonName: cn},
			NotBefore:    now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature,
		})
		s := load(certPEM, keyPEM)
		return cmsSigner{cn, s, s.leaf}
	}

	rsaPKI := newTestPKI(t, pkiOptions{alg: "rsa"})
	ecPKI := newTestPKI(t, pkiOptions{alg: "ecdsa"})
	certPEM, keyPEM, err := NewSelfSigned("Profile Signer", "Example", now, nil)
	if err != nil {
		t.Fatalf("NewSelfSigned() = %v", err)
	}
	own := load(certPEM, keyPEM)
	p521, err := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// root -> intermediate -> second intermediate -> leaf
	second := issue(t, caTemplate("Second Intermediate", now.Add(-time.Hour), now.Add(time.Hour)),
		ecPKI.intermediate, testKey(t, "ecdsa", "second"), ecPKI.intermediateKey)
	leaf := issue(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Deep Leaf"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature},
		second, ecPKI.leafKey, testKey(t, "ecdsa", "second"))

	return []cmsSigner{
		{"RSA-2048 chain", rsaPKI.signer(t), rsaPKI.root},
		{"ECDSA P-256 chain", ecPKI.signer(t), ecPKI.root},
		{"ECDSA P-256 two intermediates", load(pemCerts(leaf, second, ecPKI.intermediate, ecPKI.root), ecPKI.keyPEM(t)), ecPKI.root},
		{"NewSelfSigned", own, own.leaf},
		selfSigned(testKey(t, "rsa", "self"), "RSA-2048 self-signed"),
		selfSigned(p521, "ECDSA P-521 self-signed"),
	}
}

// testContent returns n bytes of a fixed pattern.
func testContent(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + i>>8)
	}
	return b
}

// contentSizes returns sizes that put each DER length of s's CMS on either
// side of 127/128, 255/256 and 65535/65536 bytes: the content itself as
// the brief numbers, and for the enclosing elements the sizes found from
// their overhead over the content in one pkcs7 output.
func contentSizes(t *testing.T, s *Signer) []int {
	t.Helper()
	sizes := []int{1, 2, 127, 128, 255, 256, 65535, 65536, 1<<20 + 3, len(plistContent())}
	const probe = 1000
	for _, l := range contentLengths(t, pkcs7Sign(t, s, testContent(probe))) {
		for _, limit := range []int{127, 255, 65535} {
			for d := -2; d <= 2; d++ {
				if n := limit - (l - probe) + d; n > 0 {
					sizes = append(sizes, n)
				}
			}
		}
	}
	slices.Sort(sizes)
	return slices.Compact(sizes)
}

func TestSignMatchesPKCS7(t *testing.T) {
	for _, c := range cmsSigners(t) {
		t.Run(c.name, func(t *testing.T) {
			for _, n := range contentSizes(t, c.s) {
				t.Run(fmt.Sprint(n), func(t *testing.T) {
					sameAsPKCS7(t, c.s, testContent(n))
				})
			}
		})
	}
}

// TestSignMatchesPKCS7Huge crosses the 16 MiB boundary, where the outer
// lengths take a fourth byte.
func TestSignMatchesPKCS7Huge(t *testing.T) {
	if testing.Short() {
		t.Skip("signs 16 MiB twice; skipped with -short")
	}
	s := newTestPKI(t, pkiOptions{}).signer(t)
	sameAsPKCS7(t, s, testContent(1<<24))
}

// TestCMSVerifies checks the output with pkcs7, Verify and openssl, which
// builds the chain to the root as Apple's basic X.509 policy does.
func TestCMSVerifies(t *testing.T) {
	for _, c := range cmsSigners(t) {
		t.Run(c.name, func(t *testing.T) {
			content := plistContent()
			// pkcs7 stamps its own output with the machine's clock, which
			// the certificates need not cover: compare at that time, then
			// check the signature made at the test's time.
			sameAsPKCS7(t, c.s, content)
			signed, err := c.s.Sign(content)
			if err != nil {
				t.Fatalf("Sign() = %v, want nil", err)
			}
			p7, err := pkcs7.Parse(signed)
			if err != nil {
				t.Fatalf("pkcs7.Parse() = %v, want nil", err)
			}
			if err := p7.Verify(); err != nil {
				t.Errorf("pkcs7 Verify() = %v, want nil", err)
			}
			roots := x509.NewCertPool()
			roots.AddCert(c.root)
			v, err := Verify(signed, roots, timetest.Fixed())
			if err != nil {
				t.Fatalf("Verify() = %v, want nil", err)
			}
			if !v.SignatureOK || !v.ChainOK || !bytes.Equal(v.Content, content) {
				t.Errorf("Verify() = signature %v, chain %v (%v), content equal %v; want true, true, true",
					v.SignatureOK, v.ChainOK, v.ChainErr, bytes.Equal(v.Content, content))
			}
			assertChain(t, "Verify() certificates", v.Certificates, c.s.Chain())

			requireOpenSSL(t)
			ca := writeTemp(t, t.TempDir(), "root.pem", pemCerts(c.root))
			got, err := opensslVerify(t, signed, ca, "-purpose", "any")
			if err != nil {
				t.Fatalf("openssl cms -verify = %v, want success", err)
			}
			if !bytes.Equal(got, content) {
				t.Errorf("openssl content = %q, want %q", got, content)
			}
		})
	}
}

// TestSignAtMatchesPKCS7 covers the ends of UTCTime's range (1950 to 2049,
// GeneralizedTime outside), times not in UTC, and fractions of a second.
func TestSignAtMatchesPKCS7(t *testing.T) {
	s := newTestPKI(t, pkiOptions{}).signer(t)
	content := plistContent()
	nepal := time.FixedZone("UTC+05:45", 5*3600+45*60)
	tests := []time.Time{
		time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1949, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2050, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 12, 30, 45, 500, time.UTC),
		time.Date(2050, 1, 1, 5, 44, 59, 0, nepal), // 2049 in UTC
		time.Date(2026, 7, 4, 9, 8, 7, 0, nepal),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
	}
	for _, tm := range tests {
		t.Run(tm.Format(time.RFC3339Nano), func(t *testing.T) {
			memo := newMemoSigner(s.key)
			want, ok := pkcs7SignAt(t, s, memo, content, tm)
			if !ok {
				t.Fatalf("encoding/asn1 cannot encode %v", tm)
			}
			got, err := withKey(s, memo).signAt(content, tm)
			if err != nil {
				t.Fatalf("signAt(%v) = %v, want nil", tm, err)
			}
			requireSameBytes(t, got, want)
		})
	}
	for _, tm := range []time.Time{
		time.Date(-1, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		if _, ok := pkcs7SignAt(t, s, newMemoSigner(s.key), content, tm); ok {
			t.Errorf("encoding/asn1 encodes %v, want an error", tm)
		}
		if _, err := s.signAt(content, tm); err == nil {
			t.Errorf("signAt(%v) = nil error, want one: pkcs7 cannot sign then", tm)
		}
	}
}
