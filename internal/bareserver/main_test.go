package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestReadKeyForms(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ec)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name, typ string
		der       []byte
		pub       crypto.PublicKey
	}{
		{"sec1", "EC PRIVATE KEY", sec1, &ec.PublicKey},
		{"pkcs8", "PRIVATE KEY", pkcs8, &ec.PublicKey},
		{"pkcs1", "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rk), &rk.PublicKey},
	} {
		path := filepath.Join(dir, c.name+".pem")
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: c.typ, Bytes: c.der}), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := readKey(path)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !s.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(c.pub) {
			t.Errorf("%s: read a different key", c.name)
		}
	}
	bad := filepath.Join(dir, "bad.pem")
	if err := os.WriteFile(bad, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("nope")}), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := readKey(bad); err == nil {
		t.Error("readKey accepted a block that is no key")
	}
	if _, err := readKey(filepath.Join(dir, "absent.pem")); err == nil {
		t.Error("readKey accepted a missing file")
	}
}

// The signed answer is the file's length, with a fresh signature of the
// request's URL at its end that the key's public half verifies.
func TestSignedAnswer(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	body := bytes.Repeat([]byte("p"), 3000)
	h := newHandler(body, "application/x-apple-aspen-config", rk)
	for _, target := range []string{"/profile?email=a%40example.com", "/profile?email=b%40example.com"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		got := rec.Body.Bytes()
		if rec.Code != http.StatusOK || len(got) != len(body) || rec.Header().Get("Content-Length") != "3000" {
			t.Fatalf("%s: status %d, %d bytes, Content-Length %q", target, rec.Code, len(got), rec.Header().Get("Content-Length"))
		}
		digest := sha256.Sum256([]byte(target))
		if err := rsa.VerifyPKCS1v15(&rk.PublicKey, crypto.SHA256, digest[:], got[len(got)-256:]); err != nil {
			t.Errorf("%s: the answer's signature does not verify: %v", target, err)
		}
		if !bytes.Equal(got[:len(got)-256], body[:len(body)-256]) {
			t.Errorf("%s: the answer changed more than its last bytes", target)
		}
	}
	// Unsigned, it is the file itself.
	rec := httptest.NewRecorder()
	newHandler(body, "text/plain", nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if !bytes.Equal(rec.Body.Bytes(), body) || rec.Header().Get("Content-Type") != "text/plain" {
		t.Errorf("unsigned answer: %d bytes, Content-Type %q", rec.Body.Len(), rec.Header().Get("Content-Type"))
	}
}
