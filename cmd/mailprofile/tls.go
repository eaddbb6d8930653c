package main

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/acme"
	"golang.org/x/crypto/acme/autocert"
)

// letsEncrypt is the default ACME directory.
const letsEncrypt = "https://acme-v02.api.letsencrypt.org/directory"

// acmeCacheDir keeps ACME account keys and certificates in the data
// folder, so a restart does not ask the CA again.
const acmeCacheDir = "acme"

// serverTLS is the TLS configuration of the listener: nil for plain HTTP
// (behind a TLS-terminating proxy), a fixed pair with --tls-cert and
// --tls-key, or certificates from an ACME CA with --acme-domain.
//
// With --tls-cert it also returns the pair in use, which a SIGHUP reloads
// (app.reloadTLS); certificates from ACME renew themselves.
func serverTLS(cfg *Config, log *slog.Logger) (*tls.Config, *reloadingCert, error) {
	switch {
	case cfg.TLSCert != "":
		rc := &reloadingCert{certPath: cfg.TLSCert, keyPath: cfg.TLSKey}
		if _, err := rc.reload(time.Now()); err != nil {
			return nil, nil, err
		}
		return &tls.Config{GetCertificate: rc.get, MinVersion: tls.VersionTLS12}, rc, nil
	case cfg.ACMEDomain != "":
		m, err := acmeManager(cfg)
		if err != nil {
			return nil, nil, err
		}
		log.Info("certificates from ACME", "domains", cfg.ACMEDomain, "directory", cfg.ACMEDirectory)
		tc := m.TLSConfig() // answers TLS-ALPN-01 challenges on this listener
		tc.MinVersion = tls.VersionTLS12
		return tc, nil, nil
	}
	return nil, nil, nil
}

// reloadingCert is the --tls-cert pair in use. Handshakes load it without
// a lock; a SIGHUP swaps in the renewed files (reload), so a certificate
// renewed by certbot or an ACME client outside mailprofile takes effect
// without a restart. Connections already open keep theirs.
type reloadingCert struct {
	certPath, keyPath string
	current           atomic.Pointer[tls.Certificate]
}

// get is the tls.Config.GetCertificate function.
func (r *reloadingCert) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return r.current.Load(), nil
}

// reload reads the pair from its files with the checks of start-up (the
// key's permissions, the pair matching, not expired) and puts it in use.
// On an error the pair in use stays. It returns the new leaf.
func (r *reloadingCert) reload(now time.Time) (*x509.Certificate, error) {
	certPEM, err := os.ReadFile(r.certPath)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert: %w", err)
	}
	keyPEM, err := readKeyFile(r.keyPath)
	if err != nil {
		return nil, fmt.Errorf("--tls-key: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("--tls-cert %s and --tls-key %s: %w", r.certPath, r.keyPath, err)
	}
	leaf := pair.Leaf // X509KeyPair fills it in
	if leaf == nil {
		if leaf, err = x509.ParseCertificate(pair.Certificate[0]); err != nil {
			return nil, fmt.Errorf("--tls-cert %s: %w", r.certPath, err)
		}
	}
	if now.After(leaf.NotAfter) {
		return nil, fmt.Errorf("--tls-cert %s: the certificate expired on %s", r.certPath, leaf.NotAfter.UTC().Format(time.DateOnly))
	}
	r.current.Store(&pair)
	return leaf, nil
}

// reloadTLS answers a SIGHUP for the --tls-cert pair, if there is one.
func (a *app) reloadTLS(now time.Time) {
	if a.tlsCert == nil {
		return
	}
	old := a.tlsCert.current.Load()
	leaf, err := a.tlsCert.reload(now)
	if err != nil {
		a.log.Error("TLS certificate reload refused; the previous certificate stays in use", "error", err, "sha256", certSHA256(old.Certificate[0]))
		return
	}
	a.log.Info("TLS certificate reloaded", "old_sha256", certSHA256(old.Certificate[0]), "sha256", certSHA256(leaf.Raw),
		"subject", leaf.Subject.String(), "not_after", leaf.NotAfter.UTC().Format(time.RFC3339))
}

// certSHA256 is a certificate's SHA-256 fingerprint in hex, for logs.
func certSHA256(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// acmeManager obtains and renews certificates for the --acme-domain
// names with the TLS-ALPN-01 challenge, answered on the listener itself
// (which must be reachable on port 443 under those names).
func acmeManager(cfg *Config) (*autocert.Manager, error) {
	var domains []string
	for _, d := range strings.Split(cfg.ACMEDomain, ",") {
		if d = strings.TrimSpace(d); d != "" {
			domains = append(domains, d)
		}
	}
	client := &acme.Client{DirectoryURL: cfg.ACMEDirectory}
	if cfg.ACMECACert != "" {
		pem, err := os.ReadFile(cfg.ACMECACert)
		if err != nil {
			return nil, fmt.Errorf("--acme-ca-cert: %w", err)
		}
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--acme-ca-cert %s: no PEM certificate found", cfg.ACMECACert)
		}
		client.HTTPClient = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		}}
	}
	dir := filepath.Join(cfg.DataDir, acmeCacheDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	return &autocert.Manager{
		Prompt:     autocert.AcceptTOS,
		Cache:      autocert.DirCache(dir),
		HostPolicy: autocert.HostWhitelist(domains...),
		Email:      cfg.ACMEEmail,
		Client:     client,
	}, nil
}

// validateTLS checks the TLS settings of serve.
func (c *Config) validateTLS(bad func(flagName, format string, args ...any)) {
	switch {
	case (c.TLSCert == "") != (c.TLSKey == ""):
		bad("tls-cert", "and --tls-key go together")
	case c.TLSCert != "" && c.ACMEDomain != "":
		bad("acme-domain", "cannot be combined with --tls-cert")
	}
	if c.ACMEDomain != "" && !strings.HasPrefix(c.ACMEDirectory, "https://") {
		bad("acme-directory", "%q: want an https:// URL", c.ACMEDirectory)
	}
}
