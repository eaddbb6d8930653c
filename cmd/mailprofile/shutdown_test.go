package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
	"github.com/mailprofile/mailprofile/signing"
)

// heldDNS answers dnstest.XTest on loopback, but holds every answer
// until release is called. A download for x.test is then certainly in
// flight, waiting inside the handler, from the first query (reported on
// asked) until release.
type heldDNS struct {
	addr    string
	asked   chan struct{}
	release func()
}

func newHeldDNS(t *testing.T) *heldDNS {
	t.Helper()
	answer := dnstest.Handler(t, dnstest.XTest...)
	h := &heldDNS{asked: make(chan struct{})}
	var askedOnce, releaseOnce sync.Once
	released := make(chan struct{})
	h.release = func() { releaseOnce.Do(func() { close(released) }) }
	t.Cleanup(h.release)
	h.addr = dnstest.ServeHandler(t, dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		askedOnce.Do(func() { close(h.asked) })
		<-released
		answer.ServeDNS(w, r)
	}))
	return h
}

// outcome is how one load request ended.
type outcome int

const (
	served   outcome = iota // 200 with the whole body
	refused                 // the listener is closed: the worker stops
	unserved                // see classify
	failed
)

// classify sorts a request's result. After SIGTERM, a connection reset
// while connecting, or a reset or EOF before any response on a connection
// just dialled, is a connection that sat in the kernel's accept queue
// when the listener closed: the server never saw it, so no request of it
// was in flight. Anything else that is not a whole 200 fails the test.
func classify(err error, status int, reused, afterTerm bool) outcome {
	var op *net.OpError
	reset := errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
	switch {
	case err == nil && status == http.StatusOK:
		return served
	case errors.Is(err, syscall.ECONNREFUSED):
		return refused
	case afterTerm && reset && errors.As(err, &op) && op.Op == "dial":
		return unserved
	case afterTerm && reset && !reused:
		return unserved
	}
	return failed
}

// TestServeShutdownUnderLoad sends SIGTERM to a server under load: every
// request in flight completes with a 200, new connections are refused
// once the server stops listening, and serve exits 0.
func TestServeShutdownUnderLoad(t *testing.T) {
	held := newHeldDNS(t)
	s := startServer(t, filepath.Join(t.TempDir(), "data"), "--rate-limit", "0",
		"--discovery=true", "--dns-server", held.addr, "--ispdb-url=", "--sign-discovered")
	addr := strings.TrimPrefix(s.base, "http://")

	// Eight clients load the server with signed downloads, review pages
	// and API calls, each bounded to maxRequests.
	const (
		workers     = 8
		maxRequests = 5000
		termAfter   = 1000 // requests served before SIGTERM
	)
	var (
		done        atomic.Int64
		termSent    atomic.Bool
		inFlightDue atomic.Int64 // started before SIGTERM, ended after
		mu          sync.Mutex
		failures    []string
		counts      [4]int
		reachedTerm = make(chan struct{})
		termOnce    sync.Once
		wg          sync.WaitGroup
	)
	tr := &http.Transport{MaxIdleConnsPerHost: workers}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range maxRequests {
				target := loadTarget(w, i)
				before := termSent.Load()
				var reused bool
				trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) { reused = ci.Reused }}
				req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), http.MethodGet, s.base+target, nil)
				status, err := fetch(client, req)
				after := termSent.Load()
				o := classify(err, status, reused, after)
				if o == served && !before && after {
					inFlightDue.Add(1)
				}
				mu.Lock()
				counts[o]++
				if o == failed {
					failures = append(failures, fmt.Sprintf("%s: status %d, %v", target, status, err))
				}
				mu.Unlock()
				if o == served && done.Add(1) == termAfter {
					termOnce.Do(func() { close(reachedTerm) })
				}
				if o == refused {
					return
				}
			}
			mu.Lock()
			failures = append(failures, fmt.Sprintf("worker %d was never refused in %d requests", w, maxRequests))
			mu.Unlock()
		}()
	}
	workersDone := make(chan struct{})
	go func() { wg.Wait(); close(workersDone) }()
	select {
	case <-reachedTerm:
	case <-workersDone:
		t.Fatalf("the load ended before %d requests were served; failures: %q", termAfter, failures) // the workers have ended
	}
	// Then one more signed download waits inside the server for its DNS
	// answers across the whole shutdown. It starts only now, so that it
	// waits a short while, well within the lookup's step timeout.
	slow := make(chan error, 1)
	go func() {
		fp, err := downloadSigner(&http.Client{Timeout: time.Minute}, s.base, "someone%40x.test")
		if err == nil && fp == "" {
			err = errors.New("no signer")
		}
		slow <- err
	}()
	select {
	case <-held.asked:
	case err := <-slow:
		t.Fatalf("the held download ended before its lookup: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the held download never asked the DNS server")
	}

	termSent.Store(true)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}

	// The listener closes while the held download is still in flight.
	deadline := timetest.Wall().Add(30 * time.Second) // bounds a hung test against the running server
	for {
		c, err := net.Dial("tcp", addr)
		if errors.Is(err, syscall.ECONNREFUSED) {
			break
		}
		if err == nil {
			c.Close()
		}
		if timetest.Wall().After(deadline) {
			t.Fatalf("the server still takes connections after SIGTERM: %v\n%s", err, s.logs.all())
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case err := <-slow:
		t.Fatalf("the held download ended before its DNS answer: %v", err)
	default:
	}
	<-workersDone // every worker has met the closed listener
	held.release()
	if err := <-slow; err != nil {
		t.Errorf("the download in flight across SIGTERM: %v", err)
	}

	select {
	case <-s.eof:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after SIGTERM")
	}
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("serve exited with %v:\n%s", err, s.logs.all())
	}
	if !strings.Contains(s.logs.all(), `"msg":"stopped"`) {
		t.Errorf("no clean stop in the log:\n%s", s.logs.all())
	}
	if _, err := net.Dial("tcp", addr); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("dial after exit: %v, want connection refused", err)
	}
	if len(failures) > 0 {
		t.Errorf("%d requests failed, the first ones:\n%s", len(failures), strings.Join(failures[:min(len(failures), 10)], "\n"))
	}
	t.Logf("served %d (%d of them in flight at SIGTERM), refused %d, never accepted %d", counts[served], inFlightDue.Load(), counts[refused], counts[unserved])
}

// loadTarget mixes signed downloads of distinct addresses with the review
// page, the API and the health check.
func loadTarget(worker, i int) string {
	switch i % 4 {
	case 0, 1:
		return fmt.Sprintf("/profile?email=load%d.%d%%40btinternet.com&type=imap", worker, i)
	case 2:
		return "/setup?email=someone%40btinternet.com&type=pop"
	}
	return "/api/v1/settings?email=someone%40btinternet.com"
}

// fetch does req and reads the whole body; a short body is an error.
// A signed download must also verify.
func fetch(client *http.Client, req *http.Request) (int, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode == http.StatusOK && strings.HasPrefix(req.URL.Path, "/profile") {
		if _, err := signing.Verify(body, nil, timetest.Wall()); err != nil { // signed at the server's time
			return resp.StatusCode, err
		}
	}
	return resp.StatusCode, nil
}
