package signing

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

func TestLoad(t *testing.T) {
	ec := newTestPKI(t, pkiOptions{alg: "ecdsa"})
	rs := newTestPKI(t, pkiOptions{alg: "rsa"})
	ecParams := []byte("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n")
	tests := []struct {
		name      string
		pki       *testPKI
		certPEM   []byte
		keyPEM    []byte
		wantChain []*x509.Certificate
		wantType  string
	}{
		{
			name:      "ecdsa pkcs8, root dropped",
			pki:       ec,
			certPEM:   ec.fullchain(),
			keyPEM:    pemPKCS8(t, ec.leafKey),
			wantChain: []*x509.Certificate{ec.leaf, ec.intermediate},
			wantType:  "ECDSA P-256",
		},
		{
			name:      "ecdsa sec1",
			pki:       ec,
			certPEM:   pemCerts(ec.leaf, ec.intermediate),
			keyPEM:    pemSEC1(t, ec.leafKey.(*ecdsa.PrivateKey)),
			wantChain: []*x509.Certificate{ec.leaf, ec.intermediate},
			wantType:  "ECDSA P-256",
		},
		{
			name:      "ecdsa sec1 after EC PARAMETERS (openssl ecparam -genkey)",
			pki:       ec,
			certPEM:   pemCerts(ec.leaf, ec.intermediate),
			keyPEM:    append(ecParams, pemSEC1(t, ec.leafKey.(*ecdsa.PrivateKey))...),
			wantChain: []*x509.Certificate{ec.leaf, ec.intermediate},
			wantType:  "ECDSA P-256",
		},
		{
			name:      "rsa pkcs1",
			pki:       rs,
			certPEM:   rs.fullchain(),
			keyPEM:    pemPKCS1(rs.leafKey.(*rsa.PrivateKey)),
			wantChain: []*x509.Certificate{rs.leaf, rs.intermediate},
			wantType:  "RSA-2048",
		},
		{
			name:      "rsa pkcs8",
			pki:       rs,
			certPEM:   rs.fullchain(),
			keyPEM:    pemPKCS8(t, rs.leafKey),
			wantChain: []*x509.Certificate{rs.leaf, rs.intermediate},
			wantType:  "RSA-2048",
		},
		{
			name:      "pkcs8 mislabelled as RSA PRIVATE KEY",
			pki:       rs,
			certPEM:   rs.fullchain(),
			keyPEM:    relabel(pemPKCS8(t, rs.leafKey), "RSA PRIVATE KEY"),
			wantChain: []*x509.Certificate{rs.leaf, rs.intermediate},
			wantType:  "RSA-2048",
		},
		{
			name:      "leaf only",
			pki:       ec,
			certPEM:   pemCerts(ec.leaf),
			keyPEM:    pemPKCS8(t, ec.leafKey),
			wantChain: []*x509.Certificate{ec.leaf},
			wantType:  "ECDSA P-256",
		},
		{
			name:      "key block in the certificate file is ignored",
			pki:       ec,
			certPEM:   append(pemCerts(ec.leaf, ec.intermediate), pemPKCS8(t, ec.leafKey)...),
			keyPEM:    pemPKCS8(t, ec.leafKey),
			wantChain: []*x509.Certificate{ec.leaf, ec.intermediate},
			wantType:  "ECDSA P-256",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(tt.certPEM, tt.keyPEM, timetest.Fixed())
			if err != nil {
				t.Fatalf("Load() = %v, want nil", err)
			}
			if !s.Leaf().Equal(tt.pki.leaf) {
				t.Errorf("Leaf() = %s, want %s", s.Leaf().Subject, tt.pki.leaf.Subject)
			}
			assertChain(t, "Chain()", s.Chain(), tt.wantChain)
			if got := s.KeyType(); got != tt.wantType {
				t.Errorf("KeyType() = %q, want %q", got, tt.wantType)
			}
			sum := sha256.Sum256(tt.pki.leaf.Raw)
			if got, want := s.Fingerprint(), hex.EncodeToString(sum[:]); got != want {
				t.Errorf("Fingerprint() = %s, want %s", got, want)
			}
			if got, want := s.NotAfter(), tt.pki.leaf.NotAfter; !got.Equal(want) {
				t.Errorf("NotAfter() = %v, want %v", got, want)
			}
		})
	}
}

