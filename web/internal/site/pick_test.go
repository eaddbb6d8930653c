package site

import (
	"strconv"
	"strings"
	"testing"
)

// TestPickLanguageCache: the kept answers are the same as a fresh match,
// and no stream of distinct headers grows the cache past its bound.
func TestPickLanguageCache(t *testing.T) {
	for _, h := range []string{"de-DE,de;q=0.9", "fr-CA", "es, fr;q=0.5", "xx", "en-GB,en", strings.Repeat("de,", 100)} {
		for i := range 2 {
			if got, want := func() string { c, _ := PickLanguage("", h); return c }(), matchAccept(h); got != want {
				t.Errorf("PickLanguage(%q) call %d = %q, want %q", h, i+1, got, want)
			}
		}
	}
	for i := range 2 * maxAcceptEntries {
		PickLanguage("", "de;q=0."+strconv.Itoa(i))
	}
	n := 0
	acceptCache.Range(func(_, _ any) bool { n++; return true })
	if n > maxAcceptEntries {
		t.Errorf("Accept-Language cache holds %d values, want at most %d", n, maxAcceptEntries)
	}
}
