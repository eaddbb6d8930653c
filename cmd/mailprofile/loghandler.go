package main

import (
	"context"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
)

// plainHandler formats the plain records that make up nearly all of a
// busy server's log, the access line of every request, itself, byte for
// byte as slog's TextHandler or JSONHandler without options but a level
// would, and hands every other record to that handler (inner). slog's
// handlers are general: for each record they take a state from a pool,
// check each attribute for groups, values to resolve and options to
// apply, and quote each string as it goes. That was more than half of
// the log line's cost, and the line was the largest part of a cached
// download after net/http's own work (issue 16).
//
// A record is plain when its message, its keys and its string values are
// non-empty ASCII that neither format quotes or escapes (see plainString)
// and every value is a string, an integer, a bool or a float that both
// formats write as strconv does (see plainFloat). TestPlainHandlerMatchesSlog
// and FuzzPlainHandler hold the output to slog's.
type plainHandler struct {
	inner slog.Handler // slog's handler, writing to w
	w     io.Writer    // written once per record, as slog does
	json  bool
}

// newPlainHandler wraps inner, slog's text handler (or JSON handler when
// json is set) with no options but a level, which writes to w.
func newPlainHandler(inner slog.Handler, w io.Writer, json bool) plainHandler {
	return plainHandler{inner: inner, w: w, json: json}
}

func (h plainHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

// WithAttrs and WithGroup give slog's handler: records of a logger with
// attributes or groups are not plain.
func (h plainHandler) WithAttrs(attrs []slog.Attr) slog.Handler { return h.inner.WithAttrs(attrs) }
func (h plainHandler) WithGroup(name string) slog.Handler       { return h.inner.WithGroup(name) }

// lineBuffers holds the buffers lines are formatted in.
var lineBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func (h plainHandler) Handle(ctx context.Context, r slog.Record) error {
	ok, err := h.writeLine(func(b []byte) ([]byte, bool) { return h.appendRecord(b, r) })
	if !ok {
		return h.inner.Handle(ctx, r)
	}
	return err
}

// writeLine writes the line add appends, once, unless add reports it is
// not plain (ok false: nothing is written). Into a logWriter the line is
// appended in place in its buffer; to any other writer it goes from a
// pooled buffer.
func (h plainHandler) writeLine(add func([]byte) ([]byte, bool)) (ok bool, err error) {
	if lw, isLW := h.w.(*logWriter); isLW {
		b, ok := add(lw.begin())
		return ok, lw.end(b, ok)
	}
	bp := lineBuffers.Get().(*[]byte)
	line, ok := add((*bp)[:0])
	if ok {
		_, err = h.w.Write(line)
	}
	if cap(line) <= 4<<10 { // a rare long line is not kept
		*bp = line
		lineBuffers.Put(bp)
	}
	return ok, err
}

// appendRecord appends r as one line, or reports that it is not plain.
func (h plainHandler) appendRecord(b []byte, r slog.Record) ([]byte, bool) {
	b, ok := h.appendHead(b, r.Time, r.Level, r.Message)
	if !ok {
		return b, false
	}
	r.Attrs(func(a slog.Attr) bool {
		b, ok = h.appendAttr(b, a)
		return ok
	})
	if !ok {
		return b, false
	}
	return h.appendEnd(b), true
}

// appendHead appends a record's time, level and message, or reports
// that they are not plain.
func (h plainHandler) appendHead(b []byte, t time.Time, l slog.Level, msg string) ([]byte, bool) {
	level := l.String() // letters, digits, + and -: always plain
	if !plainString(msg) {
		return b, false
	}
	if y := t.Year(); !t.IsZero() && (y < 0 || y > 9999) {
		return b, false // the JSON handler adds an error, the text one more digits
	}
	if h.json {
		b = append(b, '{')
		if !t.IsZero() {
			b = append(b, `"time":"`...)
			b = t.AppendFormat(b, time.RFC3339Nano)
			b = append(b, `",`...)
		}
		b = append(b, `"level":"`...)
		b = append(b, level...)
		b = append(b, `","msg":"`...)
		b = append(b, msg...)
		return append(b, '"'), true
	}
	if !t.IsZero() {
		b = append(b, "time="...)
		b = appendRFC3339Millis(b, t)
		b = append(b, ' ')
	}
	b = append(b, "level="...)
	b = append(b, level...)
	b = append(b, " msg="...)
	return append(b, msg...), true
}

// appendEnd ends a line.
func (h plainHandler) appendEnd(b []byte) []byte {
	if h.json {
		b = append(b, '}')
	}
	return append(b, '\n')
}

// appendAttr appends one attribute, or reports that it is not plain.
func (h plainHandler) appendAttr(b []byte, a slog.Attr) ([]byte, bool) {
	if !plainString(a.Key) {
		return b, false
	}
	if h.json {
		b = append(b, `,"`...)
		b = append(b, a.Key...)
		b = append(b, `":`...)
	} else {
		b = append(b, ' ')
		b = append(b, a.Key...)
		b = append(b, '=')
	}
	v := a.Value
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if !plainString(s) {
			return b, false
		}
		if h.json {
			b = append(b, '"')
			b = append(b, s...)
			return append(b, '"'), true
		}
		return append(b, s...), true
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10), true
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10), true
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool()), true
	case slog.KindFloat64:
		f := v.Float64()
		if !plainFloat(f) {
			return b, false
		}
		if h.json {
			return strconv.AppendFloat(b, f, 'f', -1, 64), true // as encoding/json writes it
		}
		return strconv.AppendFloat(b, f, 'g', -1, 64), true // as slog's Value.append does
	}
	return b, false
}

// plainString reports whether s is written as it is by both handlers: it
// is not empty, and each byte is printable ASCII other than a space, '=',
// '"' and '\', which the text handler quotes or the JSON one escapes.
func plainString(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || c == '=' || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// plainFloat reports whether encoding/json, which slog's JSON handler
// calls for floats, writes f as strconv's 'f' format does: finite, and
// zero or from 1e-6 up to 1e21, where it does not switch to exponents.
func plainFloat(f float64) bool {
	a := math.Abs(f)
	return a == 0 || a >= 1e-6 && a < 1e21
}

// appendRFC3339Millis is slog's text handler's time format: RFC 3339 with
// exactly three digits of milliseconds (log/slog's appendRFC3339Millis).
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	// RFC3339Nano drops trailing zeros: a tenth of a millisecond more
	// keeps four digits, of which the fourth is cut.
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}
