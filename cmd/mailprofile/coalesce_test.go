package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// recordingConn is a net.Conn that records each write.
type recordingConn struct {
	net.Conn // nil: only the methods below are used
	mu       sync.Mutex
	writes   [][]byte
	closed   bool
	shut     bool
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}
func (c *recordingConn) Read(p []byte) (int, error) { return 0, io.EOF }
func (c *recordingConn) Close() error               { c.closed = true; return nil }
func (c *recordingConn) CloseWrite() error          { c.shut = true; return nil }

func TestCoalescingConn(t *testing.T) {
	full := bytes.Repeat([]byte("a"), coalesceSize)
	rest := []byte("the rest")
	long := bytes.Repeat([]byte("b"), coalesceJoin)
	tests := []struct {
		name   string
		writes [][]byte
		then   func(c *coalescingConn)
		want   []int // the sizes of the writes the connection sees
	}{
		{"small write: at once", [][]byte{rest}, nil, []int{len(rest)}},
		{"full buffer then the rest: one write", [][]byte{full, rest}, nil, []int{coalesceSize + len(rest)}},
		{"full buffer then a long write: sent together", [][]byte{full, long}, nil, []int{coalesceSize, len(long)}},
		{"two full buffers", [][]byte{full, full}, nil, []int{2 * coalesceSize}},
		{"full buffer, then a read sends it", [][]byte{full}, func(c *coalescingConn) { c.Read(make([]byte, 1)) }, []int{coalesceSize}},
		{"full buffer, then close sends it", [][]byte{full}, func(c *coalescingConn) { c.Close() }, []int{coalesceSize}},
		{"full buffer, then CloseWrite sends it", [][]byte{full}, func(c *coalescingConn) { c.CloseWrite() }, []int{coalesceSize}},
		{"full buffer, then ReadFrom sends it first", [][]byte{full}, func(c *coalescingConn) { c.ReadFrom(bytes.NewReader(rest)) }, []int{coalesceSize, len(rest)}},
		{"full buffer held until something follows", [][]byte{full}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := &recordingConn{}
			c := &coalescingConn{Conn: rc}
			var sent []byte
			for _, p := range tt.writes {
				n, err := c.Write(p)
				if n != len(p) || err != nil {
					t.Fatalf("Write(%d bytes) = %d, %v; want %d, nil", len(p), n, err, len(p))
				}
				sent = append(sent, p...)
			}
			if tt.then != nil {
				tt.then(c)
			}
			var sizes []int
			var got []byte
			for _, w := range rc.writes {
				sizes = append(sizes, len(w))
				got = append(got, w...)
			}
			if fmt.Sprint(sizes) != fmt.Sprint(tt.want) {
				t.Errorf("writes of %v bytes, want %v", sizes, tt.want)
			}
			if tt.want != nil && !bytes.Equal(got, append(sent, map[bool][]byte{true: rest}[strings.Contains(tt.name, "ReadFrom")]...)) {
				t.Error("the bytes written are not the bytes sent, in order")
			}
		})
	}
}

// TestCoalescingServer serves responses of every size around net/http's
// buffer through the wrapper on loopback, over one kept-alive connection,
// with a body after "100 Continue", and with Connection: close, and
// checks each arrives whole and that the server shuts down.
func TestCoalescingServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Length", strconv.Itoa(n+len(body)))
		w.Write(bytes.Repeat([]byte{'x'}, n))
		w.Write(body)
	})}
	go hs.Serve(newCoalescingListener(ln))
	t.Cleanup(func() { hs.Close() })

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A deadline against a hang, on the socket's own clock.
	conn.SetDeadline(timetest.Wall().Add(30 * time.Second))
	br := bufio.NewReader(conn)
	sizes := []int{0, 1, 3000, 3400, 3500, 3600, 4000, 4096, 4097, 5000, 8192 - 200, 8192, 8193, 12000, 16384, 20000, 100000}
	for _, n := range sizes {
		fmt.Fprintf(conn, "GET /?n=%d HTTP/1.1\r\nHost: x\r\n\r\n", n)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		got, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || len(got) != n || bytes.Count(got, []byte{'x'}) != n {
			t.Fatalf("n=%d: %d bytes, %v", n, len(got), err)
		}
	}
	// A body sent only after the server's "100 Continue".
	body := strings.Repeat("y", 5000)
	fmt.Fprintf(conn, "POST /?n=4000 HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: %d\r\n\r\n", len(body))
	line, err := br.ReadString('\n')
	if err != nil || !strings.Contains(line, "100 Continue") {
		t.Fatalf("after Expect: %q, %v; want 100 Continue", line, err)
	}
	br.ReadString('\n') // the empty line
	io.WriteString(conn, body)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	if len(got) != 4000+len(body) || !strings.HasSuffix(string(got), body) {
		t.Fatalf("POST: %d bytes, want %d ending with the body", len(got), 4000+len(body))
	}
	// The last request closes the connection: the response still arrives.
	fmt.Fprintf(conn, "GET /?n=%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 4500)
	res, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(res.Body); err != nil || len(got) != 4500 {
		t.Fatalf("Connection: close: %d bytes, %v", len(got), err)
	}
	if err := hs.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
