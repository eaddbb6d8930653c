package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// logBoth logs r through a plainHandler and through slog's own handler of
// the same format, and returns both lines and whether the plain handler
// wrote the line itself (rather than through slog's handler).
func logBoth(t testing.TB, json bool, r slog.Record) (got, want string, plain bool) {
	t.Helper()
	var innerOut, plainOut, refOut bytes.Buffer
	newHandler := func(w *bytes.Buffer) slog.Handler {
		if json {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		}
		return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
	}
	h := newPlainHandler(newHandler(&innerOut), &plainOut, json)
	if err := h.Handle(context.Background(), r.Clone()); err != nil {
		t.Fatalf("plainHandler.Handle: %v", err)
	}
	if err := newHandler(&refOut).Handle(context.Background(), r.Clone()); err != nil {
		t.Fatalf("slog Handle: %v", err)
	}
	return plainOut.String() + innerOut.String(), refOut.String(), innerOut.Len() == 0
}

// record is a record at the fixed test time.
func record(at time.Time, level slog.Level, msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(at, level, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

func TestPlainHandlerMatchesSlog(t *testing.T) {
	at := timetest.Fixed()
	access := []slog.Attr{
		slog.String("method", "GET"), slog.String("path", "/profile"), slog.Int("status", 200),
		slog.Int64("bytes", 3454), slog.Float64("duration_ms", 0.052),
		slog.String("request_id", "fce3918b1e8315b8f6efd9dbd2fd1f91"), slog.String("remote_ip", "2001:db8::1"),
	}
	tests := []struct {
		name  string
		r     slog.Record
		plain bool // written by the plain handler itself
	}{
		{"access line", record(at, slog.LevelInfo, "request", access...), true},
		{"whole milliseconds", record(at.Truncate(time.Second), slog.LevelInfo, "request", access...), true},
		{"odd nanoseconds", record(at.Add(123456789), slog.LevelInfo, "request"), true},
		{"other zone", record(at.In(time.FixedZone("x", 5*3600+30*60)), slog.LevelWarn, "request"), true},
		{"no time", record(time.Time{}, slog.LevelInfo, "request", access...), true},
		{"levels", record(at, slog.LevelDebug+2, "m", slog.Bool("b", true), slog.Bool("c", false)), true},
		{"error level", record(at, slog.LevelError+7, "m"), true},
		{"integers", record(at, slog.LevelInfo, "m", slog.Int64("min", math.MinInt64), slog.Uint64("max", math.MaxUint64)), true},
		{"floats", record(at, slog.LevelInfo, "m", slog.Float64("zero", 0), slog.Float64("neg", -0.5),
			slog.Float64("small", 1e-6), slog.Float64("big", 1e20), slog.Float64("third", 1.0/3), slog.Float64("negzero", math.Copysign(0, -1))), true},
		{"float over 1e21", record(at, slog.LevelInfo, "m", slog.Float64("f", 1e21)), false},
		{"float under 1e-6", record(at, slog.LevelInfo, "m", slog.Float64("f", 1e-7)), false},
		{"NaN", record(at, slog.LevelInfo, "m", slog.Float64("f", math.NaN())), false},
		{"infinity", record(at, slog.LevelInfo, "m", slog.Float64("f", math.Inf(-1))), false},
		{"message with a space", record(at, slog.LevelInfo, "profile served", access...), false},
		{"empty message", record(at, slog.LevelInfo, ""), false},
		{"quoted value", record(at, slog.LevelInfo, "request", slog.String("path", `/a"b`)), false},
		{"value with =", record(at, slog.LevelInfo, "request", slog.String("path", "/a=b")), false},
		{"value with a backslash", record(at, slog.LevelInfo, "request", slog.String("path", `/a\b`)), false},
		{"empty value", record(at, slog.LevelInfo, "request", slog.String("path", "")), false},
		{"control character", record(at, slog.LevelInfo, "request", slog.String("path", "/a\nb")), false},
		{"DEL", record(at, slog.LevelInfo, "request", slog.String("path", "/a\x7fb")), false},
		{"non-ASCII", record(at, slog.LevelInfo, "request", slog.String("path", "/café")), false},
		{"markup", record(at, slog.LevelInfo, "request", slog.String("path", "/<a>&amp;")), true},
		{"empty key", record(at, slog.LevelInfo, "request", slog.String("", "x")), false},
		{"key with a space", record(at, slog.LevelInfo, "request", slog.String("a b", "x")), false},
		{"duration", record(at, slog.LevelInfo, "request", slog.Duration("d", time.Second)), false},
		{"time value", record(at, slog.LevelInfo, "request", slog.Time("t", at)), false},
		{"group", record(at, slog.LevelInfo, "request", slog.Group("g", slog.Int("a", 1))), false},
		{"any", record(at, slog.LevelInfo, "request", slog.Any("e", context.Canceled)), false},
		{"year 10000", record(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), slog.LevelInfo, "m"), false},
	}
	for _, tt := range tests {
		for _, json := range []bool{false, true} {
			format := map[bool]string{false: "text", true: "json"}[json]
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				got, want, plain := logBoth(t, json, tt.r)
				if got != want {
					t.Errorf("plainHandler wrote\n%q\nslog writes\n%q", got, want)
				}
				if plain != tt.plain {
					t.Errorf("written by the plain handler itself = %v, want %v", plain, tt.plain)
				}
			})
		}
	}
}

