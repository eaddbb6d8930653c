//go:build linux

package main

import (
	"os"
	"syscall"
)

// releaseStartupPages unmaps the read-only file pages of the executable
// and its libraries (startpages.go) and returns how many bytes of
// mappings it let go of.
// MADV_DONTNEED on a private file mapping without private copies drops
// the page table entries only; the next access maps the same page from
// the page cache.
func releaseStartupPages() (released uintptr, err error) {
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	for _, s := range releasableSpans(string(smaps)) {
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, s.start, s.end-s.start, syscall.MADV_DONTNEED); errno != 0 {
			return released, errno
		}
		released += s.end - s.start
	}
	return released, nil
}
