package main

import (
	"context"
	"log/slog"

	"github.com/mailprofile/mailprofile/web"
)

// LogAccess writes a's line as Handle writes the record web makes of it
// (web.AccessLogger), without the record, its attributes or a line
// buffer: when h writes to a logWriter, straight into its buffer. It
// reports false, having written nothing, when the line is not plain.
func (h plainHandler) LogAccess(ctx context.Context, a web.AccessLine) bool {
	if !h.inner.Enabled(ctx, slog.LevelInfo) {
		return true
	}
	if lw, ok := h.w.(*logWriter); ok {
		b, ok := h.appendAccess(lw.begin(), a)
		lw.end(b, ok)
		return ok
	}
	bp := lineBuffers.Get().(*[]byte)
	defer lineBuffers.Put(bp)
	line, ok := h.appendAccess((*bp)[:0], a)
	if ok {
		_, _ = h.w.Write(line) // as Handle: a log that cannot be written has nowhere to say so
	}
	if cap(line) <= 4<<10 {
		*bp = line
	}
	return ok
}

// appendAccess appends a's line, or reports that it is not plain.
func (h plainHandler) appendAccess(b []byte, a web.AccessLine) ([]byte, bool) {
	b, ok := h.appendHead(b, a.Time, slog.LevelInfo, web.AccessMessage)
	if !ok {
		return b, false
	}
	for _, attr := range a.Attrs() {
		if b, ok = h.appendAttr(b, attr); !ok {
			return b, false
		}
	}
	return h.appendEnd(b), true
}

// LogAccess passes the line to the handler within, when it writes lines
// itself (plainHandler). An access line is below flushLevel: it waits.
func (h flushingHandler) LogAccess(ctx context.Context, a web.AccessLine) bool {
	if al, ok := h.Handler.(web.AccessLogger); ok {
		return al.LogAccess(ctx, a)
	}
	return false
}
