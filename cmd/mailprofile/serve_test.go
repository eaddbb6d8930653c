package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing"
)

// buildBinary builds the real mailprofile binary once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mailprofile-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "mailprofile")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// binEnv is the environment of the binary under test: a PATH, the
// variables given, and none of the developer's MAILPROFILE_* settings
// but scripts/timetravel's offset, so the binary keeps the test's clock.
func binEnv(vars ...string) []string {
	env := append([]string{"PATH=" + os.Getenv("PATH")}, vars...)
	if off, ok := os.LookupEnv("MAILPROFILE_TIMETRAVEL_OFFSET"); ok {
		env = append(env, "MAILPROFILE_TIMETRAVEL_OFFSET="+off)
	}
	return env
}

// server is a running `mailprofile serve` process.
type server struct {
	cmd  *exec.Cmd
	base string
	logs *syncLines
	eof  chan struct{} // closed when the log stream ends
}

type syncLines struct {
	mu    chan struct{}
	lines []string
}

func (s *syncLines) add(l string) { s.mu <- struct{}{}; s.lines = append(s.lines, l); <-s.mu }
func (s *syncLines) all() string {
	s.mu <- struct{}{}
	defer func() { <-s.mu }()
	return strings.Join(s.lines, "\n")
}

var listenRE = regexp.MustCompile(`(?:"addr":"|\baddr=)(https?://[^"\s]+)`) // JSON or text

// startServer runs serve on a free loopback port and waits until it
// listens.
func startServer(t *testing.T, dataDir string, args ...string) *server {
	t.Helper()
	bin := buildBinary(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir, "--log-format", "json", "--log-flush", "0"}, args...)...)
	cmd.Env = binEnv("MAILPROFILE_DISCOVERY=false")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: &syncLines{mu: make(chan struct{}, 1)}, eof: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			s.logs.add(sc.Text())
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
		close(s.eof)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("server exited before listening:\n%s", s.logs.all())
		}
		s.base = a
	case <-time.After(30 * time.Second):
		t.Fatalf("server did not start:\n%s", s.logs.all())
	}
	return s
}

func (s *server) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestServeEndToEnd is the README's first command for real: serve on the
// embedded defaults, download a BT profile, and check it with openssl and
// the independent checker in ../shared.
func TestServeEndToEnd(t *testing.T) {
	needOpenSSL(t)
	data := filepath.Join(t.TempDir(), "data")
	s := startServer(t, data)
	dir := t.TempDir()
	for _, tt := range []struct{ typ, port string }{{"imap", "993"}, {"pop", "995"}} {
		resp, body := s.get(t, "/profile?email=someone%40btinternet.com&type="+tt.typ)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-apple-aspen-config" {
			t.Fatalf("%s: status %d, type %q: %s", tt.typ, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		if resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) > 0 {
			t.Errorf("%s: Content-Length %d for %d bytes, transfer encoding %v", tt.typ, resp.ContentLength, len(body), resp.TransferEncoding)
		}
		f := filepath.Join(dir, tt.typ+".mobileconfig")
		if err := os.WriteFile(f, body, 0o600); err != nil {
			t.Fatal(err)
		}
		plistPath := filepath.Join(dir, tt.typ+".plist")
		if out, err := exec.Command("openssl", "cms", "-verify", "-inform", "DER", "-binary", "-noverify", "-in", f, "-out", plistPath).CombinedOutput(); err != nil {
			t.Fatalf("openssl cms -verify -noverify: %v\n%s", err, out)
		}
		plist, _ := os.ReadFile(plistPath)
		if !strings.Contains(string(plist), "<integer>"+tt.port+"</integer>") {
			t.Errorf("%s: plist lacks port %s", tt.typ, tt.port)
		}
		sharedCheck(t, f, fmt.Sprintf(`{"IncomingMailServerHostName":"mail.btinternet.com","IncomingMailServerPortNumber":%s,"OutgoingMailServerPortNumber":465}`, tt.port))
	}
	resp, _ := s.get(t, "/readyz")
	if resp.StatusCode != 200 {
		t.Errorf("readyz = %d", resp.StatusCode)
	}
	resp, body := s.get(t, "/profile?email=x%0D%0A%40btinternet.com")
	if resp.StatusCode != 400 || !strings.Contains(string(body), "control character or line break") {
		t.Errorf("CRLF address: %d", resp.StatusCode)
	}
	logs := s.logs.all()
	if strings.Contains(logs, "someone") || strings.Contains(logs, "btinternet") {
		t.Errorf("logs hold the address:\n%s", logs)
	}

	// A restart reuses the self-signed certificate: devices only accept
	// replacements signed by the same leaf.
	first := signerFingerprint(t, filepath.Join(dir, "imap.mobileconfig"))
	terminate(t, s)
	s2 := startServer(t, data)
	_, body = s2.get(t, "/profile?email=someone%40btinternet.com")
	f := filepath.Join(dir, "again.mobileconfig")
	if err := os.WriteFile(f, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if second := signerFingerprint(t, f); second != first {
		t.Errorf("signer changed across restarts: %s then %s", first, second)
	}
}

func signerFingerprint(t *testing.T, path string) string {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := signing.Verify(body, nil, timetest.Wall()) // the server signs at the machine's time
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(v.Signer.Raw))
}

