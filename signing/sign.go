package signing

import (
	"errors"
	"fmt"

	"go.mozilla.org/pkcs7"
)

// Sign wraps content in a DER-encoded CMS SignedData with the content
// attached, one SignerInfo, a SHA-256 digest, and the leaf and intermediates
// embedded (apple-profiles.md §5.2). The signature covers the exact bytes:
// serve the result unchanged.
//
// The output is not byte-reproducible: pkcs7 puts the wall-clock signing time
// into the signed attributes, and ECDSA signatures are randomised.
//
// Sign is safe for concurrent use: each call builds its own pkcs7.SignedData
// and only reads the shared certificates and key.
func (s *Signer) Sign(content []byte) ([]byte, error) {
	if len(content) == 0 {
		// An empty content would look like a detached signature to devices.
		return nil, errors.New("nothing to sign: the content is empty")
	}
	sd, err := pkcs7.NewSignedData(content)
	if err != nil {
		return nil, fmt.Errorf("new signed data: %w", err)
	}
	// pkcs7 defaults to SHA-1, and the digest is fixed when a signer is added.
	sd.SetDigestAlgorithm(pkcs7.OIDDigestAlgorithmSHA256)
	// AddSignerChain would check the chain's signatures again on every
	// call (half the time of an ECDSA signature); Load checked them once.
	// AddSigner names the signer by the leaf's issuer, which Load made
	// sure is byte for byte the subject of the first intermediate, the
	// name AddSignerChain would use, so the CMS is the same.
	if err := sd.AddSigner(s.leaf, s.key, pkcs7.SignerInfoConfig{}); err != nil {
		return nil, fmt.Errorf("add signer: %w", err)
	}
	for _, c := range s.intermediates {
		sd.AddCertificate(c)
	}
	der, err := sd.Finish()
	if err != nil {
		return nil, fmt.Errorf("encode signed data: %w", err)
	}
	return der, nil
}
