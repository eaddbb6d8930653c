package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// TokenBytes is the number of random bytes in a token from NewToken: 128
// bits, which nobody can guess.
const TokenBytes = 16

// NewToken returns a random token for a session id or a link, encoded in
// URL-safe base64 without padding (22 characters of A-Z a-z 0-9 - _), and its
// hash, which is what the store keeps.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, TokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", nil, fmt.Errorf("store: new token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken returns the SHA-256 of token, the form in which sessions and
// links are stored and looked up. A plain hash suffices: the token has 128
// random bits, so there is nothing to brute-force.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
