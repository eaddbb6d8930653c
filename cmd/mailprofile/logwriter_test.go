package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the writer's timer goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestBufferedLog checks what reaches the log's writer when: an info
// line waits (the timer is an hour here, so only the rules below write),
// a warning goes out at once with the lines before it, and Close writes
// out the rest.
func TestBufferedLog(t *testing.T) {
	var out lockedBuffer
	lw := newLogWriter(&out, time.Hour)
	log := newBufferedLogger(&Config{LogLevel: "info"}, lw).With("component", "test")
	log.Info("request", "path", "/a")
	if got := out.String(); got != "" {
		t.Fatalf("an info line was written at once: %q", got)
	}
	log.Warn("slow relay")
	if got := out.String(); !strings.Contains(got, "path=/a") || !strings.Contains(got, "slow relay") {
		t.Fatalf("after a warning the log holds %q, want the info line and the warning", got)
	}
	log.Info("request", "path", "/b")
	lw.Close()
	if got := out.String(); !strings.Contains(got, "path=/b") || !strings.Contains(got, "component=test") {
		t.Fatalf("after Close the log holds %q, want the last line", got)
	}
}
