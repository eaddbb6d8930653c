package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/letsencrypt/pebble/v2/ca"
	"github.com/letsencrypt/pebble/v2/db"
	"github.com/letsencrypt/pebble/v2/va"
	"github.com/letsencrypt/pebble/v2/wfe"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
	"github.com/mailprofile/mailprofile/signing/signingtest"
)

// freePort is a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// TestServeACME gets a certificate end to end from a real ACME server,
// Pebble, run in the test: serve answers the TLS-ALPN-01 challenge on its
// own listener, Pebble's validator reaches it through a DNS server on
// loopback, and the served certificate chains to Pebble's root.
func TestServeACME(t *testing.T) {
	t.Setenv("PEBBLE_VA_NOSLEEP", "1")
	t.Setenv("PEBBLE_WFE_NONCEREJECT", "0")
	const domain = "profiles.example.test"
	port := freePort(t)
	tlsPort, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	resolver := dnstest.Serve(t, domain+". 60 IN A 127.0.0.1")

	var pebbleLog strings.Builder
	logger := log.New(&pebbleLog, "pebble ", 0)
	store := db.NewMemoryStore()
	authority := ca.New(logger, store, "", "ecdsa", 0, 1, map[string]ca.Profile{"default": {Description: "test"}})
	validator := va.New(logger, 0, tlsPort, false, resolver, store)
	front := wfe.New(logger, store, validator, authority, []string{"pebble.letsencrypt.org"}, false, false, 0, 0)
	acmeSrv := httptest.NewTLSServer(front.Handler())
	t.Cleanup(acmeSrv.Close)
	mgmt := httptest.NewTLSServer(front.ManagementHandler())
	t.Cleanup(mgmt.Close)

	dir := t.TempDir()
	caFile := filepath.Join(dir, "acme-server-ca.pem")
	writeFile(t, caFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: acmeSrv.Certificate().Raw})), 0o644)

	s := startServer(t, filepath.Join(dir, "data"), "--addr", "127.0.0.1:"+port,
		"--acme-domain", domain, "--acme-directory", acmeSrv.URL+"/dir", "--acme-ca-cert", caFile)
	if !strings.HasPrefix(s.base, "https://") {
		t.Fatalf("serve listens on %s, want https", s.base)
	}

	// Pebble's root, which signs the certificates it issues.
	resp, err := mgmt.Client().Get(mgmt.URL + "/roots/0")
	if err != nil {
		t.Fatal(err)
	}
	rootPEM, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(rootPEM) {
		t.Fatalf("no Pebble root in %q", rootPEM)
	}
	client := &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots, ServerName: domain},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
		},
	}}
	resp, err = client.Get("https://" + domain + "/profile?email=someone%40btinternet.com")
	if err != nil {
		for _, line := range strings.Split(pebbleLog.String(), "\n") {
			if i := strings.Index(line, "by completed challenge "); i >= 0 {
				if ch := store.GetChallengeByID(strings.TrimSpace(line[i+len("by completed challenge "):])); ch != nil && ch.Error != nil {
					t.Logf("challenge %s: %s", ch.Type, ch.Error.Detail)
				}
			}
		}
		t.Fatalf("HTTPS with the ACME certificate: %v\n%s", err, s.logs.all())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("status %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	leaf := resp.TLS.PeerCertificates[0]
	if err := leaf.VerifyHostname(domain); err != nil {
		t.Errorf("served certificate: %v", err)
	}
	// The certificate is kept in the data folder for the next start.
	if matches, _ := filepath.Glob(filepath.Join(dir, "data", acmeCacheDir, "*")); len(matches) == 0 {
		t.Error("no ACME cache in the data folder")
	}
	terminate(t, s)
}

// tlsPair makes a self-signed server certificate for 127.0.0.1, valid
// until notAfter, and returns it parsed and as PEM with its key.
func tlsPair(t *testing.T, serial int64, notAfter time.Time) (*x509.Certificate, []byte, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    timetest.Wall().Add(-2 * time.Hour), // for the server and a TLS client, which read the clock
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	certPEM, keyPEM := signingtest.SelfSigned(t, key, tmpl)
	block, _ := pem.Decode(certPEM)
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return leaf, certPEM, keyPEM
}

// TestServeTLSFiles serves HTTPS with --tls-cert and --tls-key.
func TestServeTLSFiles(t *testing.T) {
	leaf, certPEM, keyPEM := tlsPair(t, 42, timetest.Wall().Add(time.Hour)) // the server checks it at start
	dir := t.TempDir()
	certFile, keyFile, openKey := filepath.Join(dir, "tls.pem"), filepath.Join(dir, "tls.key"), filepath.Join(dir, "open.key")
	writeFile(t, certFile, string(certPEM), 0o644)
	writeFile(t, keyFile, string(keyPEM), 0o600)
	writeFile(t, openKey, string(keyPEM), 0o644)

	s := startServer(t, filepath.Join(dir, "data"), "--tls-cert", certFile, "--tls-key", keyFile)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	resp, err := client.Get(s.base + "/healthz")
	if err != nil {
		t.Fatalf("HTTPS: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("status %d, HSTS %q", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}

	bin := buildBinary(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", certFile, "--tls-key", openKey}, "lets other users read or change the key"},
		{[]string{"--tls-cert", certFile}, "--tls-cert ($MAILPROFILE_TLS_CERT): and --tls-key go together"},
		{[]string{"--tls-cert", keyFile, "--tls-key", keyFile}, "--tls-cert " + keyFile},
		{[]string{"--acme-domain", "x.example", "--tls-cert", certFile, "--tls-key", keyFile}, "cannot be combined with --tls-cert"},
	} {
		out, err := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, tt.args...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), tt.want) {
			t.Errorf("serve %v: %v\n%s", tt.args, err, out)
		}
	}
}

// TestServeReloadTLS renews the --tls-cert pair: after a SIGHUP new
// connections get the new certificate; a pair that does not match, or
// has expired, is refused with a log line and the one in use stays.
func TestServeReloadTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "tls.pem"), filepath.Join(dir, "tls.key")
	// The running server checks each pair against its clock at SIGHUP.
	first, firstCert, firstKey := tlsPair(t, 1, timetest.Wall().Add(time.Hour))
	second, secondCert, secondKey := tlsPair(t, 2, timetest.Wall().Add(48*time.Hour))
	_, expiredCert, expiredKey := tlsPair(t, 3, timetest.Wall().Add(-time.Hour))
	writeFile(t, certFile, string(firstCert), 0o644)
	writeFile(t, keyFile, string(firstKey), 0o600)
	s := startServer(t, filepath.Join(dir, "data"), "--tls-cert", certFile, "--tls-key", keyFile)

	roots := x509.NewCertPool()
	roots.AddCert(first)
	roots.AddCert(second)
	// served is the certificate a new connection gets.
	served := func() *x509.Certificate {
		t.Helper()
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, DisableKeepAlives: true}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Timeout: 10 * time.Second, Transport: tr}).Get(s.base + "/healthz")
		if err != nil {
			t.Fatalf("HTTPS: %v", err)
		}
		resp.Body.Close()
		return resp.TLS.PeerCertificates[0]
	}
	if got := served(); !got.Equal(first) {
		t.Fatalf("served serial %v at start, want %v", got.SerialNumber, first.SerialNumber)
	}
	swap := func(cert, key []byte) {
		t.Helper()
		if err := writeFileAtomic(certFile, cert, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := writeFileAtomic(keyFile, key, 0o600); err != nil {
			t.Fatal(err)
		}
		hangup(t, s)
	}

	swap(secondCert, secondKey)
	waitLog(t, s, "TLS certificate reloaded", 1)
	if got := served(); !got.Equal(second) {
		t.Errorf("served serial %v after the reload, want %v", got.SerialNumber, second.SerialNumber)
	}

	swap(firstCert, secondKey) // a certificate with another's key
	waitLog(t, s, "TLS certificate reload refused", 1)
	swap(expiredCert, expiredKey)
	waitLog(t, s, "TLS certificate reload refused", 2)
	if logs := s.logs.all(); !strings.Contains(logs, "the certificate expired on") {
		t.Errorf("no reason for refusing the expired certificate in the log:\n%s", logs)
	}
	if got := served(); !got.Equal(second) {
		t.Errorf("served serial %v after refused reloads, want %v still", got.SerialNumber, second.SerialNumber)
	}
	terminate(t, s)
}