// terminate sends SIGTERM and expects a clean exit. The log stream is read
// to its end before Wait, which closes the pipe.
func terminate(t *testing.T, s *server) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-s.eof:
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("serve exited with %v after SIGTERM:\n%s", err, s.logs.all())
	}
	if !strings.Contains(s.logs.all(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", s.logs.all())
	}
}

// sharedCheck runs ../shared/tools/verify-profile on a profile.
func sharedCheck(t *testing.T, path, expect string) {
	t.Helper()
	tool := filepath.Join("..", "..", "..", "shared", "tools", "verify-profile")
	if _, err := os.Stat(tool); err != nil {
		t.Log("skipping the shared profile checker: ../shared is not beside this clone")
		return
	}
	var python string
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import yaml").Run() == nil {
			python = p
			break
		}
	}
	if python == "" {
		t.Skip("no python3 with PyYAML: run scripts/test, which installs python3-yaml")
	}
	out, err := exec.Command(python, tool, path, "--expect", expect).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("verify-profile %s: %v\n%s\n%s", path, err, out, stderr)
	}
	var summary struct {
		Signed   bool
		Signers  int
		Digests  []string
		Problems []string
	}
	if err := json.Unmarshal(out, &summary); err != nil {
		t.Fatal(err)
	}
	if !summary.Signed || summary.Signers != 1 || len(summary.Problems) > 0 {
		t.Errorf("verify-profile summary: %+v", summary)
	}
}

func TestServeRefusesBadSigner(t *testing.T) {
	certPath, keyPath := expiredPair(t)
	bin := buildBinary(t)
	out, err := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--sign-cert", certPath, "--sign-key", keyPath).CombinedOutput()
	if err == nil {
		t.Fatal("serve started with an expired signing certificate")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), certPath) || !strings.Contains(string(out), "expired") {
		t.Errorf("exit %v, output:\n%s", err, out)
	}
}

func TestServeRefusesBadBranding(t *testing.T) {
	bin := buildBinary(t)
	svg := filepath.Join(t.TempDir(), "logo.svg")
	writeFile(t, svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>`, 0o644)
	text := filepath.Join(t.TempDir(), "logo.txt")
	writeFile(t, text, "not an image", 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--accent-color", "red"}, "accent"},
		{[]string{"--support-url", "javascript:alert(1)"}, "support"},
		{[]string{"--logo", filepath.Join(t.TempDir(), "none.png")}, "--logo"},
		{[]string{"--logo", text}, "logo must be an SVG, PNG, JPEG, WebP or GIF image"},
	} {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--logo", svg}, tt.args...)
		out, err := exec.Command(bin, args...).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), tt.want) {
			t.Errorf("serve %v: %v\n%s", tt.args, err, out)
		}
	}
}
