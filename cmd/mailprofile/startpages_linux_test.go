//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseStartupPages lets go of this test binary's pages and checks
// that the RSS of its mappings fell, and that code still runs after (the
// test goes on).
func TestReleaseStartupPages(t *testing.T) {
	before := exeRSS(t)
	released, err := releaseStartupPages()
	after := exeRSS(t)
	if err != nil || released == 0 {
		t.Fatalf("releaseStartupPages() = %d, %v, want bytes released", released, err)
	}
	// What this function and the runtime touch in between comes back; a
	// test binary has megabytes mapped before.
	if after >= before/2 {
		t.Errorf("executable's read-only RSS %d KiB after release, want under half of %d KiB before", after, before)
	}
}

// exeRSS sums the RSS in KiB of the test binary's read-only mappings.
func exeRSS(t *testing.T) int {
	t.Helper()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Fatal(err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	total, in := 0, false
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 6 && strings.Contains(f[0], "-"):
			in = strings.Join(f[5:], " ") == exe && (f[1] == "r-xp" || f[1] == "r--p")
		case in && len(f) >= 2 && f[0] == "Rss:":
			n, _ := strconv.Atoi(f[1])
			total += n
		}
	}
	return total
}
