package main

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// serve writes its log through a buffer: one write(2) for every line cost
// a busy server more than the rest of a cached download's log line
// (issue 16). Lines wait at most logFlushEvery, or until 32 KiB are
// waiting; a warning or an error is written at once, with everything
// before it, and the buffer is written out when serve returns.

const (
	logFlushEvery = 100 * time.Millisecond
	logBufferSize = 32 << 10
)

// logWriter is a buffered writer safe for concurrent use.
type logWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop context.CancelFunc
	done chan struct{}
}

// newLogWriter buffers writes to w and writes them out every interval
// (serve: logFlushEvery) until Close.
func newLogWriter(w io.Writer, every time.Duration) *logWriter {
	ctx, stop := context.WithCancel(context.Background())
	lw := &logWriter{buf: bufio.NewWriterSize(w, logBufferSize), stop: stop, done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				lw.Flush()
			case <-ctx.Done():
				return
			}
		}
	}()
	return lw
}

func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.buf.Write(p)
}

// begin locks the buffer and returns its free space, empty, for a line to
// be appended to; end writes the line (when ok) and unlocks. A line
// appended in place is not copied (bufio.Writer.AvailableBuffer).
func (lw *logWriter) begin() []byte {
	lw.mu.Lock()
	if lw.buf.Available() < minLineRoom {
		_ = lw.buf.Flush() // an error stays in the buffer and fails the writes, as Write's would
	}
	return lw.buf.AvailableBuffer()
}

func (lw *logWriter) end(line []byte, ok bool) (err error) {
	if ok {
		_, err = lw.buf.Write(line)
	}
	lw.mu.Unlock()
	return err
}

// minLineRoom is the free space begin keeps for a line, so that an
// access line is appended in place (a longer one is copied).
const minLineRoom = 512

// Flush writes out what is waiting.
func (lw *logWriter) Flush() {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	_ = lw.buf.Flush() // a log that cannot be written has nowhere to say so
}

// Close stops the timer and writes out what is waiting.
func (lw *logWriter) Close() {
	lw.stop()
	<-lw.done
	lw.Flush()
}

// flushingHandler writes the log out after each record at flushLevel or
// above, so that a warning or an error is seen at once.
type flushingHandler struct {
	slog.Handler
	lw *logWriter
}

const flushLevel = slog.LevelWarn

func (h flushingHandler) Handle(ctx context.Context, r slog.Record) error {
	err := h.Handler.Handle(ctx, r)
	if r.Level >= flushLevel {
		h.lw.Flush()
	}
	return err
}

func (h flushingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return flushingHandler{h.Handler.WithAttrs(attrs), h.lw}
}

func (h flushingHandler) WithGroup(name string) slog.Handler {
	return flushingHandler{h.Handler.WithGroup(name), h.lw}
}

// newBufferedLogger is newLogger writing through lw, with plain records
// formatted by plainHandler.
func newBufferedLogger(cfg *Config, lw *logWriter) *slog.Logger {
	plain := newPlainHandler(newLogger(cfg, lw).Handler(), lw, cfg.LogFormat == "json")
	return slog.New(flushingHandler{plain, lw})
}
