package main

import (
	"bufio"
	"strconv"
	"strings"
)

// Start-up runs every package's initialisation and parses the templates,
// catalogs and certificates once; the kernel maps the binary's file pages
// 64 KiB around each page that code touches, so that by the time serve
// listens about 17 MiB of the executable is resident, and serving itself
// touches about 11 MiB of it and of libc (docs/performance.md, issue 16).
// Letting go of the mappings (releaseStartupPages) takes the start-up-only
// pages out of the RSS; the pages stay in the page cache, and the ones
// requests use are mapped again on their first use, one minor fault per
// 64 KiB.

// fileSpan is one mapping of a file that can be let go of.
type fileSpan struct {
	start, end uintptr
}

// releasableSpans reads /proc/self/smaps and returns the read-only
// private mappings of files (the executable, libc, the dynamic loader)
// that hold no private copy of a page: dropping those only unmaps file
// pages, which read back identical. Writable mappings (.data, .bss),
// shared ones, anonymous memory, the vDSO, and any mapping with an
// anonymous page (a library's relocated RELRO segment) are left alone,
// since dropping them would lose what was written.
func releasableSpans(smaps string) []fileSpan {
	var spans []fileSpan
	var cur *fileSpan
	flush := func() {
		if cur != nil {
			spans = append(spans, *cur)
			cur = nil
		}
	}
	sc := bufio.NewScanner(strings.NewReader(smaps))
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			flush()
			if len(f) < 6 || !strings.HasPrefix(f[5], "/") || f[1] != "r-xp" && f[1] != "r--p" {
				continue
			}
			lo, hi, ok := strings.Cut(f[0], "-")
			start, err1 := strconv.ParseUint(lo, 16, 64)
			end, err2 := strconv.ParseUint(hi, 16, 64)
			if !ok || err1 != nil || err2 != nil || end <= start {
				continue
			}
			cur = &fileSpan{start: uintptr(start), end: uintptr(end)}
			continue
		}
		if cur != nil && len(f) >= 2 && f[0] == "Anonymous:" && f[1] != "0" {
			cur = nil // a private copy: keep the mapping as it is
		}
	}
	flush()
	return spans
}
