package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File names inside the data folder.
const (
	selfSignedCertFile = "signing-cert.pem"
	selfSignedKeyFile  = "signing-key.pem"
	secretFile         = "identifier-secret"
)

// readKeyFile reads a private key file (signing key, TLS key, identifier
// secret), refusing one that another user can read, change or replace;
// see keyFileError for the rule.
func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	owner, ok := fileOwner(info)
	if !ok {
		owner = os.Geteuid() // no owners here: hold the mode to the strict rule
	}
	if err := keyFileError(path, info.Mode().Perm(), owner, os.Geteuid()); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

// keyFileError applies PostgreSQL's rule for its TLS key (and libpq's
// for a client key) to a key file of mode perm owned by uid owner, read
// by uid self:
//   - owned by the user mailprofile runs as: nothing for group or others
//     (0600), as OpenSSH asks of a private key;
//   - owned by root: read for the group at most (0640), so that root may
//     share it with a group of its own (Debian's root:ssl-cert, a
//     root:mailprofile group for the service, systemd's LoadCredential=
//     where it grants the service read through an ACL);
//   - owned by anyone else: refused, since that user could replace it.
func keyFileError(path string, perm fs.FileMode, owner, self int) error {
	switch {
	case owner == 0 && perm&0o037 != 0:
		return fmt.Errorf("%s: mode %04o lets other users read or change the key; run chmod 640 %s "+
			"(owned by root, it may be readable by one group of its own) or chmod 600", path, perm, path)
	case owner == 0:
		return nil
	case owner != self:
		return fmt.Errorf("%s: owned by uid %d, who could replace the key; give it to the user mailprofile runs as (uid %d), "+
			"or to root and a group of its own (chown root:GROUP, chmod 640)", path, owner, self)
	case perm&0o077 != 0:
		return fmt.Errorf("%s: mode %04o lets other users read or change the key; run chmod 600 %s "+
			"(to share it with a group, give it to root: chown root:GROUP, chmod 640)", path, perm, path)
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so a crash never leaves half a key behind.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ensureDataDir creates the data folder, readable by its owner only.
func ensureDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("--data-dir %s: %w", dir, err)
	}
	return nil
}

// loadSecret returns the installation's identifier secret, creating it on
// first use. It keys the derived PayloadUUIDs, so it must never change.
func loadSecret(dir string) ([]byte, error) {
	path := filepath.Join(dir, secretFile)
	data, err := readKeyFile(path)
	if err == nil {
		secret, derr := hex.DecodeString(strings.TrimSpace(string(data)))
		if derr != nil || len(secret) < 16 {
			return nil, fmt.Errorf("%s: not a hex secret of at least 16 bytes; restore it from a backup (a new one changes every profile's UUIDs)", path)
		}
		return secret, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(path, []byte(hex.EncodeToString(secret)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	return secret, nil
}
