//go:build linux && amd64

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestServeStartUpPeak reads the real binary's peak RSS as soon as it
// listens. The pages that package initialisation mapped are let go of
// before start-up maps its own, so the peak is not their sum: it was
// 23.4–23.8 MiB with one release before listening, and is 19.6–19.9 MiB
// with one at the start of serve as well (default build, 4 KiB pages,
// 64 KiB fault-around).
func TestServeStartUpPeak(t *testing.T) {
	if os.Getpagesize() != 4096 {
		t.Skip("the figures are for 4 KiB pages")
	}
	s := startServer(t, filepath.Join(t.TempDir(), "data"))
	peak := peakRSS(t, s.cmd.Process.Pid)
	t.Logf("VmHWM as serve listens: %d KiB", peak)
	if peak > 22<<10 {
		t.Errorf("VmHWM as serve listens = %d KiB, want at most 22 MiB", peak)
	}
	terminate(t, s)
}

// peakRSS is VmHWM of process pid in KiB.
func peakRSS(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return n
		}
	}
	t.Fatal("no VmHWM in /proc/PID/status")
	return 0
}
