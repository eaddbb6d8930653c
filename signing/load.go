package signing

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Load checks a certificate chain and its private key and returns a Signer.
//
// certPEM holds the leaf first, then its intermediates, optionally ending
// with the root (certbot's fullchain.pem); blocks other than CERTIFICATE are
// ignored. keyPEM holds one unencrypted RSA (at least 2048 bits) or ECDSA key
// in PKCS#1, PKCS#8 or SEC1 form. Load refuses a key that does not match the
// leaf, a chain in which a certificate is not signed by the next one, and a
// leaf that is not valid at now.
//
// Errors are *[LoadError]; its Part says which file to name.
func Load(certPEM, keyPEM []byte, now time.Time) (*Signer, error) {
	certs, err := parseCertificates(certPEM)
	if err != nil {
		return nil, err
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, err
	}
	leaf := certs[0]
	if !keyMatches(key, leaf.PublicKey) {
		problem := "the key does not match the leaf certificate"
		for i, c := range certs[1:] {
			if keyMatches(key, c.PublicKey) {
				problem = fmt.Sprintf("the key does not match the first certificate but certificate %d (%s): put the leaf first", i+2, certName(c))
				break
			}
		}
		return nil, keyError(problem, nil)
	}
	if err := checkChain(certs); err != nil {
		return nil, err
	}
	if err := checkValidity(leaf, now); err != nil {
		return nil, err
	}
	chain := withoutRoot(certs)
	cms, err := newCMSTemplate(leaf, chain[1:], key)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(leaf.Raw)
	return &Signer{
		leaf:          leaf,
		intermediates: chain[1:],
		key:           key,
		random:        signatureRandom(key),
		fingerprint:   hex.EncodeToString(sum[:]),
		cms:           cms,
	}, nil
}
