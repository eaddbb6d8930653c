package main

import (
	"reflect"
	"testing"
)

func TestReleasableSpans(t *testing.T) {
	const exe = "/usr/local/bin/mail profile" // a path with a space
	smaps := `00400000-00ef0000 r-xp 00000000 fe:00 1 /usr/local/bin/mail profile
Rss:                7744 kB
Anonymous:             0 kB
VmFlags: rd ex mr mw me
00ef0000-01b57000 r--p 00af0000 fe:00 1 /usr/local/bin/mail profile
Rss:                7580 kB
Anonymous:             0 kB
01b57000-01c1a000 rw-p 01757000 fe:00 1 /usr/local/bin/mail profile
Rss:                 716 kB
Anonymous:           700 kB
01c1a000-01c2a000 r--p 0181a000 fe:00 1 /usr/local/bin/mail profile
Rss:                  64 kB
Anonymous:             4 kB
01c2a000-03c69000 rw-p 00000000 00:00 0
Rss:                 212 kB
Anonymous:           212 kB
7f649f768000-7f649f8be000 r-xp 00026000 fe:00 2 /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                 920 kB
Anonymous:             0 kB
7f649f8be000-7f649f8c0000 r--p 00000000 fe:00 3 /usr/local/bin/mail profile.old
Anonymous:             0 kB
`
	want := []fileSpan{{0x00400000, 0x00ef0000}, {0x00ef0000, 0x01b57000}}
	if got := releasableSpans(smaps, exe); !reflect.DeepEqual(got, want) {
		t.Errorf("releasableSpans(%q) = %x, want %x (read-only, no private copy, this executable only)", exe, got, want)
	}
	if got := releasableSpans("", exe); len(got) != 0 {
		t.Errorf("releasableSpans(empty) = %x, want none", got)
	}
}
