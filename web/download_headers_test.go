package web

import (
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

// TestNewDownload holds the prepared headers to contentDisposition and
// the body's length, and checks that appending to one header value, as
// http.Header.Add does, cannot write over the other: both share one
// array in the struct.
func TestNewDownload(t *testing.T) {
	addr := profile.Address{Local: "Some.One", Domain: "btinternet.com"}
	// A cached body in parts: the length is the whole, chain included.
	body := profileBody{rest: make([]byte, 2000), at: 100, chain: make([]byte, 1456)}
	d := newDownload(addr, body)
	if got, want := d.length, []string{"3456"}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("newDownload(%q).length = %q, want %q", addr, got, want)
	}
	if got, want := d.disposition, contentDisposition(addr); len(got) != 1 || got[0] != want {
		t.Errorf("newDownload(%q).disposition = %q, want [%q]", addr, got, want)
	}
	_ = append(d.length, "appended")
	if got, want := d.disposition[0], contentDisposition(addr); got != want {
		t.Errorf("after appending to the length, disposition = %q, want %q", got, want)
	}
}

// TestNewDownloadAllocs holds a download's headers to two allocations:
// the struct and the one string both values are cut from.
func TestNewDownloadAllocs(t *testing.T) {
	addr := profile.Address{Local: "someone1", Domain: "btinternet.com"}
	body := wholeBody(make([]byte, 3456))
	if n := testing.AllocsPerRun(100, func() { _ = newDownload(addr, body) }); n != 2 {
		t.Errorf("newDownload(%q) makes %v allocations, want 2", addr, n)
	}
}
