package main

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing"
)

// waitLog waits until the server's log holds substr at least n times. The
// deadline only bounds a hung test; nothing is asserted about time.
func waitLog(t *testing.T, s *server, substr string, n int) {
	t.Helper()
	deadline := timetest.Wall().Add(30 * time.Second) // bounds a hung test against the running server
	for strings.Count(s.logs.all(), substr) < n {
		if timetest.Wall().After(deadline) {
			t.Fatalf("the log never held %q %d times:\n%s", substr, n, s.logs.all())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// leafFingerprint is the SHA-256 of the first certificate in a PEM file,
// as signing.Signer.Fingerprint has it.
func leafFingerprint(t *testing.T, certPath string) string {
	t.Helper()
	data, err := os.ReadFile(certPath)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(data)
	if b == nil {
		t.Fatalf("%s: no PEM block", certPath)
	}
	if _, err := x509.ParseCertificate(b.Bytes); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b.Bytes))
}

// downloadSigner downloads a signed profile and returns its signer's
// fingerprint; it fails on anything but a 200 with a valid signature.
func downloadSigner(client *http.Client, base, email string) (string, error) {
	resp, err := client.Get(base + "/profile?email=" + email)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	v, err := signing.Verify(body, nil, timetest.Wall()) // the server signs at the machine's time
	if err != nil {
		return "", err
	}
	if !v.SignatureOK {
		return "", fmt.Errorf("signature does not verify")
	}
	return fmt.Sprintf("%x", sha256.Sum256(v.Signer.Raw)), nil
}

// install copies a certificate chain and key over the files serve reads,
// as an operator renewing them would.
func install(t *testing.T, certPath, keyPath, fromCert, fromKey string) {
	t.Helper()
	for _, f := range []struct {
		to, from string
		perm     os.FileMode
	}{{certPath, fromCert, 0o644}, {keyPath, fromKey, 0o600}} {
		data, err := os.ReadFile(f.from)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeFileAtomic(f.to, data, f.perm); err != nil {
			t.Fatal(err)
		}
	}
}

func hangup(t *testing.T, s *server) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
}

