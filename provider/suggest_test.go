package provider

import (
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	known := builtinCatalog(t).Domains()
	tests := []struct {
		name   string
		domain string
		want   string
	}{
		{name: "two letters swapped", domain: "btinterent.com", want: "btinternet.com"},
		{name: "swap at the start", domain: "gmial.com", want: "gmail.com"},
		{name: "com typed con", domain: "btinternet.con", want: "btinternet.com"},
		{name: "com typed cmo", domain: "gmail.cmo", want: "gmail.com"},
		{name: "com typed co", domain: "yahoo.co", want: "yahoo.com"},
		{name: "co.uk for com", domain: "btinternet.co.uk", want: "btinternet.com"},
		{name: "unknown TLD one key off", domain: "icloud.cpm", want: "icloud.com"},
		{name: "key beside the right one", domain: "hotmaul.com", want: "hotmail.com"},
		{name: "letter left out", domain: "gmal.com", want: "gmail.com"},
		{name: "letter doubled", domain: "yahooo.com", want: "yahoo.com"},
		{name: "two slips", domain: "gmial.con", want: "gmail.com"},
		{name: "upper case and a trailing dot", domain: "GMIAL.com.", want: "gmail.com"},
		{name: "known domain", domain: "gmail.com", want: ""},
		{name: "far from every domain", domain: "nowhere.example", want: ""},
		{name: "a real domain of another country", domain: "web.at", want: ""},
		{name: "another real TLD is no slip", domain: "gmail.de", want: ""},
		{name: "three edits away", domain: "gxxxl.com", want: ""},
		{name: "short name, two edits", domain: "zz.ru", want: ""},
		{name: "empty", domain: "", want: ""},
		{name: "too long", domain: strings.Repeat("a", MaxSuggestInput) + ".com", want: ""},
		{name: "no dot", domain: "gmial", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Suggest(tt.domain, known); got != tt.want {
				t.Errorf("Suggest(%q) = %q, want %q", tt.domain, got, tt.want)
			}
		})
	}
}

func TestSuggestIgnoresOrder(t *testing.T) {
	a := Suggest("gmx.dr", []string{"gmx.de", "gmx.fr"})
	b := Suggest("gmx.dr", []string{"gmx.fr", "gmx.de"})
	if a != b || a == "" {
		t.Errorf("Suggest(%q) = %q and %q by the order of known, want one answer", "gmx.dr", a, b)
	}
}

func TestNearKeys(t *testing.T) {
	tests := []struct {
		a, b byte
		want bool
	}{
		{'n', 'm', true}, {'m', 'n', true}, {'a', 'q', true}, {'a', 'w', true}, {'a', 'z', true},
		{'j', 'n', true}, {'a', 'e', false}, {'q', 'p', false}, {'.', 'm', false}, {'a', 'a', false},
	}
	for _, tt := range tests {
		if got := nearKeys(tt.a, tt.b); got != tt.want {
			t.Errorf("nearKeys(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzSuggest(f *testing.F) {
	known := builtinCatalog(f).Domains()
	for _, s := range []string{"gmial.com", "btinternet.con", "nowhere.example", "", ".", "a.co.uk", "\xff.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, domain string) {
		got := Suggest(domain, known)
		if got == "" {
			return
		}
		if len(domain) > MaxSuggestInput {
			t.Fatalf("Suggest(%q) = %q for input over the bound", domain, got)
		}
		found := false
		for _, k := range known {
			found = found || k == got
		}
		if !found {
			t.Fatalf("Suggest(%q) = %q, not a known domain", domain, got)
		}
	})
}
