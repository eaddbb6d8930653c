package signing

import (
	"crypto/x509"
	"time"
)

// VerifyChain checks s's chain against roots at now: nil when a device
// that trusts those roots shows the profiles s signs as "Verified", the
// x509 error otherwise (a self-signed or private CA, an expired leaf).
func (s *Signer) VerifyChain(roots *x509.CertPool, now time.Time) error {
	return verifyChain(s.leaf, s.intermediates, roots, now)
}
