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
// touches about 13 MiB of it (docs/performance.md, issue 16). Letting go
// of the mappings once start-up is over (releaseStartupPages) takes the
// start-up-only pages out of the RSS; the pages stay in the page cache,
// and the ones requests use are mapped again on their first use, one
// minor fault per 64 KiB.

// fileSpan is one mapping of the executable that can be let go of.
type fileSpan struct {
	start, end uintptr
}

// releasableSpans reads /proc/self/smaps and returns the executable's
// read-only mappings (exe is its path as smaps shows it) that hold no
// private copy of a page: dropping those only unmaps file pages, which
// read back identical. Writable mappings (.data, .bss) and any mapping
// with an anonymous page (one the dynamic loader relocated, say) are
// left alone, since dropping them would lose what was written.
func releasableSpans(smaps, exe string) []fileSpan {
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
			if len(f) < 6 || strings.Join(f[5:], " ") != exe || f[1] != "r-xp" && f[1] != "r--p" {
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
