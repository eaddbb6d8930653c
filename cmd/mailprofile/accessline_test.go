package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/web"
)

// accessRecord is the record web makes of a when the handler does not
// write the line itself.
func accessRecord(a web.AccessLine) slog.Record {
	attrs := a.Attrs()
	return record(a.Time, slog.LevelInfo, web.AccessMessage, attrs[:]...)
}

// logAccessBoth writes a through the buffered logger's LogAccess and its
// record through slog's own handler, and returns both and whether
// LogAccess wrote the line. When it did not, nothing may have been
// written: the record goes through the logger as web would send it.
func logAccessBoth(t testing.TB, json bool, a web.AccessLine) (got, want string, wrote bool) {
	t.Helper()
	var out, ref bytes.Buffer
	lw := newLogWriter(&out, time.Hour)
	format := map[bool]string{false: "text", true: "json"}[json]
	log := newBufferedLogger(&Config{LogLevel: "info", LogFormat: format}, lw)
	al, ok := log.Handler().(web.AccessLogger)
	if !ok {
		t.Fatal("the buffered logger's handler is not a web.AccessLogger")
	}
	wrote = al.LogAccess(context.Background(), a)
	lw.Flush()
	if !wrote {
		if out.Len() != 0 {
			t.Errorf("LogAccess reported nothing written but wrote %q", out.String())
		}
		if err := log.Handler().Handle(context.Background(), accessRecord(a)); err != nil {
			t.Fatal(err)
		}
	}
	lw.Close()
	var refHandler slog.Handler = slog.NewTextHandler(&ref, nil)
	if json {
		refHandler = slog.NewJSONHandler(&ref, nil)
	}
	if err := refHandler.Handle(context.Background(), accessRecord(a)); err != nil {
		t.Fatal(err)
	}
	return out.String(), ref.String(), wrote
}

func testAccessLine() web.AccessLine {
	return web.AccessLine{
		Time: timetest.Fixed(), Method: "GET", Path: "/profile", Status: 200, Bytes: 3454,
		DurationMs: 0.052, RequestID: "fce3918b1e8315b8f6efd9dbd2fd1f91", RemoteIP: "2001:db8::1",
	}
}

// TestLogAccessMatchesSlog: the access line written without a record is
// byte for byte slog's line of the record web would make, in both
// formats; a line that is not plain is left to the record.
func TestLogAccessMatchesSlog(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*web.AccessLine)
		wrote bool
	}{
		{"download", func(*web.AccessLine) {}, true},
		{"whole second", func(a *web.AccessLine) { a.Time = a.Time.Truncate(time.Second) }, true},
		{"other zone", func(a *web.AccessLine) { a.Time = a.Time.In(time.FixedZone("x", -9*3600-30*60)) }, true},
		{"no time", func(a *web.AccessLine) { a.Time = time.Time{} }, true},
		{"error status, no bytes", func(a *web.AccessLine) { a.Status, a.Bytes = 500, 0 }, true},
		{"slow", func(a *web.AccessLine) { a.DurationMs = 31234.567 }, true},
		{"zero duration", func(a *web.AccessLine) { a.DurationMs = 0 }, true},
		{"token path", func(a *web.AccessLine) { a.Path = "/l/{token}/profile" }, true},
		{"path with a quote", func(a *web.AccessLine) { a.Path = `/a"b` }, false},
		{"path with a space", func(a *web.AccessLine) { a.Path = "/a b" }, false},
		{"non-ASCII path", func(a *web.AccessLine) { a.Path = "/café…" }, false},
		{"empty remote", func(a *web.AccessLine) { a.RemoteIP = "" }, false},
		{"request ID with =", func(a *web.AccessLine) { a.RequestID = "a=b" }, false},
		{"year 10000", func(a *web.AccessLine) { a.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, false},
		{"tiny duration", func(a *web.AccessLine) { a.DurationMs = 1e-9 }, false},
	}
	for _, tt := range tests {
		for _, json := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{false: "/text", true: "/json"}[json], func(t *testing.T) {
				a := testAccessLine()
				tt.edit(&a)
				got, want, wrote := logAccessBoth(t, json, a)
				if got != want {
					t.Errorf("LogAccess wrote\n%q\nslog writes\n%q", got, want)
				}
				if wrote != tt.wrote {
					t.Errorf("LogAccess wrote the line itself = %v, want %v", wrote, tt.wrote)
				}
			})
		}
	}
}

