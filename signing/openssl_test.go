package signing

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// requireOpenSSL skips the test when the openssl binary is missing.
func requireOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not on PATH")
	}
}

// opensslVerify runs openssl cms -verify on signed and returns the content.
// With caFile empty it checks the signature only (-noverify); otherwise it
// also builds the chain to caFile, at the fixed test time (-attime), as
// Apple's basic X.509 policy does.
func opensslVerify(t *testing.T, signed []byte, caFile string, extra ...string) ([]byte, error) {
	t.Helper()
	dir := t.TempDir()
	in := writeTemp(t, dir, "signed.der", signed)
	out := filepath.Join(dir, "content")
	args := []string{"cms", "-verify", "-inform", "DER", "-binary", "-in", in, "-out", out}
	if caFile == "" {
		args = append(args, "-noverify")
	} else {
		args = append(args, "-CAfile", caFile, "-attime", strconv.FormatInt(timetest.Fixed().Unix(), 10))
	}
	args = append(args, extra...)
	if err := runOpenSSL(args...); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

// opensslSign signs content with openssl cms -sign and returns DER (or BER
// with -stream). extra is appended, e.g. another -signer/-inkey pair.
func opensslSign(t *testing.T, p *testPKI, content []byte, extra ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	out := filepath.Join(dir, "signed.der")
	args := []string{"cms", "-sign", "-binary", "-outform", "DER", "-md", "sha256",
		"-in", writeTemp(t, dir, "content", content),
		"-signer", writeTemp(t, dir, "leaf.pem", pemCerts(p.leaf)),
		"-inkey", writeTemp(t, dir, "leaf.key", p.keyPEM(t)),
		"-certfile", writeTemp(t, dir, "chain.pem", pemCerts(p.intermediate)),
		"-out", out}
	if err := runOpenSSL(append(args, extra...)...); err != nil {
		t.Fatal(err)
	}
	der, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func runOpenSSL(args ...string) error {
	var stderr bytes.Buffer
	cmd := exec.Command("openssl", args...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("openssl %s: %w: %s", args[0], err, bytes.TrimSpace(stderr.Bytes()))
	}
	return nil
}