// TestServeReloadSigner renews the operator's signing pair under load:
// SIGHUP puts the new pair in use without a failed request, and a bad
// pair is refused with a log line while the one in use stays.
func TestServeReloadSigner(t *testing.T) {
	a, b := newOperatorChain(t, "ec"), newOperatorChain(t, "rsa")
	// B's leaf lives 400 days, A's 825, so the expiry gauge tells them apart.
	openssl(t, b.dir, "x509", "-req", "-in", "leaf.csr", "-CA", "int.pem", "-CAkey", "int.key", "-CAcreateserial", "-out", "leaf.pem", "-days", "400", "-extfile", "leaf.ext")
	leafB, _ := os.ReadFile(filepath.Join(b.dir, "leaf.pem"))
	intB, _ := os.ReadFile(filepath.Join(b.dir, "int.pem"))
	writeFile(t, b.fullchain, string(leafB)+string(intB), 0o644)
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	install(t, certPath, keyPath, a.fullchain, a.key)
	s := startServer(t, filepath.Join(t.TempDir(), "data"), "--sign-cert", certPath, "--sign-key", keyPath, "--rate-limit", "0")
	fpA, fpB := leafFingerprint(t, a.fullchain), leafFingerprint(t, b.fullchain)

	if got, err := downloadSigner(http.DefaultClient, s.base, "someone%40btinternet.com"); err != nil || got != fpA {
		t.Fatalf("before reload: signer %s, %v; want %s", got, err, fpA)
	}
	if days := expiryDays(t, s); days < 823 || days > 826 {
		t.Errorf("expiry gauge = %v days, want about 825", days)
	}

	// Renew while four clients download: every download succeeds, signed
	// by A or B, and downloads after the reload are signed by B.
	install(t, certPath, keyPath, b.fullchain, b.key)
	stop := make(chan struct{})
	var stopOnce sync.Once
	halt := func() { stopOnce.Do(func() { close(stop) }) }
	defer halt() // also when a check below fails
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
		seen     = map[string]int{}
	)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 30 * time.Second}
			for i := 0; i < 2000; i++ { // bounded; stop ends it long before
				select {
				case <-stop:
					return
				default:
				}
				fp, err := downloadSigner(client, s.base, fmt.Sprintf("user%d.%d%%40btinternet.com", w, i))
				mu.Lock()
				switch {
				case err != nil:
					failures = append(failures, err.Error())
				case fp != fpA && fp != fpB:
					failures = append(failures, "signed by an unknown certificate "+fp)
				default:
					seen[fp]++
				}
				mu.Unlock()
			}
		}()
	}
	// seenAtLeast waits until n downloads were signed by fp, or the
	// workers have ended.
	seenAtLeast := func(fp string, n int) {
		t.Helper()
		deadline := timetest.Wall().Add(60 * time.Second) // bounds a hung test
		for {
			mu.Lock()
			got := seen[fp]
			mu.Unlock()
			if got >= n {
				return
			}
			if timetest.Wall().After(deadline) {
				t.Fatalf("only %d downloads signed by %s", got, fp)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	seenAtLeast(fpA, 20)
	hangup(t, s)
	waitLog(t, s, `"msg":"signing certificate reloaded`, 1)
	if got, err := downloadSigner(http.DefaultClient, s.base, "someone%40btinternet.com"); err != nil || got != fpB {
		t.Errorf("after reload: signer %s, %v; want %s", got, err, fpB)
	}
	seenAtLeast(fpB, 20)
	halt()
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d downloads failed during the reload, the first: %s", len(failures), failures[0])
	}
	t.Logf("downloads during the reload: %d by A, %d by B", seen[fpA], seen[fpB])
	logs := s.logs.all()
	if !strings.Contains(logs, `"old_sha256":"`+fpA+`"`) || !strings.Contains(logs, `"sha256":"`+fpB+`"`) {
		t.Errorf("the reload line lacks the old and new fingerprints:\n%s", logs)
	}
	if days := expiryDays(t, s); days < 398 || days > 401 {
		t.Errorf("expiry gauge = %v days after the reload, want about 400", days)
	}

	// Bad pairs are refused, and B stays in use.
	exp, expKey := expiredPair(t)
	brokenChain := filepath.Join(t.TempDir(), "broken.pem")
	intA, _ := os.ReadFile(filepath.Join(a.dir, "int.pem"))
	writeFile(t, brokenChain, string(leafB)+string(intA), 0o644)
	for i, tt := range []struct {
		name      string
		cert, key string
		perm      os.FileMode // of the key, after install
		want      string
	}{
		{"key of another certificate", b.fullchain, a.key, 0o600, "match"},
		{"key readable by others", b.fullchain, b.key, 0o644, "chmod 600"},
		{"expired", exp, expKey, 0o600, "expired"},
		{"intermediate of another chain", brokenChain, b.key, 0o600, "signed"},
		{"no key file", b.fullchain, "", 0, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.key == "" {
				install(t, certPath, keyPath, tt.cert, b.key)
				if err := os.Remove(keyPath); err != nil {
					t.Fatal(err)
				}
			} else {
				install(t, certPath, keyPath, tt.cert, tt.key)
				if err := os.Chmod(keyPath, tt.perm); err != nil {
					t.Fatal(err)
				}
			}
			hangup(t, s)
			waitLog(t, s, `"msg":"signing certificate reload refused`, i+1)
			lines := strings.Split(s.logs.all(), "\n")
			var last string
			for _, l := range lines {
				if strings.Contains(l, "reload refused") {
					last = l
				}
			}
			if !strings.Contains(last, tt.want) || !strings.Contains(last, `"sha256":"`+fpB+`"`) {
				t.Errorf("refusal line lacks %q or the fingerprint in use:\n%s", tt.want, last)
			}
			if got, err := downloadSigner(http.DefaultClient, s.base, "someone%40btinternet.com"); err != nil || got != fpB {
				t.Errorf("after a refused reload: signer %s, %v; want %s", got, err, fpB)
			}
			if resp, _ := s.get(t, "/readyz"); resp.StatusCode != http.StatusOK {
				t.Errorf("readyz = %d after a refused reload", resp.StatusCode)
			}
		})
	}
	metrics := scrapeText(t, s)
	for _, want := range []string{`mailprofile_signer_reloads_total{outcome="loaded"} 1`, `mailprofile_signer_reloads_total{outcome="refused"} 5`} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	terminate(t, s)
}