// TestLogAccessLevel: a level above INFO drops the line, which counts as
// written: web makes no record of it.
func TestLogAccessLevel(t *testing.T) {
	var out bytes.Buffer
	lw := newLogWriter(&out, time.Hour)
	log := newBufferedLogger(&Config{LogLevel: "warn", LogFormat: "text"}, lw)
	a := testAccessLine()
	if !log.Handler().(web.AccessLogger).LogAccess(context.Background(), a) {
		t.Error("LogAccess at level warn = false, want true (dropped)")
	}
	lw.Close()
	if out.Len() != 0 {
		t.Errorf("level warn wrote %q", out.String())
	}
}

// TestLogAccessFullBuffer: lines appended in place around the buffer's
// end, flushed and not, arrive whole and in order.
func TestLogAccessFullBuffer(t *testing.T) {
	var out bytes.Buffer
	lw := newLogWriter(&out, time.Hour)
	log := newBufferedLogger(&Config{LogLevel: "info", LogFormat: "text"}, lw)
	al := log.Handler().(web.AccessLogger)
	const n = 2000 // about 400 KB: many times the buffer
	for i := range n {
		a := testAccessLine()
		a.Bytes = int64(i)
		a.Path = "/" + strings.Repeat("p", i%300)
		if !al.LogAccess(context.Background(), a) {
			t.Fatalf("line %d not written", i)
		}
	}
	lw.Close()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines, want %d", len(lines), n)
	}
	for i, l := range lines {
		a := testAccessLine()
		a.Bytes = int64(i)
		a.Path = "/" + strings.Repeat("p", i%300)
		_, want, _ := logAccessBoth(t, false, a)
		if l+"\n" != want {
			t.Fatalf("line %d = %q, want %q", i, l, want)
		}
	}
}

// TestLogAccessAllocs: an access line costs the collector nothing.
func TestLogAccessAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	lw := newLogWriter(io.Discard, time.Hour)
	defer lw.Close()
	al := newBufferedLogger(&Config{LogLevel: "info", LogFormat: "text"}, lw).Handler().(web.AccessLogger)
	a := testAccessLine()
	if n := testing.AllocsPerRun(1000, func() { al.LogAccess(context.Background(), a) }); n != 0 {
		t.Errorf("LogAccess makes %v allocations, want 0", n)
	}
}

// FuzzLogAccess holds LogAccess to slog's line of the same record.
func FuzzLogAccess(f *testing.F) {
	f.Add("GET", "/profile", 200, int64(3454), 0.052, "fce3918b1e8315b8f6efd9dbd2fd1f91", "127.0.0.1", int64(0))
	f.Add("PO ST", "/a\"b", -1, int64(-1), 1e21, "a=b", "", int64(-1))
	f.Fuzz(func(t *testing.T, method, path string, status int, n int64, ms float64, id, ip string, ns int64) {
		a := web.AccessLine{Time: timetest.Fixed().Add(time.Duration(ns)), Method: method, Path: path,
			Status: status, Bytes: n, DurationMs: ms, RequestID: id, RemoteIP: ip}
		for _, json := range []bool{false, true} {
			if got, want, _ := logAccessBoth(t, json, a); got != want {
				t.Errorf("json=%v: LogAccess wrote\n%q\nslog writes\n%q", json, got, want)
			}
		}
	})
}

// BenchmarkLogAccess is the access line written by LogAccess into the
// log's buffer, against the record through the same handler.
func BenchmarkLogAccess(b *testing.B) {
	lw := newLogWriter(io.Discard, time.Hour)
	defer lw.Close()
	log := newBufferedLogger(&Config{LogLevel: "info", LogFormat: "text"}, lw)
	a := testAccessLine()
	b.Run("LogAccess", func(b *testing.B) {
		b.ReportAllocs()
		al := log.Handler().(web.AccessLogger)
		for b.Loop() {
			al.LogAccess(context.Background(), a)
		}
	})
	b.Run("record", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := slog.NewRecord(a.Time, slog.LevelInfo, web.AccessMessage, 0)
			attrs := a.Attrs()
			r.AddAttrs(attrs[:]...)
			_ = log.Handler().Handle(context.Background(), r)
		}
	})
}
