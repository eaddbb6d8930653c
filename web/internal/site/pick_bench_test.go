package site

import "testing"

// BenchmarkPickLanguage is what the fast path of a cached download adds
// to choose the profile's language from a browser's Accept-Language.
func BenchmarkPickLanguage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if code, _ := PickLanguage("", "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"); code != "de" {
			b.Fatalf("PickLanguage = %q", code)
		}
	}
}