// TestPlainHandlerWithAttrs: a logger with attributes or groups gets
// slog's handler, which writes them.
func TestPlainHandlerWithAttrs(t *testing.T) {
	var out bytes.Buffer
	inner := slog.NewTextHandler(&out, nil)
	log := slog.New(newPlainHandler(inner, &out, false)).With("component", "x").WithGroup("g")
	log.Info("m", "a", 1)
	if got := out.String(); !bytes.Contains([]byte(got), []byte("component=x msg=m g.a=1")) && !bytes.Contains([]byte(got), []byte("msg=m component=x g.a=1")) {
		t.Errorf("line = %q, want the logger's attribute and group", got)
	}
}

// FuzzPlainHandler holds the plain handler to slog's output for any
// message, key, string, integer and float, in both formats.
func FuzzPlainHandler(f *testing.F) {
	f.Add("request", "path", "/profile", int64(200), 0.052, int64(0))
	f.Add("a b", "k=v", "\"q\"", int64(-1), 1e21, int64(1))
	f.Add("m", "k", "é\u2028", int64(0), 1e-7, int64(-123456789))
	f.Fuzz(func(t *testing.T, msg, key, s string, i int64, fl float64, ns int64) {
		r := record(timetest.Fixed().Add(time.Duration(ns)), slog.LevelInfo, msg,
			slog.String(key, s), slog.Int64("i", i), slog.Float64("f", fl))
		for _, json := range []bool{false, true} {
			if got, want, _ := logBoth(t, json, r); got != want {
				t.Errorf("json=%v: plainHandler wrote\n%q\nslog writes\n%q", json, got, want)
			}
		}
	})
}

// BenchmarkAccessLine is the access log line of a request through
// slog's text and JSON handlers and through plainHandler around them.
func BenchmarkAccessLine(b *testing.B) {
	r := record(timetest.Fixed(), slog.LevelInfo, "request",
		slog.String("method", "GET"), slog.String("path", "/profile"), slog.Int("status", 200),
		slog.Int64("bytes", 3454), slog.Float64("duration_ms", 0.052),
		slog.String("request_id", "fce3918b1e8315b8f6efd9dbd2fd1f91"), slog.String("remote_ip", "127.0.0.1"))
	for _, json := range []bool{false, true} {
		var inner slog.Handler = slog.NewTextHandler(io.Discard, nil)
		if json {
			inner = slog.NewJSONHandler(io.Discard, nil)
		}
		format := map[bool]string{false: "text", true: "json"}[json]
		for name, h := range map[string]slog.Handler{"slog": inner, "plain": newPlainHandler(inner, io.Discard, json)} {
			b.Run(format+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					_ = h.Handle(context.Background(), r)
				}
			})
		}
	}
}
