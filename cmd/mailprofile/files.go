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

// readKeyFile reads a private key file, refusing one that other users can
// read or anyone but its owner can change.
func readKeyFile(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	if perm := info.Mode().Perm(); perm&0o027 != 0 {
		return nil, fmt.Errorf("%s: mode %04o lets other users read or change the key; run chmod 600 %s", path, perm, path)
	}
	return os.ReadFile(path)
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
