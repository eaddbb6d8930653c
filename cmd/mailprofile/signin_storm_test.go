package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// procStatus reads a field of /proc/PID/status, in KiB.
func procStatus(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", field, line)
			}
			return kb
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

var retryAfterRE = regexp.MustCompile(`^[1-9][0-9]*$`)

// TestSignInStorm runs the real binary and fires hundreds of concurrent
// wrong sign-ins, from as many client addresses (X-Forwarded-For from a
// trusted proxy on loopback), at an account and at names without one. The
// password hashing is bounded, so the peak RSS stays within 64 MiB of
// idle (the review saw 1.78 GiB with 29 at once), and every answer is a
// clean 401, 429 or 503 with Retry-After in whole seconds, never a 500.
func TestSignInStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("storm of sign-ins: not in -short")
	}
	data := t.TempDir()
	if r := runCmdInput(t, map[string]string{"MAILPROFILE_DATA_DIR": data}, "a long enough password\n", "user", "add", "alice"); r.code != 0 {
		t.Fatalf("user add: %d %s", r.code, r.stderr)
	}
	s := startServer(t, data, "--trusted-proxies", "127.0.0.1")
	pid := s.cmd.Process.Pid
	if resp, body := s.get(t, "/admin/login"); resp.StatusCode != http.StatusOK { // opens the database
		t.Fatalf("/admin/login: %d\n%s", resp.StatusCode, body)
	}
	idle := procStatus(t, pid, "VmRSS")

	const (
		workers = 400 // connections at once
		rounds  = 3   // sign-ins each, back to back
	)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: 0}}
	defer client.CloseIdleConnections()
	var (
		wg       sync.WaitGroup
		start    = make(chan struct{})
		mu       sync.Mutex
		statuses = map[int]int{}
	)
	for w := range workers {
		wg.Go(func() {
			<-start
			for r := range rounds {
				n := w*rounds + r
				name := fmt.Sprintf("nobody%d", n)
				if n%4 == 0 {
					name = "alice"
				}
				form := url.Values{"csrf": {"storm-token"}, "name": {name}, "password": {fmt.Sprintf("wrong password %d", n)}, "next": {"/admin"}}
				req, _ := http.NewRequest(http.MethodPost, s.base+"/admin/login", strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Cookie", "mp_login_csrf=storm-token")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("sign-in %d: %v", n, err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusUnauthorized:
				case http.StatusTooManyRequests, http.StatusServiceUnavailable:
					if ra := resp.Header.Get("Retry-After"); !retryAfterRE.MatchString(ra) {
						t.Errorf("sign-in %d: %d with Retry-After %q, want whole seconds", n, resp.StatusCode, ra)
					}
				default:
					t.Errorf("sign-in %d: %d, want 401, 429 or 503\n%.300s", n, resp.StatusCode, body)
				}
				mu.Lock()
				statuses[resp.StatusCode]++
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	peak := procStatus(t, pid, "VmHWM")
	t.Logf("%d sign-ins from %d connections at once: statuses %v; RSS idle %.1f MiB, peak %.1f MiB, peak - idle %.1f MiB",
		workers*rounds, workers, statuses, float64(idle)/1024, float64(peak)/1024, float64(peak-idle)/1024)
	if statuses[http.StatusUnauthorized] == 0 {
		t.Error("no sign-in was checked (no 401)")
	}
	if growth := peak - idle; growth > 64<<10 {
		t.Errorf("peak RSS %d KiB is %d KiB above idle %d KiB, want at most 64 MiB", peak, growth, idle)
	}
	// The server still answers, and logged no error.
	if resp, body := s.get(t, "/setup?email=someone%40btinternet.com"); resp.StatusCode != http.StatusOK {
		t.Errorf("/setup after the storm: %d\n%.300s", resp.StatusCode, body)
	}
	if logs := s.logs.all(); strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("errors in the log:\n%s", logs)
	}
}
