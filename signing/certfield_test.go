package signing

import (
	"bytes"
	"crypto/x509"
	"testing"
)

// TestCertificatesField finds the certificates field of a signature this
// package made: it holds the signer's chain, leaf first, and nothing else.
func TestCertificatesField(t *testing.T) {
	for _, alg := range []string{"ecdsa", "rsa"} {
		t.Run(alg, func(t *testing.T) {
			s := newTestPKI(t, pkiOptions{alg: alg}).signer(t)
			signed, err := s.Sign(plistContent())
			if err != nil {
				t.Fatal(err)
			}
			start, end, ok := CertificatesField(signed)
			if !ok {
				t.Fatal("CertificatesField found no certificates field")
			}
			_, value, fieldEnd, ok := readTLV(signed, start)
			if !ok || fieldEnd != end || signed[start] != tagContext0 {
				t.Fatalf("field at %d–%d is not one [0] element", start, end)
			}
			certs, err := x509.ParseCertificates(signed[value:end])
			if err != nil {
				t.Fatalf("the field does not hold certificates: %v", err)
			}
			if len(certs) == 0 || !bytes.Equal(certs[0].Raw, s.Leaf().Raw) {
				t.Errorf("the field's first certificate is not the signer's")
			}
			if _, _, ok := CertificatesField(plistContent()); ok {
				t.Error("CertificatesField found a field in a plist")
			}
		})
	}
}
