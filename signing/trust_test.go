package signing

import (
	"crypto/rand"
	"crypto/x509"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// TestVerifyChainSelfSigned: the default self-signed certificate is
// trusted only by a pool that holds it, as no device's does.
func TestVerifyChainSelfSigned(t *testing.T) {
	certPEM, keyPEM, err := NewSelfSigned("test signing", "Example ISP", timetest.Fixed(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Load(certPEM, keyPEM, timetest.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.VerifyChain(x509.NewCertPool(), timetest.Fixed()); err == nil {
		t.Error("VerifyChain(empty pool) = nil, want an error")
	}
	own := x509.NewCertPool()
	own.AddCert(s.Leaf())
	if err := s.VerifyChain(own, timetest.Fixed()); err != nil {
		t.Errorf("VerifyChain(its own certificate) = %v, want nil", err)
	}
}
