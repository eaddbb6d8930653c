package main

import (
	"context"
	"log/slog"

	"github.com/mailprofile/mailprofile/web"
)

// LogAccess writes a's line as Handle writes the record web makes of it
// (web.AccessLogger), without the record or its attributes (writeLine
// says where). It reports false, having written nothing, when the line
// is not plain.
func (h plainHandler) LogAccess(ctx context.Context, a web.AccessLine) bool {
	if !h.inner.Enabled(ctx, slog.LevelInfo) {
		return true
	}
	ok, _ := h.writeLine(func(b []byte) ([]byte, bool) { return h.appendAccess(b, a) }) // as Handle: a log that cannot be written has nowhere to say so
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
