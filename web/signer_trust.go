package web

import (
	"crypto/x509"
	"log/slog"
	"time"
)

// chainVerifier is a Signer that can check its chain against roots;
// *signing.Signer satisfies it.
type chainVerifier interface {
	VerifyChain(roots *x509.CertPool, now time.Time) error
}

// signerVerified reports whether devices show what signer signs as
// "Verified": its chain leads to one of roots at now. A nil roots is the
// system's pool, which stands for the roots Apple devices trust: the
// public CAs are in both. Checked once at start, since neither the chain
// nor the pool changes while the server runs; the log says why a signer
// is not trusted, for the operator.
func signerVerified(signer Signer, roots *x509.CertPool, now time.Time, log *slog.Logger) bool {
	cv, ok := signer.(chainVerifier)
	if !ok {
		return false
	}
	if roots == nil {
		var err error
		if roots, err = x509.SystemCertPool(); err != nil {
			log.Warn("no system roots to check the signing certificate against", "error", err)
			return false
		}
	}
	if err := cv.VerifyChain(roots, now); err != nil {
		log.Info("signing certificate is not from a CA that devices trust: they show profiles as Not Verified", "reason", err.Error())
		return false
	}
	return true
}
