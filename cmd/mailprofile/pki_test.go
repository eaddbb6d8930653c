package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing/signingtest"
)

// operatorChain is a root -> intermediate -> leaf made with the real
// openssl binary, as an operator would make one.
type operatorChain struct {
	dir       string
	root      string // root certificate
	fullchain string // leaf, then intermediate
	key       string // leaf key, PKCS#8, mode 0600
}

func needOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed: run scripts/test, which installs it")
	}
}

func openssl(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("openssl", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func writeFile(t *testing.T, path, data string, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil {
		t.Fatal(err)
	}
}

// newOperatorChain makes the chain with keys of kind "rsa" (2048 bits) or
// "ec" (P-256).
func newOperatorChain(t *testing.T, kind string) operatorChain {
	t.Helper()
	needOpenSSL(t)
	dir := t.TempDir()
	newkey := []string{"-newkey", "rsa:2048"}
	if kind == "ec" {
		newkey = []string{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"}
	}
	writeFile(t, filepath.Join(dir, "ca.ext"), "basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n", 0o644)
	writeFile(t, filepath.Join(dir, "leaf.ext"), "basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\n", 0o644)
	openssl(t, dir, append(append([]string{"req", "-x509"}, newkey...), "-nodes", "-keyout", "root.key", "-out", "root.pem",
		"-subj", "/CN=Test Root CA", "-days", "3650", "-addext", "basicConstraints=critical,CA:true", "-addext", "keyUsage=critical,keyCertSign,cRLSign")...)
	openssl(t, dir, append(append([]string{"req"}, newkey...), "-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj", "/CN=Test Intermediate CA")...)
	openssl(t, dir, "x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial", "-out", "int.pem", "-days", "3650", "-extfile", "ca.ext")
	openssl(t, dir, append(append([]string{"req"}, newkey...), "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/O=Example ISP/CN=profiles.example.com")...)
	openssl(t, dir, "x509", "-req", "-in", "leaf.csr", "-CA", "int.pem", "-CAkey", "int.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "825", "-extfile", "leaf.ext")
	leaf, _ := os.ReadFile(filepath.Join(dir, "leaf.pem"))
	inter, _ := os.ReadFile(filepath.Join(dir, "int.pem"))
	writeFile(t, filepath.Join(dir, "fullchain.pem"), string(leaf)+string(inter), 0o644)
	if err := os.Chmod(filepath.Join(dir, "leaf.key"), 0o600); err != nil {
		t.Fatal(err)
	}
	return operatorChain{dir: dir, root: filepath.Join(dir, "root.pem"), fullchain: filepath.Join(dir, "fullchain.pem"), key: filepath.Join(dir, "leaf.key")}
}

// expiredPair writes a self-signed ECDSA certificate that expired
// yesterday, and its key; openssl 3.0 cannot backdate a certificate.
func expiredPair(t *testing.T) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "expired signer"},
		// Expired by the machine's clock, which the binary checks it against.
		NotBefore: timetest.Wall().AddDate(-2, 0, 0),
		NotAfter:  timetest.Wall().AddDate(0, 0, -1),
		KeyUsage:  x509.KeyUsageDigitalSignature,
	}
	certPEM, keyPEM := signingtest.SelfSigned(t, key, tmpl)
	dir := t.TempDir()
	certPath, keyPath = filepath.Join(dir, "expired.pem"), filepath.Join(dir, "expired.key")
	writeFile(t, certPath, string(certPEM), 0o644)
	writeFile(t, keyPath, string(keyPEM), 0o600)
	return certPath, keyPath
}
