package signing

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"math/big"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

func TestNewSelfSigned(t *testing.T) {
	now := timetest.Fixed()
	serial := bytes.Repeat([]byte{0xab}, 16)
	certPEM, keyPEM, err := NewSelfSigned("Example Mail Profiles", "Example Ltd", now, io.MultiReader(bytes.NewReader(serial), rand.Reader))
	if err != nil {
		t.Fatalf("NewSelfSigned() = %v, want nil", err)
	}
	if b, _ := pem.Decode(keyPEM); b == nil || b.Type != "PRIVATE KEY" {
		t.Errorf("NewSelfSigned() key is not a PKCS#8 PEM block: %q", keyPEM)
	}
	s, err := Load(certPEM, keyPEM, now)
	if err != nil {
		t.Fatalf("Load(NewSelfSigned()) = %v, want nil", err)
	}
	leaf := s.Leaf()
	if got := leaf.NotAfter.Sub(leaf.NotBefore); got < 10*365*24*time.Hour {
		t.Errorf("NewSelfSigned() validity = %v, want at least 10 years", got)
	}
	if got, want := leaf.SerialNumber, new(big.Int).SetBytes(serial); got.Cmp(want) != 0 {
		t.Errorf("NewSelfSigned() serial = %x, want %x (read from rnd)", got, want)
	}
	if leaf.IsCA || leaf.KeyUsage != x509.KeyUsageDigitalSignature || len(leaf.ExtKeyUsage) != 0 {
		t.Errorf("NewSelfSigned() IsCA %v, KeyUsage %v, ExtKeyUsage %v; want false, DigitalSignature, none",
			leaf.IsCA, leaf.KeyUsage, leaf.ExtKeyUsage)
	}
	if got, want := leaf.Subject.String(), "CN=Example Mail Profiles,O=Example Ltd"; got != want {
		t.Errorf("NewSelfSigned() subject = %q, want %q", got, want)
	}
	if got := s.KeyType(); got != "ECDSA P-256" {
		t.Errorf("KeyType() = %q, want %q", got, "ECDSA P-256")
	}
	assertChain(t, "Chain()", s.Chain(), []*x509.Certificate{leaf})

	content := plistContent()
	signed, err := s.WithClock(timetest.Fixed).Sign(content)
	if err != nil {
		t.Fatalf("Sign() = %v, want nil", err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	v, err := Verify(signed, roots, now)
	if err != nil {
		t.Fatalf("Verify() = %v, want nil", err)
	}
	if !v.ChainOK || !bytes.Equal(v.Content, content) {
		t.Errorf("Verify() = chain %v (%v), content equal %v; want true, true", v.ChainOK, v.ChainErr, bytes.Equal(v.Content, content))
	}

	t.Run("openssl", func(t *testing.T) {
		requireOpenSSL(t)
		ca := writeTemp(t, t.TempDir(), "self.pem", certPEM)
		// No -purpose any: with no extended key usage the default S/MIME
		// signing purpose accepts the certificate too.
		got, err := opensslVerify(t, signed, ca)
		if err != nil {
			t.Fatalf("openssl cms -verify = %v, want success", err)
		}
		if !bytes.Equal(got, content) {
			t.Errorf("openssl content = %q, want %q", got, content)
		}
	})
}

func TestNewSelfSignedErrors(t *testing.T) {
	tests := []struct {
		name    string
		cn      string
		rnd     io.Reader
		wantErr string
	}{
		{name: "empty common name", cn: "", rnd: rand.Reader, wantErr: "the common name is empty"},
		{name: "short random source", cn: "x", rnd: bytes.NewReader([]byte{1, 2, 3}),
			wantErr: "generate serial number: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NewSelfSigned(tt.cn, "", timetest.Fixed(), tt.rnd)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("NewSelfSigned(%q) = %v, want %v", tt.cn, err, tt.wantErr)
			}
		})
	}
}
