package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

// minRSABits is the smallest RSA key accepted; Apple's trust evaluation
// flags smaller keys as weak.
const minRSABits = 2048

const encryptedKey = "the key is encrypted; store it without a passphrase (openssl pkey -in key.pem -out plain.pem)"

// parsePrivateKey decodes the one private key in data: PKCS#1, PKCS#8 or
// SEC1, RSA or ECDSA. The signature algorithm is picked by the concrete key
// type, as pkcs7 picks it, so keys held behind a generic crypto.Signer
// cannot work, and neither can Ed25519.
func parsePrivateKey(data []byte) (crypto.Signer, error) {
	blocks, problem := pemBlocks(data)
	if problem != "" {
		return nil, keyError(problem, nil)
	}
	var keyBlock *pem.Block
	sawCert := false
	for _, b := range blocks {
		switch {
		case b.Type == "CERTIFICATE":
			sawCert = true
			continue
		case b.Type == "ENCRYPTED PRIVATE KEY":
			return nil, keyError(encryptedKey, nil)
		case !strings.HasSuffix(b.Type, "PRIVATE KEY"):
			continue // e.g. "EC PARAMETERS" from openssl ecparam -genkey
		case keyBlock != nil:
			return nil, keyError("more than one private key found", nil)
		}
		keyBlock = b
	}
	if keyBlock == nil {
		if sawCert {
			return nil, keyError("no private key found, only a certificate: is this the certificate file?", nil)
		}
		return nil, keyError("no private key found", nil)
	}
	if isEncrypted(keyBlock) {
		return nil, keyError(encryptedKey, nil)
	}
	key, err := decodeKey(keyBlock)
	if err != nil {
		return nil, err
	}
	return checkKey(key)
}

// decodeKey parses the block by its label first and then tries the other
// encodings, as crypto/tls does, because tools sometimes mislabel keys.
func decodeKey(b *pem.Block) (any, error) {
	switch b.Type {
	case "RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY":
	default:
		return nil, keyError(fmt.Sprintf("unsupported key format %q; use PKCS#8 (PRIVATE KEY), PKCS#1 (RSA PRIVATE KEY) or SEC1 (EC PRIVATE KEY)", b.Type), nil)
	}
	parsers := map[string]func([]byte) (any, error){
		"RSA PRIVATE KEY": func(d []byte) (any, error) { return x509.ParsePKCS1PrivateKey(d) },
		"PRIVATE KEY":     x509.ParsePKCS8PrivateKey,
		"EC PRIVATE KEY":  func(d []byte) (any, error) { return x509.ParseECPrivateKey(d) },
	}
	key, err := parsers[b.Type](b.Bytes)
	if err == nil {
		return key, nil
	}
	first := err
	for label, parse := range parsers {
		if label == b.Type {
			continue
		}
		if key, err := parse(b.Bytes); err == nil {
			return key, nil
		}
	}
	return nil, keyError("the key cannot be parsed", first)
}

func checkKey(key any) (crypto.Signer, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if bits := k.N.BitLen(); bits < minRSABits {
			return nil, keyError(fmt.Sprintf("the RSA key has %d bits; at least %d are required", bits, minRSABits), nil)
		}
		// Precompute once here, before the key is shared between goroutines.
		k.Precompute()
		return k, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256(), elliptic.P384(), elliptic.P521():
			return k, nil
		}
		return nil, keyError(fmt.Sprintf("the ECDSA curve %s is not supported; use P-256 or P-384", k.Curve.Params().Name), nil)
	case ed25519.PrivateKey:
		return nil, keyError("Ed25519 keys are not supported for CMS signing; use an RSA or ECDSA key", nil)
	}
	return nil, keyError(fmt.Sprintf("unsupported key type %T; use an RSA or ECDSA key", key), nil)
}

// keyMatches reports whether pub is the public half of key.
func keyMatches(key crypto.Signer, pub crypto.PublicKey) bool {
	k, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(pub)
}
