// Package signingtest makes self-signed certificates for tests of other
// packages: signers, expired signers, TLS server certificates.
package signingtest

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"
)

// SelfSigned signs tmpl with key itself and returns the certificate and
// the key (PKCS#8) as PEM.
func SelfSigned(t testing.TB, key crypto.Signer, tmpl *x509.Certificate) (certPEM, keyPEM []byte) {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatalf("signingtest: create certificate: %v", err)
	}
	pk, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("signingtest: marshal key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
}
