package store

import (
	"bytes"
	"regexp"
	"testing"
)

func TestNewToken(t *testing.T) {
	alphabet := regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)
	seen := map[string]bool{}
	for range 1000 {
		tok, hash, err := NewToken()
		if err != nil {
			t.Fatalf("NewToken() = %v", err)
		}
		if !alphabet.MatchString(tok) {
			t.Fatalf("NewToken() = %q, want 22 characters of base64url without padding", tok)
		}
		if !bytes.Equal(hash, HashToken(tok)) || len(hash) != 32 {
			t.Fatalf("NewToken() hash = %x, want HashToken(%q) of 32 bytes", hash, tok)
		}
		if seen[tok] {
			t.Fatalf("NewToken() = %q twice", tok)
		}
		seen[tok] = true
	}
}

func TestHashToken(t *testing.T) {
	// The SHA-256 of "abc", from FIPS 180-2.
	const want = "\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde\x5d\xae\x22\x23\xb0\x03\x61\xa3\x96\x17\x7a\x9c\xb4\x10\xff\x61\xf2\x00\x15\xad"
	if got := HashToken("abc"); string(got) != want {
		t.Errorf("HashToken(%q) = %x, want %x", "abc", got, want)
	}
}
