package main

import (
	"io"
	"net"
	"sync"
	"time"
)

// net/http writes a response through a 4 KiB buffer: a response larger
// than that (every review page with its headers, the form in German and
// French, an RSA-signed profile) leaves in two write(2) calls and two TCP
// segments, the first a full buffer cut wherever it fell, and the second
// costs nearly as much as a whole small answer (issue 16). On a plain
// HTTP/1.x connection, coalescingConn holds back a write of exactly one
// full buffer and sends it with the write that follows, in one call.
//
// A full buffer is written when a response overflows it, so more of the
// response follows: at once in the same call of the buffer's Write, or
// when the handler returns and net/http writes out the rest. Before
// net/http waits for anything it reads from the connection (the next
// request, a request body after "100 Continue") or closes it, and both
// send what is held first. The one case that would wait is a handler that
// flushes exactly a full buffer and then waits before it writes again: no
// handler of this server streams. It is never used under TLS, where
// HTTP/2 reads and writes independently.

// coalesceSize is net/http's connection buffer, and so the size of a
// write that is a full buffer.
const coalesceSize = 4 << 10

// coalesceJoin bounds what is joined with a held buffer in one write by
// copying; a longer write goes out as a vector (writev) of the two.
const coalesceJoin = 16 << 10

// heldBuffers hold the buffers held back, and the joined writes.
var heldBuffers = sync.Pool{New: func() any { b := make([]byte, 0, coalesceJoin); return &b }}

// coalescingListener wraps the plain TCP connections it accepts, and
// keeps their deadlines with a reaper (deadline.go), which runs while
// it has connections.
type coalescingListener struct {
	net.Listener
	reaper *reaper
}

func newCoalescingListener(ln net.Listener) *coalescingListener {
	return &coalescingListener{Listener: ln, reaper: newReaper(reaperTick, lazyAhead, time.Now)}
}

func (l *coalescingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	cc := &coalescingConn{Conn: c}
	cc.dl.reaper = l.reaper
	l.reaper.add(cc)
	return cc, nil
}

// coalescingConn is a connection whose full-buffer writes wait for the
// next write, read or close (see above). Writes hold mu while they write,
// so that what is held and what follows leave in order even when
// net/http's background read flushes.
type coalescingConn struct {
	net.Conn
	mu   sync.Mutex
	held *[]byte   // a full buffer not yet sent, or nil
	dl   deadlines // deadline.go
}

func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held == nil {
		if len(p) != coalesceSize {
			return c.Conn.Write(p)
		}
		bp := heldBuffers.Get().(*[]byte)
		*bp = append((*bp)[:0], p...)
		c.held = bp
		return len(p), nil
	}
	bp := c.held
	c.held = nil
	defer heldBuffers.Put(bp)
	if len(*bp)+len(p) <= coalesceJoin {
		*bp = append(*bp, p...)
		n, err := c.Conn.Write(*bp)
		return max(n-coalesceSize, 0), err
	}
	bufs := net.Buffers{*bp, p}
	n, err := bufs.WriteTo(c.Conn)
	return max(int(n)-coalesceSize, 0), err
}

// flush sends what is held; c.mu is held.
func (c *coalescingConn) flush() error {
	if c.held == nil {
		return nil
	}
	bp := c.held
	c.held = nil
	defer heldBuffers.Put(bp)
	_, err := c.Conn.Write(*bp)
	return err
}

func (c *coalescingConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	err := c.flush()
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

// Close sends what is held and closes. While a write is under way (a
// slow client) it closes at once, which ends the write, as it would end
// net/http's own.
func (c *coalescingConn) Close() error {
	if c.dl.reaper != nil {
		c.dl.reaper.remove(c)
	}
	if !c.mu.TryLock() {
		return c.Conn.Close()
	}
	err := c.flush()
	c.mu.Unlock()
	return errorsJoinFirst(err, c.Conn.Close())
}

// CloseWrite sends what is held and shuts the sending side, as net/http
// does before it closes a connection gracefully.
func (c *coalescingConn) CloseWrite() error {
	c.mu.Lock()
	err := c.flush()
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom sends what is held, then lets the connection copy r itself
// (sendfile for a file), as net/http would without the wrapper.
func (c *coalescingConn) ReadFrom(r io.Reader) (int64, error) {
	c.mu.Lock()
	err := c.flush()
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}

// errorsJoinFirst is the first error that is not nil.
func errorsJoinFirst(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
