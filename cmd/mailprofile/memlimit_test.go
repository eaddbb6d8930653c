package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math"
	"strings"
	"testing"
)

func TestSetMemoryLimit(t *testing.T) {
	const hash = 19 << 20 // store.HashMemory(); serve passes it to web, which tells the bytes held
	tests := []struct {
		name       string
		cache      int
		cores      int
		flag       int     // --sign-in-concurrency
		gomemlimit *string // nil: unset
		limit      int64   // what the runtime parsed from GOMEMLIMIT
		want       int64   // 0: not set
		wantSlots  int
	}{
		{name: "default cache, 2 cores", cache: 1000, cores: 2, want: 14<<20 + 1000*(1<<10), wantSlots: 1},
		{name: "no cache, 1 core", cache: 0, cores: 1, want: 14 << 20, wantSlots: 1},
		{name: "large cache, 8 cores", cache: 100_000, cores: 8, want: 14<<20 + 100_000*(1<<10), wantSlots: 4},
		{name: "flag", cache: 0, cores: 2, flag: 3, want: 14 << 20, wantSlots: 3},
		{name: "GOMEMLIMIT set", cache: 1000, cores: 8, gomemlimit: ptr("64MiB"), limit: 64 << 20, wantSlots: 2},
		{name: "GOMEMLIMIT below one hash", cache: 1000, cores: 8, gomemlimit: ptr("20MiB"), limit: 20 << 20, wantSlots: 1},
		{name: "GOMEMLIMIT off", cache: 1000, cores: 8, gomemlimit: ptr("off"), limit: math.MaxInt64, wantSlots: 4},
		{name: "GOMEMLIMIT empty", cache: 10, cores: 2, gomemlimit: ptr(""), want: 14<<20 + 10*(1<<10), wantSlots: 1},
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
				setMemoryLimit: func(n int64) int64 {
					if n < 0 {
						return tt.limit // a read, as debug.SetMemoryLimit(-1)
					}
					got = n
					return 0
				},
			}
			cfg := &Config{ProfileCache: tt.cache, SignInConcurrency: tt.flag}
			slots, hashing := setMemoryLimit(cfg, e, slog.New(slog.NewTextHandler(io.Discard, nil)), tt.cores)
			if got != tt.want || slots != tt.wantSlots {
				t.Errorf("setMemoryLimit(--profile-cache %d, %d cores) set %d with %d hashing slots, want %d (0: not set) and %d",
					tt.cache, tt.cores, got, slots, tt.want, tt.wantSlots)
			}
			// The limit rises by what running hashes hold, and falls back.
			if (hashing != nil) != (tt.want != 0) {
				t.Fatalf("hashing callback present %v, want %v (only when serve sets the limit)", hashing != nil, tt.want != 0)
			}
			if hashing != nil {
				hashing(2 * hash)
				if got != tt.want+2*hash {
					t.Errorf("with two hashes running the limit is %d, want %d", got, tt.want+2*hash)
				}
				hashing(0)
				if got != tt.want {
					t.Errorf("with no hash running the limit is %d, want %d", got, tt.want)
				}
			}
		})
	}
	// Without a setter (tests running serve) nothing is set, and nothing
	// panics.
	setMemoryLimit(&Config{ProfileCache: 1000}, env{lookupEnv: func(string) (string, bool) { return "", false }}, slog.New(slog.NewTextHandler(io.Discard, nil)), 2)
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
	want := int64(14<<20 + 250*(1<<10)) // no hash has run
	if len(got) != 1 || got[0] != want {
		t.Errorf("serve set the memory limit %v, want once to %d", got, want)
	}
}