func TestExpiring(t *testing.T) {
	notAfter := time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)
	p := newTestPKI(t, pkiOptions{notBefore: notAfter.AddDate(0, -3, 0), notAfter: notAfter})
	s, err := Load(p.fullchain(), p.keyPEM(t), notAfter.AddDate(0, -1, 0))
	if err != nil {
		t.Fatalf("Load() = %v, want nil", err)
	}
	tests := []struct {
		name   string
		now    time.Time
		within time.Duration
		want   bool
	}{
		{name: "31 days left", now: notAfter.AddDate(0, 0, -31), within: 30 * 24 * time.Hour, want: false},
		{name: "29 days left", now: notAfter.AddDate(0, 0, -29), within: 30 * 24 * time.Hour, want: true},
		{name: "exactly 30 days left", now: notAfter.AddDate(0, 0, -30), within: 30 * 24 * time.Hour, want: true},
		{name: "expired", now: notAfter.Add(time.Second), within: 0, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Expiring(tt.now, tt.within); got != tt.want {
				t.Errorf("Expiring(%v, %v) = %v, want %v", tt.now, tt.within, got, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	validFrom := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	validUntil := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	p := newTestPKI(t, pkiOptions{notBefore: validFrom, notAfter: validUntil})
	other := newTestPKI(t, pkiOptions{name: "Other ", notBefore: validFrom, notAfter: validUntil})
	during := validFrom.AddDate(0, 1, 0)
	chain := p.fullchain()
	key := p.keyPEM(t)

	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDER, err := x509.MarshalPKCS8PrivateKey(edKey)
	if err != nil {
		t.Fatal(err)
	}
	edPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: edDER})
	legacyEncrypted := pem.EncodeToMemory(&pem.Block{
		Type:    "RSA PRIVATE KEY",
		Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
		Bytes:   []byte("ciphertext"),
	})
	pkcs8Encrypted := pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("ciphertext")})
	openSSH := pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte("openssh")})
	badCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})

	tests := []struct {
		name     string
		certPEM  []byte
		keyPEM   []byte
		now      time.Time
		wantPart Part
		wantErr  string
	}{
		{
			name: "key does not match", certPEM: chain, keyPEM: other.keyPEM(t), now: during,
			wantPart: PartKey, wantErr: "key: the key does not match the leaf certificate",
		},
		{
			name: "chain in reverse order", certPEM: pemCerts(p.root, p.intermediate, p.leaf), keyPEM: key, now: during,
			wantPart: PartKey,
			wantErr:  "key: the key does not match the first certificate but certificate 3 (CN=Test Leaf): put the leaf first",
		},
		{
			name: "expired leaf", certPEM: chain, keyPEM: key, now: validUntil.Add(time.Minute),
			wantPart: PartCertificate, wantErr: "certificate: the leaf certificate expired on 2024-04-01 00:00 UTC",
		},
		{
			name: "leaf not yet valid", certPEM: chain, keyPEM: key, now: validFrom.Add(-time.Minute),
			wantPart: PartCertificate, wantErr: "certificate: the leaf certificate is not valid until 2024-01-01 00:00 UTC",
		},
		{
			name: "intermediate from a different root", certPEM: pemCerts(p.leaf, other.intermediate, other.root),
			keyPEM: key, now: during, wantPart: PartCertificate,
			wantErr: "certificate: certificate 1 (CN=Test Leaf) is not signed by certificate 2 (CN=Other Test Intermediate): x509: ECDSA verification failure",
		},
		{
			name: "garbage certificate file", certPEM: []byte("hello world\n"), keyPEM: key, now: during,
			wantPart: PartCertificate, wantErr: "certificate: no PEM block found",
		},
		{
			name: "garbage key file", certPEM: chain, keyPEM: []byte("hello world\n"), now: during,
			wantPart: PartKey, wantErr: "key: no PEM block found",
		},
		{
			name: "unparsable certificate", certPEM: badCert, keyPEM: key, now: during,
			wantPart: PartCertificate, wantErr: "certificate: certificate 1 cannot be parsed: x509: malformed certificate",
		},
		{
			name: "empty certificate file", certPEM: nil, keyPEM: key, now: during,
			wantPart: PartCertificate, wantErr: "certificate: the file is empty",
		},
		{
			name: "empty key file", certPEM: chain, keyPEM: []byte("\n \n"), now: during,
			wantPart: PartKey, wantErr: "key: the file is empty",
		},
		{
			name: "DER certificate", certPEM: p.leaf.Raw, keyPEM: key, now: during,
			wantPart: PartCertificate, wantErr: "certificate: not a PEM file: looks like DER",
		},
		{
			name: "DER key", certPEM: chain, keyPEM: pemBody(t, key), now: during,
			wantPart: PartKey, wantErr: "key: not a PEM file: looks like DER",
		},
		{
			name: "encrypted PKCS#8 key", certPEM: chain, keyPEM: pkcs8Encrypted, now: during,
			wantPart: PartKey, wantErr: "key: " + encryptedKey,
		},
		{
			name: "legacy encrypted PEM key", certPEM: chain, keyPEM: legacyEncrypted, now: during,
			wantPart: PartKey, wantErr: "key: " + encryptedKey,
		},
		{
			name: "Ed25519 key", certPEM: chain, keyPEM: edPEM, now: during,
			wantPart: PartKey, wantErr: "key: Ed25519 keys are not supported for CMS signing; use an RSA or ECDSA key",
		},
		{
			name: "RSA-1024 key", certPEM: chain, keyPEM: pemPKCS1(testKey(t, "rsa1024", "weak").(*rsa.PrivateKey)), now: during,
			wantPart: PartKey, wantErr: "key: the RSA key has 1024 bits; at least 2048 are required",
		},
		{
			name: "OpenSSH key", certPEM: chain, keyPEM: openSSH, now: during, wantPart: PartKey,
			wantErr: `key: unsupported key format "OPENSSH PRIVATE KEY"; use PKCS#8 (PRIVATE KEY), PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY)`,
		},
		{
			name: "two keys", certPEM: chain, keyPEM: append(key, other.keyPEM(t)...), now: during,
			wantPart: PartKey, wantErr: "key: more than one private key found",
		},
		{
			name: "certificate file holds only a key", certPEM: key, keyPEM: key, now: during,
			wantPart: PartCertificate, wantErr: "certificate: no CERTIFICATE block found, only a private key: is this the key file?",
		},
		{
			name: "key file holds only a certificate", certPEM: chain, keyPEM: chain, now: during,
			wantPart: PartKey, wantErr: "key: no private key found, only a certificate: is this the certificate file?",
		},
		{
			name: "key is not parsable", certPEM: chain,
			keyPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x00}}), now: during,
			wantPart: PartKey, wantErr: "key: the key cannot be parsed: asn1: syntax error: sequence truncated",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load(tt.certPEM, tt.keyPEM, tt.now)
			if err == nil {
				t.Fatalf("Load() = %v, nil, want error %q", s, tt.wantErr)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("Load() = %v, want %v", err, tt.wantErr)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load() error is %T, want *LoadError", err)
			}
			if le.Part != tt.wantPart {
				t.Errorf("Load() part = %v, want %v", le.Part, tt.wantPart)
			}
		})
	}
}

// relabel changes the type of the first PEM block in data.
func relabel(data []byte, typ string) []byte {
	b, _ := pem.Decode(data)
	b.Type = typ
	return pem.EncodeToMemory(b)
}

// pemBody returns the DER bytes of the first PEM block in data.
func pemBody(t *testing.T, data []byte) []byte {
	t.Helper()
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatal("no PEM block")
	}
	return b.Bytes
}

func assertChain(t *testing.T, what string, got, want []*x509.Certificate) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s has %d certificates, want %d", what, len(got), len(want))
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Errorf("%s[%d] = %s, want %s", what, i, got[i].Subject, want[i].Subject)
		}
	}
}
