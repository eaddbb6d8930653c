package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// AccessLine is one request's access line: the record with the message
// AccessMessage at level INFO that logAccess logs, with Attrs as its
// attributes.
type AccessLine struct {
	Time       time.Time
	Method     string
	Path       string // as logPath shortens it
	Status     int
	Bytes      int64
	DurationMs float64
	RequestID  string
	RemoteIP   string
}

// AccessMessage is the message of every access line.
const AccessMessage = "request"

// Attrs are the line's attributes, in the order they are written.
func (a AccessLine) Attrs() [7]slog.Attr {
	return [7]slog.Attr{
		slog.String("method", a.Method),
		slog.String("path", a.Path),
		slog.Int("status", a.Status),
		slog.Int64("bytes", a.Bytes),
		slog.Float64("duration_ms", a.DurationMs),
		slog.String("request_id", a.RequestID),
		slog.String("remote_ip", a.RemoteIP),
	}
}

// AccessLogger is a slog.Handler that writes an access line itself, byte
// for byte as it would handle the line's record, without making the
// record: cmd/mailprofile's does. The line was the largest part of a
// cached download after net/http's own work (issue 16); the record, its
// attributes and the handlers it passes through were much of it.
// LogAccess reports false when it leaves the line to the record (one it
// does not write itself); a line its level drops counts as written.
type AccessLogger interface {
	LogAccess(ctx context.Context, a AccessLine) bool
}

// logAccess logs one request's access line (see AccessLine). ip is the
// client's address when the caller knows it already.
func (s *Server) logAccess(r *http.Request, status int, size int64, start time.Time, id, ip string) {
	if !s.log.Enabled(r.Context(), slog.LevelInfo) {
		return // gathering the fields costs more than the rest of a cached download
	}
	if ip == "" {
		ip = s.echo.IPExtractor(r)
	}
	now := time.Now()
	line := AccessLine{
		Time: now, Method: r.Method, Path: logPath(r.URL.Path), Status: status, Bytes: size,
		DurationMs: float64(now.Sub(start).Microseconds()) / 1000, RequestID: id, RemoteIP: ip,
	}
	if s.access != nil && s.access.LogAccess(r.Context(), line) {
		return
	}
	// Typed attributes: no boxing of each value in an any. The record goes
	// to the handler directly, as Logger.LogAttrs would pass it but
	// without the caller's program counter: no handler of ours adds the
	// source, and finding it walked the stack on every request.
	rec := slog.NewRecord(line.Time, slog.LevelInfo, AccessMessage, 0)
	attrs := line.Attrs()
	rec.AddAttrs(attrs[:]...)
	_ = s.log.Handler().Handle(r.Context(), rec) // a log that cannot be written has nowhere to say so
}
