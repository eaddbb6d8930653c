package signing

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"
)

// selfSignedLifetime is long on purpose: iOS only lets a signed profile be
// replaced by one signed with the identical leaf, so the certificate must
// outlive every profile handed out with it.
const selfSignedLifetime = 20 * 365 * 24 * time.Hour

// NewSelfSigned creates an ECDSA P-256 key and a self-signed certificate for
// signing profiles, valid for 20 years from now (back-dated an hour for
// clock skew). It returns the certificate and the PKCS#8 key as PEM.
//
// The certificate is a plain end-entity certificate (digital signature key
// usage, not a CA, no extended key usage), which is all Apple's basic X.509
// policy looks at. Devices show profiles signed with it as "Not Verified"
// unless the user trusts the certificate.
//
// rnd supplies the 128-bit serial number; nil means crypto/rand.Reader, the
// right choice. Since Go 1.26 key generation and signing ignore rnd and use
// a secure source. The caller should store the pair and reuse it forever.
func NewSelfSigned(commonName, organization string, now time.Time, rnd io.Reader) (certPEM, keyPEM []byte, err error) {
	if commonName == "" {
		return nil, nil, errors.New("the common name is empty")
	}
	if rnd == nil {
		rnd = rand.Reader
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rnd)
	if err != nil {
		return nil, nil, fmt.Errorf("generate key: %w", err)
	}
	serial := make([]byte, 16)
	if _, err := io.ReadFull(rnd, serial); err != nil {
		return nil, nil, fmt.Errorf("generate serial number: %w", err)
	}
	subject := pkix.Name{CommonName: commonName}
	if organization != "" {
		subject.Organization = []string{organization}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          new(big.Int).SetBytes(serial),
		Subject:               subject,
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedLifetime),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  false,
	}
	der, err := x509.CreateCertificate(rnd, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("create certificate: %w", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode key: %w", err)
	}
	certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	return certPEM, keyPEM, nil
}
