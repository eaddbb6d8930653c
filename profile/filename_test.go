package profile

import (
	"strings"
	"testing"
)

// fileNameRef is FileName as it was written first, through Key and a
// strings.Builder: the reference AppendFileName is held to.
func fileNameRef(a Address) string {
	var b strings.Builder
	for _, r := range a.Key() {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_', r == '@', r == '+':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.Trim(b.String(), ".")
	if len(name) > 200 {
		name = name[:200]
	}
	return name + ".mobileconfig"
}

var fileNameSeeds = []Address{
	{"someone", "btinternet.com"},
	{"Some.One", "btinternet.com"},
	{".dots.", "example.com."},
	{"...", "..."},
	{"\u212aelvin\u0130", "example.com"}, // lower-case to ASCII k and i
	{"caf\u00e9\xff", "xn--bcher-kva.example"},
	{strings.Repeat("A", 64), strings.Repeat("b", 250)},
	{strings.Repeat("x", 300), "example.com"}, // past the stack buffer
}

func TestAppendFileName(t *testing.T) {
	for _, a := range fileNameSeeds {
		want := fileNameRef(a)
		if got := FileName(a); got != want {
			t.Errorf("FileName(%q) = %q, want %q", a, got, want)
		}
		prefix := "attachment; filename="
		if got := string(AppendFileName([]byte(prefix), a)); got != prefix+want {
			t.Errorf("AppendFileName(%q, %q) = %q, want %q", prefix, a, got, prefix+want)
		}
	}
}

// TestFileNameAllocs holds FileName to one allocation, its string: it
// runs twice for every download.
func TestFileNameAllocs(t *testing.T) {
	a := Address{Local: "Some.One", Domain: "btinternet.com"}
	if n := testing.AllocsPerRun(100, func() { _ = FileName(a) }); n != 1 {
		t.Errorf("FileName(%q) makes %v allocations, want 1", a, n)
	}
}

func FuzzFileName(f *testing.F) {
	for _, a := range fileNameSeeds {
		f.Add(a.Local, a.Domain)
	}
	f.Fuzz(func(t *testing.T, local, domain string) {
		a := Address{Local: local, Domain: domain}
		if got, want := FileName(a), fileNameRef(a); got != want {
			t.Errorf("FileName(%q) = %q, want %q", a, got, want)
		}
	})
}
