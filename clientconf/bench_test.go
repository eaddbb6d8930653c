package clientconf

import (
	"testing"
)

func BenchmarkAutoconfig(b *testing.B) {
	e := entry(b, builtin(b), "btinternet.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Autoconfig(e, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAutodiscover(b *testing.B) {
	e := entry(b, builtin(b), "btinternet.com")
	a := address(b, "someone@btinternet.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Autodiscover(e, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseAutodiscoverRequest(b *testing.B) {
	body := []byte(outlookRequest)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseAutodiscoverRequest(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPACC(b *testing.B) {
	e := entry(b, builtin(b), "btinternet.com")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PACC(e); err != nil {
			b.Fatal(err)
		}
	}
}