// TestServeReloadSelfSigned reloads the self-signed pair in the data
// folder, and never makes a new one when it has gone.
func TestServeReloadSelfSigned(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	s := startServer(t, data)
	certPath, keyPath := filepath.Join(data, selfSignedCertFile), filepath.Join(data, selfSignedKeyFile)
	fp := leafFingerprint(t, certPath)
	hangup(t, s)
	waitLog(t, s, `"msg":"signing certificate reloaded"`, 1)
	if !strings.Contains(s.logs.all(), `"old_sha256":"`+fp+`","sha256":"`+fp+`"`) {
		t.Errorf("reload of the same pair does not log its fingerprint twice:\n%s", s.logs.all())
	}
	if err := os.Rename(keyPath, keyPath+".moved"); err != nil {
		t.Fatal(err)
	}
	hangup(t, s)
	waitLog(t, s, "reload refused", 1)
	if _, err := os.Stat(keyPath); err == nil {
		t.Error("a reload made a new self-signed key")
	}
	if got, err := downloadSigner(http.DefaultClient, s.base, "someone%40btinternet.com"); err != nil || got != fp {
		t.Errorf("after a refused reload: signer %s, %v; want %s", got, err, fp)
	}
	terminate(t, s)
}

// TestServeHangupUnsigned: with --unsigned a SIGHUP only says so, and
// does not end the process.
func TestServeHangupUnsigned(t *testing.T) {
	s := startServer(t, filepath.Join(t.TempDir(), "data"), "--unsigned")
	hangup(t, s)
	waitLog(t, s, "no signing certificate to reload", 1)
	if resp, _ := s.get(t, "/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz = %d after SIGHUP", resp.StatusCode)
	}
	if strings.Contains(scrapeText(t, s), "mailprofile_signing_certificate_expiry_days") {
		t.Error("an unsigned server reports a certificate expiry")
	}
	terminate(t, s)
}

// scrapeText is the server's /metrics page.
func scrapeText(t *testing.T, s *server) string {
	t.Helper()
	resp, body := s.get(t, "/metrics")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics = %d", resp.StatusCode)
	}
	return string(body)
}

// expiryDays reads the days-left gauge from /metrics.
func expiryDays(t *testing.T, s *server) float64 {
	t.Helper()
	for _, l := range strings.Split(scrapeText(t, s), "\n") {
		if v, ok := strings.CutPrefix(l, "mailprofile_signing_certificate_expiry_days "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatal("/metrics lacks mailprofile_signing_certificate_expiry_days")
	return 0
}

// TestReloadingSignerConcurrent signs from many goroutines while the pair
// is swapped, for the race detector: every signature verifies, by the old
// or the new certificate.
func TestReloadingSignerConcurrent(t *testing.T) {
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	now := timetest.Wall() // the reloading signer signs at the machine's time, as serve's does
	newPair := func(name string) {
		t.Helper()
		certPEM, keyPEM, err := signing.NewSelfSigned(name, "Example ISP", now, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if err := writeFileAtomic(keyPath, keyPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := writeFileAtomic(certPath, certPEM, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	newPair("first")
	first, err := readSigner(certPath, keyPath, now)
	if err != nil {
		t.Fatal(err)
	}
	r := newReloadingSigner(first, certPath, keyPath)
	if newReloadingSigner(nil, certPath, keyPath) != nil {
		t.Error("newReloadingSigner(nil) is not nil")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				out, err := r.Sign([]byte("<plist/>"))
				if err == nil {
					_, err = signing.Verify(out, nil, now)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	fps := map[string]bool{first.Fingerprint(): true}
	for i := range 5 {
		newPair(fmt.Sprintf("renewed %d", i))
		old, loaded, err := r.reload(now)
		if err != nil {
			t.Fatal(err)
		}
		if !fps[old.Fingerprint()] || r.Fingerprint() != loaded.Fingerprint() || !r.NotAfter().Equal(loaded.NotAfter()) {
			t.Errorf("reload %d: old %s, now %s, loaded %s", i, old.Fingerprint(), r.Fingerprint(), loaded.Fingerprint())
		}
		fps[loaded.Fingerprint()] = true
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := os.Chmod(keyPath, 0o604); err != nil {
		t.Fatal(err)
	}
	before := r.Fingerprint()
	if _, _, err := r.reload(now); err == nil || r.Fingerprint() != before {
		t.Errorf("reload of a key others can read: %v, signer %s then %s", err, before, r.Fingerprint())
	}
}
