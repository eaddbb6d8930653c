package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// testPKI is a throwaway root -> intermediate -> leaf hierarchy, valid at
// timetest.Fixed unless the options say otherwise.
type testPKI struct {
	root, intermediate, leaf          *x509.Certificate
	rootKey, intermediateKey, leafKey crypto.Signer
}

// pkiOptions changes the generated hierarchy; zero values mean defaults.
type pkiOptions struct {
	alg       string // "ecdsa" (P-256, default) or "rsa" (2048)
	name      string // distinguishes hierarchies, and their keys, in one test
	notBefore time.Time
	notAfter  time.Time // of the leaf
}

var (
	keyMu    sync.Mutex
	keyCache = map[string]crypto.Signer{}
)

// testKey returns a key for the given algorithm and name, generated once per
// test binary because RSA key generation is slow.
func testKey(t testing.TB, alg, name string) crypto.Signer {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	id := alg + "/" + name
	if k, ok := keyCache[id]; ok {
		return k
	}
	var k crypto.Signer
	var err error
	switch alg {
	case "ecdsa":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "rsa":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "rsa1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	default:
		t.Fatalf("testKey: unknown algorithm %q", alg)
	}
	if err != nil {
		t.Fatalf("generate %s key: %v", alg, err)
	}
	keyCache[id] = k
	return k
}

func newTestPKI(t testing.TB, opts pkiOptions) *testPKI {
	t.Helper()
	if opts.alg == "" {
		opts.alg = "ecdsa"
	}
	// Around the fixed test time: a leaf of a few months, like a Let's
	// Encrypt one, whose lifetime runs from the test's clock, not the
	// machine's.
	if opts.notBefore.IsZero() {
		opts.notBefore = timetest.Fixed().Add(-time.Hour)
	}
	if opts.notAfter.IsZero() {
		opts.notAfter = timetest.Fixed().Add(90 * 24 * time.Hour)
	}
	p := &testPKI{
		rootKey:         testKey(t, opts.alg, opts.name+"root"),
		intermediateKey: testKey(t, opts.alg, opts.name+"intermediate"),
		leafKey:         testKey(t, opts.alg, opts.name+"leaf"),
	}
	caFrom, caUntil := opts.notBefore.Add(-24*time.Hour), opts.notAfter.Add(365*24*time.Hour)
	p.root = issue(t, caTemplate(opts.name+"Test Root", caFrom, caUntil), nil, p.rootKey, p.rootKey)
	p.intermediate = issue(t, caTemplate(opts.name+"Test Intermediate", caFrom, caUntil), p.root, p.intermediateKey, p.rootKey)
	leaf := &x509.Certificate{
		Subject:   pkix.Name{CommonName: opts.name + "Test Leaf", Organization: []string{"Example"}},
		NotBefore: opts.notBefore,
		NotAfter:  opts.notAfter,
		KeyUsage:  x509.KeyUsageDigitalSignature,
		// Like a Let's Encrypt certificate: TLS only, no S/MIME usage.
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:              []string{"mail.example.com"},
		BasicConstraintsValid: true,
	}
	p.leaf = issue(t, leaf, p.intermediate, p.leafKey, p.intermediateKey)
	return p
}

func caTemplate(cn string, notBefore, notAfter time.Time) *x509.Certificate {
	return &x509.Certificate{
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
}

// issue signs tmpl with parentKey; a nil parent makes it self-signed.
func issue(t testing.TB, tmpl, parent *x509.Certificate, key, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		t.Fatal(err)
	}
	tmpl.SerialNumber = serial
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		t.Fatalf("create certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fullchain is leaf + intermediate + root, as certbot's fullchain.pem plus root.
func (p *testPKI) fullchain() []byte {
	return pemCerts(p.leaf, p.intermediate, p.root)
}

func (p *testPKI) keyPEM(t testing.TB) []byte {
	t.Helper()
	return pemPKCS8(t, p.leafKey)
}

// signer loads the hierarchy at the fixed test time and signs at it.
func (p *testPKI) signer(t testing.TB) *Signer {
	t.Helper()
	s, err := Load(p.fullchain(), p.keyPEM(t), timetest.Fixed())
	if err != nil {
		t.Fatalf("Load() = %v, want nil", err)
	}
	return s.WithClock(timetest.Fixed)
}

func (p *testPKI) roots() *x509.CertPool {
	pool := x509.NewCertPool()
	pool.AddCert(p.root)
	return pool
}

func pemCerts(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func pemPKCS8(t testing.TB, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func pemPKCS1(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func pemSEC1(t testing.TB, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
}

// writeTemp writes data to a file in dir and returns its path.
func writeTemp(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// plistContent returns about 2.5 KB of plist-like bytes, with non-ASCII text
// and LF line endings that a careless signer would rewrite.
func plistContent() []byte {
	b := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>PayloadContent</key>
	<array>
`)
	for len(b) < 2300 {
		b = append(b, `		<dict>
			<key>EmailAccountDescription</key>
			<string>Jürgen &amp; Zoë</string>
			<key>IncomingMailServerHostName</key>
			<string>imap.example.com</string>
			<key>IncomingMailServerPortNumber</key>
			<integer>993</integer>
		</dict>
`...)
	}
	return append(b, `	</array>
	<key>PayloadType</key>
	<string>Configuration</string>
</dict>
</plist>
`...)
}
