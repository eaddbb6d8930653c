package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
func serverTLS(cfg *Config, log *slog.Logger) (*tls.Config, error) {
	switch {
	case cfg.TLSCert != "":
		certPEM, err := os.ReadFile(cfg.TLSCert)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert: %w", err)
		}
		keyPEM, err := readKeyFile(cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("--tls-key: %w", err)
		}
		pair, err := tls.X509KeyPair(certPEM, keyPEM)
		if err != nil {
			return nil, fmt.Errorf("--tls-cert %s and --tls-key %s: %w", cfg.TLSCert, cfg.TLSKey, err)
		}
		if leaf, err := x509.ParseCertificate(pair.Certificate[0]); err == nil && time.Now().After(leaf.NotAfter) {
			return nil, fmt.Errorf("--tls-cert %s: the certificate expired on %s", cfg.TLSCert, leaf.NotAfter.UTC().Format(time.DateOnly))
		}
		return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
	case cfg.ACMEDomain != "":
		m, err := acmeManager(cfg)
		if err != nil {
			return nil, err
		}
		log.Info("certificates from ACME", "domains", cfg.ACMEDomain, "directory", cfg.ACMEDirectory)
		tc := m.TLSConfig() // answers TLS-ALPN-01 challenges on this listener
		tc.MinVersion = tls.VersionTLS12
		return tc, nil
	}
	return nil, nil
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
