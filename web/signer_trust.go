package web

import (
	"crypto/x509"
	"log/slog"
	"sync"
	"time"
)

// chainVerifier is a Signer that can check its chain against roots;
// *signing.Signer satisfies it, and so does cmd's signer that a SIGHUP
// reloads.
type chainVerifier interface {
	VerifyChain(roots *x509.CertPool, now time.Time) error
}

// fingerprinter names the signer's current leaf, which a reload may change.
type fingerprinter interface{ Fingerprint() string }

// signerTrust says whether devices show what the signer signs as
// "Verified": its chain leads to one of the roots. It is checked at start
// and again only when the leaf changes (a reloaded certificate), so a
// page costs a comparison of fingerprints, not a chain verification.
type signerTrust struct {
	signer Signer
	roots  *x509.CertPool // nil: no roots could be loaded, nothing is trusted
	log    *slog.Logger

	mu       sync.Mutex
	leaf     string
	verified bool
}

// newSignerTrust checks signer against roots at now. A nil roots is the
// system's pool, which stands for the roots Apple devices trust: the
// public CAs are in both.
func newSignerTrust(signer Signer, roots *x509.CertPool, now time.Time, log *slog.Logger) *signerTrust {
	if roots == nil && signer != nil {
		var err error
		if roots, err = x509.SystemCertPool(); err != nil {
			log.Warn("no system roots to check the signing certificate against", "error", err)
		}
	}
	t := &signerTrust{signer: signer, roots: roots, log: log}
	t.leaf = t.fingerprint()
	t.verified = t.check(now)
	return t
}

// Verified reports whether devices show the signed profiles as "Verified",
// checking the chain again at now when the leaf has changed since.
func (t *signerTrust) Verified(now time.Time) bool {
	fp := t.fingerprint()
	t.mu.Lock()
	defer t.mu.Unlock()
	if fp != t.leaf {
		t.leaf, t.verified = fp, t.check(now)
	}
	return t.verified
}

func (t *signerTrust) fingerprint() string {
	if f, ok := t.signer.(fingerprinter); ok {
		return f.Fingerprint()
	}
	return ""
}

// check verifies the chain; the log says why a signer is not trusted,
// for the operator.
func (t *signerTrust) check(now time.Time) bool {
	cv, ok := t.signer.(chainVerifier)
	if !ok || t.roots == nil {
		return false
	}
	if err := cv.VerifyChain(t.roots, now); err != nil {
		t.log.Info("signing certificate is not from a CA that devices trust: they show profiles as Not Verified", "reason", err.Error())
		return false
	}
	return true
}

// signerVerified is newSignerTrust's first answer.
func signerVerified(signer Signer, roots *x509.CertPool, now time.Time, log *slog.Logger) bool {
	return newSignerTrust(signer, roots, now, log).Verified(now)
}
