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

// TestServeStartUpPeak reads the real binary's memory as soon as it
// listens. Before it listens, serve lets go of the file pages that
// package initialisation and start-up mapped (startpages.go): about 17
// MiB of the executable and libc were resident at that point before, and
// only what listening and the first requests touch since is now. The
// peak (VmHWM) is logged, not held to a figure: how far the heap grows
// while start-up's garbage is collected depends on how busy the machine
// is (docs/performance.md has the measurements: 19.6–19.9 MiB with both
// releases, 23.4–23.8 MiB with one, 24.9–25.5 MiB with none).
func TestServeStartUpPeak(t *testing.T) {
	if os.Getpagesize() != 4096 {
		t.Skip("the figures are for 4 KiB pages")
	}
	s := startServer(t, filepath.Join(t.TempDir(), "data"))
	t.Logf("VmHWM as serve listens: %d KiB", statusKiB(t, s.cmd.Process.Pid, "VmHWM"))
	if file := statusKiB(t, s.cmd.Process.Pid, "RssFile"); file > 12<<10 {
		t.Errorf("RssFile as serve listens = %d KiB, want at most 12 MiB: start-up's file pages were not let go of", file)
	}
	terminate(t, s)
}

// statusKiB is the field name (VmHWM, RssFile...) of process pid's
// /proc/PID/status, in KiB.
func statusKiB(t *testing.T, pid int, name string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatalf("%s %q: %v", name, v, err)
			}
			return n
		}
	}
	t.Fatalf("no %s in /proc/PID/status", name)
	return 0
}
