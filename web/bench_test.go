package web

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/signing"
)

// newRSASigner makes a self-signed RSA-2048 signer.
func newRSASigner(b testing.TB) *signing.Signer {
	b.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		b.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "bench RSA signer"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		b.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	s, err := signing.Load(certPEM, keyPEM, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkDownload measures the whole handler: router, parsing, catalog
// lookup, plist building, signing and writing, without the network.
func BenchmarkDownload(b *testing.B) {
	for _, bc := range []struct {
		name   string
		signer func(testing.TB) *signing.Signer
	}{
		{"ECDSA-P256", newSigner},
		{"RSA-2048", newRSASigner},
		{"unsigned", nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newTestServer(b, func(c *Config) {
				c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
				c.Signer = nil
				if bc.signer != nil {
					c.Signer = bc.signer(b)
				}
			})
			target := profileURL("someone@btinternet.com", "imap", "Some One")
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
