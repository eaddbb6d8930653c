package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/signing"
	"github.com/mailprofile/mailprofile/web"
)

// expiryWarning is how early a signing certificate's end is logged.
const expiryWarning = 30 * 24 * time.Hour

// finder finds the settings for an address; the catalog, or discovery
// with the catalog first.
type finder interface {
	Find(ctx context.Context, addr profile.Address, proto profile.Protocol) (provider.Settings, error)
}

// app is what serve and generate share: settings, finder, signer and
// the metrics that discovery and signer reloads count into.
type app struct {
	log     *slog.Logger
	catalog *provider.Catalog
	finder  finder
	signer  *reloadingSigner // nil when unsigned
	tlsCert *reloadingCert   // the --tls-cert pair; nil without one
	options profile.Options
	metrics *web.Metrics
}

func newApp(cfg *Config, log *slog.Logger, now time.Time) (*app, error) {
	if err := ensureDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	catalog, err := loadCatalog(cfg, log)
	if err != nil {
		return nil, err
	}
	metrics := web.NewMetrics()
	f, err := newFinder(cfg, catalog, log, metrics)
	if err != nil {
		return nil, err
	}
	secret, err := loadSecret(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	signer, err := loadSigner(cfg, log, now)
	if err != nil {
		return nil, err
	}
	opts, err := profileOptions(cfg, secret)
	if err != nil {
		return nil, err
	}
	certPath, keyPath := signerFiles(cfg)
	return &app{log: log, catalog: catalog, finder: f, signer: newReloadingSigner(signer, certPath, keyPath), options: opts, metrics: metrics}, nil
}

// profileOptions are the profile settings of the flags, with the
// installation's identifier secret.
func profileOptions(cfg *Config, secret []byte) (profile.Options, error) {
	opts := profile.Options{
		IdentifierPrefix: cfg.IdentifierPrefix,
		Organization:     cfg.Organization,
		// The operator's texts, for every language; the ones left empty
		// come from the catalogs in the visitor's language (web).
		Texts: profile.Texts{
			DisplayName:       cfg.ProfileName,
			Description:       cfg.ProfileDesc,
			SignInDescription: cfg.ProfileSignIn,
		},
		Secret: secret,
	}
	return opts, opts.Validate()
}

// newFinder is the catalog alone with --discovery=false, else discovery
// over it. Discovery logs each lookup that went to the network, without
// the address: the domain is enough to follow what happened.
func newFinder(cfg *Config, catalog *provider.Catalog, log *slog.Logger, m *web.Metrics) (finder, error) {
	if !cfg.Discovery {
		return catalog, nil
	}
	return newDiscoverer(cfg, catalog, log, m)
}

// newDiscoverer logs each network lookup and counts it in m, which may be
// nil.
func newDiscoverer(cfg *Config, catalog *provider.Catalog, log *slog.Logger, m *web.Metrics) (*discover.Discoverer, error) {
	dc := discover.DefaultConfig()
	dc.ISPDBURL = cfg.ISPDBURL
	dc.DNSServer = cfg.DNSServer
	dc.Budget = cfg.DiscoveryTimeout
	if cfg.DiscoveryConcurrency > 0 { // serve's flags; the command line's one lookup keeps the defaults
		dc.MaxLookups = cfg.DiscoveryConcurrency
		dc.ClientLookups = cfg.DiscoveryPerClient
		if dc.ClientLookups == 0 {
			dc.ClientLookups = -1 // the flag's 0 is "no per-client budget"
		}
	}
	dc.OnLookup = func(r *discover.Result) {
		outcome := "not_found"
		switch {
		case r.Found():
			outcome = "found"
		case r.Abandoned:
			outcome = "abandoned"
		}
		log.Info("settings lookup", "domain", r.Domain, "found", r.Found(), "outcome", outcome, "method", r.Origin.Method, "elapsed_ms", r.Elapsed.Milliseconds(), "steps", len(r.Steps))
		m.ObserveLookup(string(r.Origin.Method), outcome)
	}
	dc.OnRefused = m.ObserveDiscoveryRefused
	d, err := discover.New(catalog, dc)
	if err != nil {
		return nil, fmt.Errorf("discovery settings (--ispdb-url, --dns-server, --discovery-timeout, --discovery-concurrency): %w", err)
	}
	if err := m.WatchDiscovery(d.InFlight); err != nil {
		return nil, err
	}
	return d, nil
}

// signs reports whether a profile with these settings is signed: catalog
// settings are, discovered ones only with --sign-discovered, since a
// signature is the operator vouching for the servers inside.
func (a *app) signs(found provider.Settings, signDiscovered bool) bool {
	return a.signer != nil && (!found.Origin.Discovered() || signDiscovered)
}

// loadCatalog is the built-in catalog plus the operator's folder.
func loadCatalog(cfg *Config, log *slog.Logger) (*provider.Catalog, error) {
	sources := []fs.FS{provider.Builtin()}
	if cfg.Providers != "" {
		info, err := os.Stat(cfg.Providers)
		if err != nil {
			return nil, fmt.Errorf("--providers: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("--providers %s: not a folder", cfg.Providers)
		}
		sources = append(sources, os.DirFS(cfg.Providers))
	}
	c, err := provider.NewCatalog(sources...)
	if err != nil {
		if cfg.Providers != "" {
			return nil, fmt.Errorf("--providers %s: %w", cfg.Providers, err)
		}
		return nil, err
	}
	for _, w := range c.Warnings() {
		log.Warn("provider catalog", "warning", w)
	}
	log.Debug("provider catalog loaded", "domains", c.Len())
	return c, nil
}

// loadSigner loads the operator's certificate and key, or the self-signed
// pair in the data folder, creating it on first start. The same leaf must
// sign every profile: iOS refuses to replace a signed profile with one
// signed by another certificate.
func loadSigner(cfg *Config, log *slog.Logger, now time.Time) (*signing.Signer, error) {
	if cfg.Unsigned {
		log.Warn("profiles are served unsigned (--unsigned): devices show them as Unsigned")
		return nil, nil
	}
	certPath, keyPath := signerFiles(cfg)
	if cfg.SignCert == "" {
		if err := ensureSelfSigned(certPath, keyPath, cfg.Organization, log, now); err != nil {
			return nil, err
		}
	}
	s, err := readSigner(certPath, keyPath, now)
	if err != nil {
		return nil, err
	}
	attrs := []any{"subject", s.Leaf().Subject.String(), "key", s.KeyType(), "not_after", s.NotAfter().UTC().Format(time.RFC3339), "sha256", s.Fingerprint()}
	if s.Expiring(now, expiryWarning) {
		log.Warn("signing certificate expires soon: renew it, and remember that devices need the same leaf to replace a profile", attrs...)
	} else {
		log.Info("signing certificate loaded", attrs...)
	}
	return s, nil
}

// signerFiles are the operator's certificate and key files, or the
// self-signed pair in the data folder.
func signerFiles(cfg *Config) (certPath, keyPath string) {
	if cfg.SignCert != "" {
		return cfg.SignCert, cfg.SignKey
	}
	return filepath.Join(cfg.DataDir, selfSignedCertFile), filepath.Join(cfg.DataDir, selfSignedKeyFile)
}

// readSigner reads and checks a certificate and key file pair. Errors name
// the file and the problem.
func readSigner(certPath, keyPath string, now time.Time) (*signing.Signer, error) {
	certPEM, err := os.ReadFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("signing certificate: %w", err)
	}
	keyPEM, err := readKeyFile(keyPath)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	s, err := signing.Load(certPEM, keyPEM, now)
	if err != nil {
		var le *signing.LoadError
		if errors.As(err, &le) && le.Part == signing.PartKey {
			return nil, fmt.Errorf("%s: %w", keyPath, err)
		}
		return nil, fmt.Errorf("%s: %w", certPath, err)
	}
	return s, nil
}

// ensureSelfSigned creates the self-signed signing pair unless it exists.
func ensureSelfSigned(certPath, keyPath, org string, log *slog.Logger, now time.Time) error {
	_, certErr := os.Stat(certPath)
	_, keyErr := os.Stat(keyPath)
	switch {
	case certErr == nil && keyErr == nil:
		return nil
	case certErr == nil || keyErr == nil:
		return fmt.Errorf("%s and %s: one exists without the other; restore the missing file from a backup, or remove both to make a new signing certificate (devices will then refuse to replace profiles signed by the old one)", certPath, keyPath)
	case !errors.Is(certErr, fs.ErrNotExist):
		return certErr
	}
	certPEM, keyPEM, err := signing.NewSelfSigned(org+" profile signing", org, now, rand.Reader)
	if err != nil {
		return fmt.Errorf("create self-signed signing certificate: %w", err)
	}
	if err := writeFileAtomic(keyPath, keyPEM, 0o600); err != nil {
		return fmt.Errorf("write %s: %w", keyPath, err)
	}
	if err := writeFileAtomic(certPath, certPEM, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", certPath, err)
	}
	log.Info("created a self-signed signing certificate; keep the data folder: devices only accept replacements signed by the same certificate", "cert", certPath)
	return nil
}

// ready is the readiness check: the signer in use, reloaded or not, must
// still be valid.
func (a *app) ready(ctx context.Context) error {
	if a.signer != nil && time.Now().After(a.signer.NotAfter()) {
		return errors.New("the signing certificate has expired")
	}
	return ctx.Err()
}
