package signing

import (
	"bytes"
	"crypto/x509"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

func TestSignVerify(t *testing.T) {
	for _, alg := range []string{"rsa", "ecdsa"} {
		t.Run(alg, func(t *testing.T) {
			p := newTestPKI(t, pkiOptions{alg: alg})
			content := plistContent()
			signed, err := p.signer(t).Sign(content)
			if err != nil {
				t.Fatalf("Sign() = %v, want nil", err)
			}
			if !IsSigned(signed) {
				t.Errorf("IsSigned(signed) = false, want true")
			}
			now := timetest.Fixed()
			v, err := Verify(signed, p.roots(), now)
			if err != nil {
				t.Fatalf("Verify() = %v, want nil", err)
			}
			if !bytes.Equal(v.Content, content) {
				t.Errorf("Verify() content = %q, want %q", v.Content, content)
			}
			assertChain(t, "Verify() certificates", v.Certificates, []*x509.Certificate{p.leaf, p.intermediate})
			if v.Signer == nil || !v.Signer.Equal(p.leaf) {
				t.Errorf("Verify() signer = %v, want the leaf", v.Signer)
			}
			if v.Signers != 1 || !v.DigestSHA256 || !v.SignatureOK || !v.ChainOK || v.ChainErr != nil || v.Expired {
				t.Errorf("Verify() = signers %d, sha256 %v, signature %v, chain %v (%v), expired %v; want 1, true, true, true (nil), false",
					v.Signers, v.DigestSHA256, v.SignatureOK, v.ChainOK, v.ChainErr, v.Expired)
			}
			if !v.NotAfter.Equal(p.leaf.NotAfter) {
				t.Errorf("Verify() NotAfter = %v, want %v", v.NotAfter, p.leaf.NotAfter)
			}
			if !v.SigningTime.Equal(now) {
				t.Errorf("Verify() SigningTime = %v, want %v", v.SigningTime, now)
			}

			t.Run("openssl with CAfile", func(t *testing.T) {
				requireOpenSSL(t)
				ca := writeTemp(t, t.TempDir(), "root.pem", pemCerts(p.root))
				got, err := opensslVerify(t, signed, ca, "-purpose", "any")
				if err != nil {
					t.Fatalf("openssl cms -verify = %v, want success", err)
				}
				if !bytes.Equal(got, content) {
					t.Errorf("openssl content = %q, want %q", got, content)
				}
			})
			t.Run("openssl noverify", func(t *testing.T) {
				requireOpenSSL(t)
				got, err := opensslVerify(t, signed, "")
				if err != nil {
					t.Fatalf("openssl cms -verify -noverify = %v, want success", err)
				}
				if !bytes.Equal(got, content) {
					t.Errorf("openssl content = %q, want %q", got, content)
				}
			})
		})
	}
}

// TestSignDeterministic checks that one content signed at one time gives
// the same bytes, ECDSA included (RFC 6979), and that they verify; a
// different content or time gives different ones.
func TestSignDeterministic(t *testing.T) {
	for _, alg := range []string{"rsa", "ecdsa"} {
		t.Run(alg, func(t *testing.T) {
			p := newTestPKI(t, pkiOptions{alg: alg})
			s := p.signer(t)
			at := timetest.Fixed()
			sign := func(content []byte, now time.Time) []byte {
				t.Helper()
				signed, err := s.signAt(content, now)
				if err != nil {
					t.Fatalf("signAt() = %v", err)
				}
				return signed
			}
			a, b := sign(plistContent(), at), sign(plistContent(), at)
			if !bytes.Equal(a, b) {
				t.Errorf("two signatures of one content at one time differ")
			}
			if _, err := Verify(a, p.roots(), at); err != nil {
				t.Errorf("Verify() = %v", err)
			}
			if bytes.Equal(a, sign(plistContent(), at.Add(time.Second))) {
				t.Errorf("a signature one second later is the same")
			}
			if bytes.Equal(a, sign([]byte("other content"), at)) {
				t.Errorf("a signature of other content is the same")
			}
		})
	}
}

func TestSignLeafOnly(t *testing.T) {
	p := newTestPKI(t, pkiOptions{})
	s, err := Load(pemCerts(p.leaf), p.keyPEM(t), timetest.Fixed())
	if err != nil {
		t.Fatalf("Load() = %v, want nil", err)
	}
	signed, err := s.WithClock(timetest.Fixed).Sign([]byte("content"))
	if err != nil {
		t.Fatalf("Sign() = %v, want nil", err)
	}
	v, err := Verify(signed, nil, timetest.Fixed())
	if err != nil {
		t.Fatalf("Verify() = %v, want nil", err)
	}
	assertChain(t, "Verify() certificates", v.Certificates, []*x509.Certificate{p.leaf})
}

func TestSignEmpty(t *testing.T) {
	s := newTestPKI(t, pkiOptions{}).signer(t)
	_, err := s.Sign(nil)
	if want := "nothing to sign: the content is empty"; err == nil || err.Error() != want {
		t.Errorf("Sign(nil) = %v, want %v", err, want)
	}
}

// TestSignConcurrent backs the claim that a Signer is safe for concurrent
// use; run it with -race.
func TestSignConcurrent(t *testing.T) {
	for _, alg := range []string{"rsa", "ecdsa"} {
		t.Run(alg, func(t *testing.T) {
			p := newTestPKI(t, pkiOptions{alg: alg})
			s := p.signer(t)
			var wg sync.WaitGroup
			for i := range 8 {
				wg.Go(func() {
					content := append(plistContent(), byte('0'+i))
					signed, err := s.Sign(content)
					if err != nil {
						t.Errorf("Sign() = %v, want nil", err)
						return
					}
					v, err := Verify(signed, p.roots(), timetest.Fixed())
					if err != nil {
						t.Errorf("Verify() = %v, want nil", err)
						return
					}
					if !bytes.Equal(v.Content, content) {
						t.Errorf("Verify() content differs from what goroutine %d signed", i)
					}
				})
			}
			wg.Wait()
		})
	}
}

func TestTamper(t *testing.T) {
	p := newTestPKI(t, pkiOptions{alg: "rsa"})
	content := plistContent()
	signed, err := p.signer(t).Sign(content)
	if err != nil {
		t.Fatalf("Sign() = %v, want nil", err)
	}
	at := bytes.Index(signed, content)
	if at < 0 {
		t.Fatal("content not found verbatim in the DER")
	}
	tests := []struct {
		name    string
		offset  int
		wantErr string
	}{
		{
			name:    "content byte",
			offset:  at + len(content)/2,
			wantErr: "the signature does not verify: the content does not match the signed digest (changed after signing)",
		},
		{
			name:    "signature byte",
			offset:  len(signed) - 1,
			wantErr: "the signature does not verify: crypto/rsa: verification error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tampered := bytes.Clone(signed)
			tampered[tt.offset] ^= 0x01
			v, err := Verify(tampered, p.roots(), timetest.Fixed())
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Verify(tampered) = %v, want %v", err, tt.wantErr)
			}
			if !errors.Is(err, ErrBadSignature) {
				t.Errorf("Verify(tampered) = %v, want it to wrap ErrBadSignature", err)
			}
			if v == nil || v.SignatureOK || v.Signer == nil {
				t.Errorf("Verify(tampered) = %+v, want the parsed signer and SignatureOK false", v)
			}
			t.Run("openssl noverify", func(t *testing.T) {
				requireOpenSSL(t)
				if _, err := opensslVerify(t, tampered, ""); err == nil {
					t.Errorf("openssl cms -verify -noverify on tampered data succeeded, want failure")
				}
			})
		})
	}
}
