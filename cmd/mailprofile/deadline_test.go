package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// Deadlines are the socket's business, so these tests read the wall
// clock (timetest.Wall), and use a reaper that looks every 10 ms and
// keeps deadlines 50 ms or more ahead as numbers.
const (
	testTick  = 10 * time.Millisecond
	testAhead = 50 * time.Millisecond
	hangGuard = 20 * time.Second // only a broken deadline waits this long
)

// lazyPair returns the server's end of a loopback connection, accepted by
// a coalescingListener whose reaper looks every so often, and the
// client's end.
func lazyPair(t *testing.T, every time.Duration) (*coalescingConn, net.Conn, *coalescingListener) {
	t.Helper()
	return pairWith(t, newReaper(every, testAhead, timetest.Wall))
}

// pairWith is lazyPair on a new listener whose deadlines r keeps.
func pairWith(t *testing.T, r *reaper) (*coalescingConn, net.Conn, *coalescingListener) {
	t.Helper()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &coalescingListener{Listener: tcp, reaper: r}
	t.Cleanup(func() { ln.Close() })
	client, err := net.Dial("tcp", tcp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*coalescingConn), client, ln
}

// readResult runs c.Read in a goroutine and returns what it got.
func readResult(c net.Conn) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := c.Read(make([]byte, 16))
		done <- err
	}()
	return done
}

func waitEnd(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(hangGuard):
		t.Fatal("never ended: the deadline was not enforced")
		return nil
	}
}

// TestLazyDeadlineEndsRead: a deadline kept as a number ends a waiting
// read once it has passed, never before, with the socket's own error.
func TestLazyDeadlineEndsRead(t *testing.T) {
	c, _, _ := lazyPair(t, testTick)
	deadline := timetest.Wall().Add(4 * testAhead)
	if err := c.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	if c.dl.read.at.Load() == 0 {
		t.Fatal("a deadline far enough ahead went to the socket, want it kept as a number")
	}
	err := waitEnd(t, readResult(c))
	if ended := timetest.Wall(); ended.Before(deadline) {
		t.Errorf("the read ended %v before its deadline", deadline.Sub(ended))
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Read after the deadline = %v, want the socket's time-out", err)
	}
}

// TestPastDeadlineActsAtOnce: net/http stops its background read with a
// deadline long past and waits for it, then clears it: both must reach
// the socket at once, with a reaper that would not look for an hour.
func TestPastDeadlineActsAtOnce(t *testing.T) {
	c, client, _ := lazyPair(t, time.Hour) // only the immediate path can end the read
	done := readResult(c)
	if err := c.SetReadDeadline(time.Unix(1, 0)); err != nil {
		t.Fatal(err)
	}
	if err := waitEnd(t, done); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read with a past deadline = %v, want a time-out", err)
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	done = readResult(c)
	if _, err := client.Write([]byte("next")); err != nil {
		t.Fatal(err)
	}
	if err := waitEnd(t, done); err != nil {
		t.Errorf("Read after clearing the deadline = %v, want the client's bytes", err)
	}
}

// TestLazyDeadlineMoved: a deadline cleared or moved later before it
// passes does not end the read; one set after a time-out clears the
// socket's, so reads work again.
func TestLazyDeadlineMoved(t *testing.T) {
	tests := []struct {
		name string
		then func(c *coalescingConn) error
	}{
		{"cleared", func(c *coalescingConn) error { return c.SetReadDeadline(time.Time{}) }},
		{"moved later", func(c *coalescingConn) error { return c.SetReadDeadline(timetest.Wall().Add(time.Hour)) }},
		{"both directions cleared", func(c *coalescingConn) error { return c.SetDeadline(time.Time{}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, client, _ := lazyPair(t, testTick)
			if err := c.SetReadDeadline(timetest.Wall().Add(2 * testAhead)); err != nil {
				t.Fatal(err)
			}
			if err := tt.then(c); err != nil {
				t.Fatal(err)
			}
			done := readResult(c)
			time.Sleep(4 * testAhead) // past the first deadline, many ticks
			if _, err := client.Write([]byte("late")); err != nil {
				t.Fatal(err)
			}
			if err := waitEnd(t, done); err != nil {
				t.Errorf("Read = %v, want the client's bytes: the old deadline fired", err)
			}
		})
	}
	t.Run("set again after a time-out", func(t *testing.T) {
		c, client, _ := lazyPair(t, testTick)
		if err := c.SetReadDeadline(timetest.Wall().Add(2 * testAhead)); err != nil {
			t.Fatal(err)
		}
		if err := waitEnd(t, readResult(c)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("Read = %v, want a time-out", err)
		}
		if err := c.SetReadDeadline(timetest.Wall().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		done := readResult(c)
		if _, err := client.Write([]byte("again")); err != nil {
			t.Fatal(err)
		}
		if err := waitEnd(t, done); err != nil {
			t.Errorf("Read after a new deadline = %v, want the client's bytes", err)
		}
	})
}

// TestLazyWriteDeadline: a client that reads nothing cannot hold a
// writer past its write deadline.
func TestLazyWriteDeadline(t *testing.T) {
	c, _, _ := lazyPair(t, testTick)
	deadline := timetest.Wall().Add(4 * testAhead)
	if err := c.SetWriteDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		chunk := make([]byte, 64<<10)
		for {
			if _, err := c.Write(chunk); err != nil {
				done <- err
				return
			}
		}
	}()
	err := waitEnd(t, done)
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("Write to a client that does not read = %v, want a time-out", err)
	}
	if ended := timetest.Wall(); ended.Before(deadline) {
		t.Errorf("the write ended %v before its deadline", deadline.Sub(ended))
	}
}

