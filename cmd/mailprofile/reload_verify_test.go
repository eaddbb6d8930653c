package main

import (
	"crypto/rand"
	"crypto/x509"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing"
)

// TestReloadingSignerVerifyChain: the web server asks the reloading
// signer, not only a *signing.Signer, whether devices trust its chain;
// without the method every operator's page would say "Not Verified".
func TestReloadingSignerVerifyChain(t *testing.T) {
	certPEM, keyPEM, err := signing.NewSelfSigned("test signing", "Example ISP", timetest.Fixed(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := signing.Load(certPEM, keyPEM, timetest.Fixed())
	if err != nil {
		t.Fatal(err)
	}
	r := newReloadingSigner(s, "", "")
	if err := r.VerifyChain(x509.NewCertPool(), timetest.Fixed()); err == nil {
		t.Error("VerifyChain(empty pool) = nil, want an error")
	}
	own := x509.NewCertPool()
	own.AddCert(s.Leaf())
	if err := r.VerifyChain(own, timetest.Fixed()); err != nil {
		t.Errorf("VerifyChain(pool with its leaf) = %v, want nil", err)
	}
}
