package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
)

func TestSetMemoryLimit(t *testing.T) {
	tests := []struct {
		name       string
		cache      int
		gomemlimit *string // nil: unset
		want       int64   // 0: not set
	}{
		{name: "default cache", cache: 1000, want: 14<<20 + 1000*(4<<10)},
		{name: "no cache", cache: 0, want: 14 << 20},
		{name: "large cache", cache: 100_000, want: 14<<20 + 100_000*(4<<10)},
		{name: "GOMEMLIMIT set", cache: 1000, gomemlimit: ptr("64MiB")},
		{name: "GOMEMLIMIT off", cache: 1000, gomemlimit: ptr("off")},
		{name: "GOMEMLIMIT empty", cache: 10, gomemlimit: ptr(""), want: 14<<20 + 10*(4<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got int64
			e := env{
				lookupEnv: func(k string) (string, bool) {
					if k == "GOMEMLIMIT" && tt.gomemlimit != nil {
						return *tt.gomemlimit, true
					}
					return "", false
				},
				setMemoryLimit: func(n int64) int64 { got = n; return 0 },
			}
			setMemoryLimit(&Config{ProfileCache: tt.cache}, e, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if got != tt.want {
				t.Errorf("setMemoryLimit(--profile-cache %d) set %d, want %d (0: not set)", tt.cache, got, tt.want)
			}
		})
	}
	// Without a setter (tests running serve) nothing is set, and nothing
	// panics.
	setMemoryLimit(&Config{ProfileCache: 1000}, env{lookupEnv: func(string) (string, bool) { return "", false }}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func ptr[T any](v T) *T { return &v }

// TestServeSetsMemoryLimit runs serve (stopped at once) with the setter
// in env: the limit follows --profile-cache from the environment.
func TestServeSetsMemoryLimit(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // serve starts, then shuts down at once
	var got []int64
	var stderr bytes.Buffer
	e := env{
		lookupEnv: func(k string) (string, bool) {
			v, ok := map[string]string{"MAILPROFILE_PROFILE_CACHE": "250", "MAILPROFILE_DISCOVERY": "false"}[k]
			return v, ok
		},
		stdin:          strings.NewReader(""),
		stdout:         io.Discard,
		stderr:         &stderr,
		setMemoryLimit: func(n int64) int64 { got = append(got, n); return 0 },
	}
	if code := run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir()}, e); code != 0 {
		t.Fatalf("serve exit %d:\n%s", code, stderr.String())
	}
	if want := int64(14<<20 + 250*(4<<10)); len(got) != 1 || got[0] != want {
		t.Errorf("serve set the memory limit %v, want once to %d", got, want)
	}
}
