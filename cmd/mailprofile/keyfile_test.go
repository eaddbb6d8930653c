package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing"
)

// TestKeyFileError is the rule for key files, after PostgreSQL's: 0600
// when the user mailprofile runs as owns it, 0640 when root does, and no
// other owner.
func TestKeyFileError(t *testing.T) {
	const self = 1000
	tests := []struct {
		name    string
		perm    os.FileMode
		owner   int
		wantErr string // empty: accepted
	}{
		{name: "own, 0600", perm: 0o600, owner: self},
		{name: "own, 0400", perm: 0o400, owner: self},
		{name: "own, group-readable", perm: 0o640, owner: self, wantErr: "k.pem: mode 0640 lets other users read or change the key; run chmod 600 k.pem"},
		{name: "own, group-writable", perm: 0o620, owner: self, wantErr: "mode 0620"},
		{name: "own, world-readable", perm: 0o644, owner: self, wantErr: "mode 0644"},
		{name: "own, executable", perm: 0o700, owner: self},
		{name: "root, 0640", perm: 0o640, owner: 0},
		{name: "root, 0440", perm: 0o440, owner: 0},
		{name: "root, 0600", perm: 0o600, owner: 0},
		{name: "root, group-writable", perm: 0o660, owner: 0, wantErr: "k.pem: mode 0660 lets other users read or change the key; run chmod 640 k.pem"},
		{name: "root, world-readable", perm: 0o644, owner: 0, wantErr: "mode 0644"},
		{name: "root, group-executable", perm: 0o650, owner: 0, wantErr: "mode 0650"},
		{name: "root, 0740", perm: 0o740, owner: 0},
		{name: "another user, 0600", perm: 0o600, owner: 1001, wantErr: "k.pem: owned by uid 1001, who could replace the key"},
		{name: "another user, 0640", perm: 0o640, owner: 1001, wantErr: "owned by uid 1001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keyFileError("k.pem", tt.perm, tt.owner, self)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("keyFileError(%04o, owner %d) = %v, want nil", tt.perm, tt.owner, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("keyFileError(%04o, owner %d) = %v, want %q", tt.perm, tt.owner, err, tt.wantErr)
			}
		})
	}
}

// nobody is the uid TestKeyFileMode runs the binary as when the test
// runs as root: a key root owns may be group-readable, one the service
// user owns may not.
const nobody = 65534

// TestKeyFileMode runs the real binary on a signing key that the user it
// runs as owns, at several modes: only 0600 and stricter load.
func TestKeyFileMode(t *testing.T) {
	bin := buildBinary(t)
	uid := os.Geteuid()
	asRoot := uid == 0
	if asRoot {
		uid = nobody
	}
	// A folder of our own that the service user can enter: t.TempDir's
	// parent is private to the test's user.
	dir, err := os.MkdirTemp("", "mailprofile-keymode")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, bin, filepath.Join(dir, "mailprofile"), 0o755)
	bin = filepath.Join(dir, "mailprofile")
	// The binary checks the certificate against the machine's clock.
	certPEM, keyPEM, err := signing.NewSelfSigned("key mode test", "Example ISP", timetest.Wall(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := filepath.Join(dir, "cert.pem")
	writeFile(t, cert, string(certPEM), 0o644)

	for _, tt := range []struct {
		perm    os.FileMode
		wantErr string
	}{
		{0o600, ""},
		{0o400, ""},
		{0o640, "mode 0640 lets other users read or change the key; run chmod 600"},
		{0o604, "mode 0604 lets other users read or change the key; run chmod 600"},
	} {
		mode := fmt.Sprintf("%04o", tt.perm)
		t.Run(mode, func(t *testing.T) {
			key := filepath.Join(dir, "key-"+mode+".pem")
			data := filepath.Join(dir, "data-"+mode)
			writeFile(t, key, string(keyPEM), tt.perm)
			if err := os.Mkdir(data, 0o700); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "generate", "--email", "someone@btinternet.com", "--data-dir", data, "--sign-cert", cert, "--sign-key", key)
			cmd.Env = binEnv("MAILPROFILE_DISCOVERY=false")
			if asRoot {
				for _, p := range []string{key, data} {
					if err := os.Chown(p, nobody, nobody); err != nil {
						t.Fatal(err)
					}
				}
				cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if tt.wantErr == "" {
				if err != nil || len(out) == 0 {
					t.Errorf("uid %d, key mode %04o: %v, %d bytes out: %s", uid, tt.perm, err, len(out), stderr.String())
				}
				return
			}
			if err == nil || len(out) != 0 || !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("uid %d, key mode %04o: %v, %d bytes out, stderr %q; want a refusal with %q", uid, tt.perm, err, len(out), stderr.String(), tt.wantErr)
			}
		})
	}
}

func copyFile(t *testing.T, from, to string, perm os.FileMode) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
