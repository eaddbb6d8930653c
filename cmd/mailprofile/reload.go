package main

import (
	"context"
	"crypto/x509"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mailprofile/mailprofile/signing"
)

// reloadingSigner signs with the certificate and key in use, which a
// SIGHUP can swap for a renewed pair. Requests load the current signer
// without a lock, so a reload never holds one up; a request that started
// with the old signer finishes with it.
type reloadingSigner struct {
	current           atomic.Pointer[signing.Signer]
	certPath, keyPath string
}

// newReloadingSigner starts with s, read from certPath and keyPath; nil
// when s is nil (unsigned).
func newReloadingSigner(s *signing.Signer, certPath, keyPath string) *reloadingSigner {
	if s == nil {
		return nil
	}
	r := &reloadingSigner{certPath: certPath, keyPath: keyPath}
	r.current.Store(s)
	return r
}

// Sign signs content with the current signer; it satisfies web.Signer.
func (r *reloadingSigner) Sign(content []byte) ([]byte, error) {
	return r.current.Load().Sign(content)
}

// Fingerprint is the SHA-256 of the current leaf certificate.
func (r *reloadingSigner) Fingerprint() string { return r.current.Load().Fingerprint() }

// VerifyChain checks the current chain against roots: the review page
// tells visitors whether their device shows the profile as "Verified".
func (r *reloadingSigner) VerifyChain(roots *x509.CertPool, now time.Time) error {
	return r.current.Load().VerifyChain(roots, now)
}

// NotAfter is when the current leaf certificate expires.
func (r *reloadingSigner) NotAfter() time.Time { return r.current.Load().NotAfter() }

// reload reads the pair from the same files, with every check of the
// first start (readSigner), and puts it in use. A pair that fails a check
// is refused and old stays in use. The self-signed pair is never created
// here: a missing file is an error, not a reason for a new certificate.
func (r *reloadingSigner) reload(now time.Time) (old, loaded *signing.Signer, err error) {
	old = r.current.Load()
	s, err := readSigner(r.certPath, r.keyPath, now)
	if err != nil {
		return old, nil, err
	}
	r.current.Store(s)
	return old, s, nil
}

// reloadSigner answers a SIGHUP: it reloads the signing pair and logs the
// old and new fingerprints, or why the new pair was refused.
func (a *app) reloadSigner(now time.Time) {
	if a.signer == nil {
		a.log.Warn("SIGHUP: no signing certificate to reload, profiles are served unsigned (--unsigned)")
		return
	}
	old, s, err := a.signer.reload(now)
	if err != nil {
		a.metrics.ObserveSignerReload("refused")
		a.log.Error("signing certificate reload refused; the previous certificate stays in use", "error", err, "sha256", old.Fingerprint())
		return
	}
	a.metrics.ObserveSignerReload("loaded")
	attrs := []any{"old_sha256", old.Fingerprint(), "sha256", s.Fingerprint(), "subject", s.Leaf().Subject.String(),
		"key", s.KeyType(), "not_after", s.NotAfter().UTC().Format(time.RFC3339)}
	switch {
	case s.Expiring(now, expiryWarning):
		a.log.Warn("signing certificate reloaded, and it expires soon: renew it, and remember that devices need the same leaf to replace a profile", attrs...)
	case s.Fingerprint() != old.Fingerprint():
		a.log.Warn("signing certificate reloaded with a new leaf: devices refuse to replace profiles signed by the old one until it is removed", attrs...)
	default:
		a.log.Info("signing certificate reloaded", attrs...)
	}
}

// watchHangup reloads the signer and the --tls-cert pair on every SIGHUP
// until ctx ends or stop
// is called. The handler is installed before it returns, so a SIGHUP
// right after start-up cannot kill the process.
func (a *app) watchHangup(ctx context.Context) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case <-hup:
				now := time.Now()
				a.reloadSigner(now)
				a.reloadTLS(now)
			case <-ctx.Done():
				return
			case <-done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
		<-finished
	}
}
