package main

import (
	"reflect"
	"testing"
)

func TestReleasableSpans(t *testing.T) {
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
01c2a000-03c69000 rw-p 00000000 00:00 0
Rss:                 212 kB
Anonymous:           212 kB
7f649f768000-7f649f8be000 r-xp 00026000 fe:00 2 /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                 920 kB
Anonymous:             0 kB
7f649f911000-7f649f915000 r--p 001cf000 fe:00 2 /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                  16 kB
Anonymous:            16 kB
7f649f920000-7f649f940000 r--s 00000000 fe:00 3 /var/lib/mailprofile/db-shm
Anonymous:             0 kB
7f649f953000-7f649f957000 r--p 00000000 00:00 0                          [vvar]
Anonymous:             0 kB
7f649f959000-7f649f95b000 r-xp 00000000 00:00 0                          [vdso]
Anonymous:             0 kB
7f649f960000-7f649f961000 r--p 00000000 00:00 0
Anonymous:             0 kB
`
	// The executable's code and read-only data and libc's code; not what
	// is writable, shared, relocated (an anonymous page), or not a file.
	want := []fileSpan{{0x00400000, 0x00ef0000}, {0x00ef0000, 0x01b57000}, {0x7f649f768000, 0x7f649f8be000}}
	if got := releasableSpans(smaps); !reflect.DeepEqual(got, want) {
		t.Errorf("releasableSpans() = %x, want %x", got, want)
	}
	if got := releasableSpans(""); len(got) != 0 {
		t.Errorf("releasableSpans(empty) = %x, want none", got)
	}
}
