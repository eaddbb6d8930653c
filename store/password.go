package store

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters, enforced by ValidatePassword.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 1024
)

// defaultArgon are the argon2id costs for new hashes: 19 MiB of memory, two
// passes, one lane. It is the minimum of OWASP's Password Storage Cheat
// Sheet (one of five settings it rates equal, from 46 MiB and one pass to
// 7 MiB and five); the memory is what makes guessing on GPUs dear, so we
// take the headline setting rather than the leanest, and not the 46 MiB
// one, which costs this small server 2.4 times the memory for the same
// defence. One lane, since the web layer runs a few hashes side by side
// (web/hashgate.go) and each should take one core. One hash takes about
// 30 ms on the 2-core development machine. Existing hashes keep the
// parameters written in them, and NeedsRehash tells the caller to replace
// them at the next successful sign-in.
var defaultArgon = argonCost{memory: 19 * 1024, time: 2, threads: 1}

// argonParams are the costs in use: defaultArgon, lowered by tests.
var argonParams = defaultArgon

const (
	argonSaltLen = 16
	argonKeyLen  = 32
)

// argonCost is the tunable part of an argon2id hash. memory is in KiB.
type argonCost struct {
	memory  uint32
	time    uint32
	threads uint8
}

// ValidatePassword reports whether password is acceptable for an account:
// between 12 and 1024 characters. Its error is safe to show to the user.
func ValidatePassword(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return fmt.Errorf("password is too short: use at least %d characters (a few words make a good one)", MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Errorf("password is too long: use at most %d characters", MaxPasswordLen)
	}
	return nil
}

// HashPassword returns an argon2id hash of password in the PHC string format,
// $argon2id$v=19$m=19456,t=2,p=1$salt$hash, with a random 16-byte salt, so
// that two hashes of one password differ. It rejects a password that
// ValidatePassword rejects.
func HashPassword(password string) (string, error) {
	if err := ValidatePassword(password); err != nil {
		return "", err
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("store: password salt: %w", err)
	}
	p := argonParams
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.memory, p.time, p.threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// HashMemory is the memory, in bytes, that one HashPassword takes, or one
// CheckPassword of a hash it made: what the caller budgets per hash.
func HashMemory() int64 { return int64(argonParams.memory) * 1024 }

// CheckMemory is the memory, in bytes, that CheckPassword(hash, …) takes:
// the hash's own parameters, which may be older than HashPassword's. A
// malformed hash costs nothing to check.
func CheckMemory(hash string) int64 {
	p, _, _, err := parseHash(hash)
	if err != nil {
		return 0
	}
	return int64(p.memory) * 1024
}

// NeedsRehash reports whether hash was made with other parameters than
// HashPassword uses now (or is malformed), so that it should be replaced
// by a new hash of the password once that is known to be right.
func NeedsRehash(hash string) bool {
	p, salt, key, err := parseHash(hash)
	return err != nil || p != argonParams || len(salt) != argonSaltLen || len(key) != argonKeyLen
}

// errBadHash is returned for a stored hash that is not an argon2id PHC string.
var errBadHash = errors.New("store: password hash is not an argon2id PHC string")

// CheckPassword reports whether password matches hash, a string from
// HashPassword; the comparison takes constant time. The error is for a
// malformed hash, not for a wrong password.
func CheckPassword(hash, password string) (bool, error) {
	p, salt, want, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// parseHash splits a PHC argon2id string, refusing costs so large that a
// tampered row could exhaust the server.
func parseHash(hash string) (argonCost, []byte, []byte, error) {
	var p argonCost
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", errBadHash, parts[2])
	}
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.memory, &p.time, &p.threads); err != nil || n != 3 {
		return p, nil, nil, fmt.Errorf("%w: bad parameters %q", errBadHash, parts[3])
	}
	if p.memory < 8 || p.memory > 1<<20 || p.time < 1 || p.time > 100 || p.threads < 1 {
		return p, nil, nil, fmt.Errorf("%w: parameters out of range %q", errBadHash, parts[3])
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: bad salt", errBadHash)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, fmt.Errorf("%w: bad hash", errBadHash)
	}
	return p, salt, key, nil
}
