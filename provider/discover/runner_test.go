package discover

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

var errTest = errors.New("failed")

// after returns an attempt that answers v (or fails, if v is "") after d,
// and counts how it ended.
func after(d time.Duration, v string, cancelled *atomic.Int32) attempt[string] {
	return attempt[string]{run: func(ctx context.Context) (string, error) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			cancelled.Add(1)
			return "", ctx.Err()
		}
		if v == "" {
			return "", errTest
		}
		return v, nil
	}}
}

func TestFirst(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name          string
		attempts      func(c *atomic.Int32) []attempt[string]
		want          string
		wantIndex     int
		wantCancelled int32
	}{
		{"higher wins though slower", func(c *atomic.Int32) []attempt[string] {
			return []attempt[string]{after(50*ms, "a", c), after(0, "b", c)}
		}, "a", 0, 0},
		{"lower answers when higher fails", func(c *atomic.Int32) []attempt[string] {
			return []attempt[string]{after(20*ms, "", c), after(0, "b", c), after(0, "c", c)}
		}, "b", 1, 0},
		{"lower ones cancelled by a winner", func(c *atomic.Int32) []attempt[string] {
			return []attempt[string]{after(0, "a", c), after(time.Hour, "b", c), after(time.Hour, "c", c)}
		}, "a", 0, 2},
		{"none", func(c *atomic.Int32) []attempt[string] {
			return []attempt[string]{after(0, "", c), after(5*ms, "", c)}
		}, "", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cancelled atomic.Int32
			got, i, err := first(context.Background(), tt.attempts(&cancelled))
			if got != tt.want || i != tt.wantIndex || (i < 0) != (err != nil) {
				t.Errorf("first() = %q, %d, %v; want %q, %d", got, i, err, tt.want, tt.wantIndex)
			}
			if n := cancelled.Load(); n != tt.wantCancelled {
				t.Errorf("first() cancelled %d attempts, want %d", n, tt.wantCancelled)
			}
		})
	}
}

// TestFirstHangingHigher: a higher attempt that hangs holds the answer
// back only until its own timeout.
func TestFirstHangingHigher(t *testing.T) {
	var cancelled atomic.Int32
	hangs := attempt[string]{run: func(ctx context.Context) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		<-ctx.Done()
		return "", ctx.Err()
	}}
	got, i, err := first(context.Background(), []attempt[string]{hangs, after(0, "b", &cancelled)})
	if got != "b" || i != 1 || err != nil {
		t.Errorf("first() = %q, %d, %v; want \"b\", 1, nil", got, i, err)
	}
}

// TestFirstDelay: a delayed attempt starts early once every earlier one
// has failed, and never starts when an earlier one wins.
func TestFirstDelay(t *testing.T) {
	var started atomic.Int32
	delayed := attempt[string]{delay: time.Hour, run: func(context.Context) (string, error) {
		started.Add(1)
		return "late", nil
	}}
	var c atomic.Int32
	got, _, _ := first(context.Background(), []attempt[string]{after(0, "", &c), delayed})
	if got != "late" || started.Load() != 1 {
		t.Errorf("first() = %q with the delayed attempt started %d times, want \"late\", 1", got, started.Load())
	}
	got, _, _ = first(context.Background(), []attempt[string]{after(0, "a", &c), delayed})
	if got != "a" || started.Load() != 1 {
		t.Errorf("first() = %q with the delayed attempt started %d times in all, want \"a\", 1", got, started.Load())
	}
}