// TestServerTimeOutsLazy runs net/http's own time-outs through the lazy
// deadlines: a client that never finishes its header, and one that stays
// idle, are both disconnected; one that keeps asking is served.
func TestServerTimeOutsLazy(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := &coalescingListener{Listener: tcp, reaper: newReaper(testTick, testAhead, timetest.Wall)}
	hs := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ReadHeaderTimeout: 4 * testAhead,
		ReadTimeout:       8 * testAhead,
		WriteTimeout:      8 * testAhead,
		IdleTimeout:       6 * testAhead,
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })

	closedByServer := func(t *testing.T, conn net.Conn, br *bufio.Reader) {
		t.Helper()
		conn.SetReadDeadline(timetest.Wall().Add(hangGuard)) // against a hang
		if _, err := io.ReadAll(br); err != nil {
			t.Errorf("waiting for the server to close: %v, want EOF (closed by its time-out)", err)
		}
	}
	t.Run("header never finished", func(t *testing.T) {
		conn, err := net.Dial("tcp", tcp.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n") // no blank line
		closedByServer(t, conn, bufio.NewReader(conn))
	})
	t.Run("idle", func(t *testing.T) {
		conn, err := net.Dial("tcp", tcp.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		br := bufio.NewReader(conn)
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		closedByServer(t, conn, br)
	})
	t.Run("busy", func(t *testing.T) {
		conn, err := net.Dial("tcp", tcp.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(timetest.Wall().Add(hangGuard))
		br := bufio.NewReader(conn)
		// Past the header and idle time-outs in all, each request in time.
		for end := timetest.Wall().Add(12 * testAhead); timetest.Wall().Before(end); {
			io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("a request in time: %v", err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if string(body) != "ok" {
				t.Fatalf("body %q, want ok", body)
			}
			time.Sleep(testAhead)
		}
	})
}

// TestReaperStops: the reaper's goroutine ends once every connection it
// watches is closed, and starts again with the next one, whose lazy
// deadline it then enforces.
func TestReaperStops(t *testing.T) {
	c, _, ln := lazyPair(t, testTick)
	c.SetReadDeadline(timetest.Wall().Add(time.Hour))
	ln.Close()
	c.Close()
	waitReaperStopped(t, ln.reaper)

	cc, _, _ := pairWith(t, ln.reaper)
	deadline := timetest.Wall().Add(4 * testAhead)
	if err := cc.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	if cc.dl.read.at.Load() == 0 {
		t.Fatal("a deadline far enough ahead went to the socket, want it kept as a number")
	}
	if err := waitEnd(t, readResult(cc)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read on a connection after the reaper stopped = %v, want the time-out", err)
	}
	cc.Close()
	waitReaperStopped(t, ln.reaper)
}

// waitReaperStopped waits until r's goroutine has ended with no
// connection left.
func waitReaperStopped(t *testing.T, r *reaper) {
	t.Helper()
	for i := 0; ; i++ {
		r.mu.Lock()
		alive, n := r.alive, len(r.conns)
		r.mu.Unlock()
		if !alive && n == 0 {
			return
		}
		if i > int(hangGuard/testTick) {
			t.Fatalf("reaper still running with %d connections after they all closed", n)
		}
		time.Sleep(testTick)
	}
}
