package profile

import (
	"strings"
	"testing"
)

// TestAppendBuildAllocs bounds the allocations of building an IMAP
// profile into a buffer with room: the strings the plist is made of (the
// expanded texts, the identifiers, the UUIDs); 16 before issue 16. It
// runs once for every uncached download; web's BenchmarkDownload shows
// what each one costs.
func TestAppendBuildAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	acct := btAccount(t, "Some.One@btinternet.com", IMAP, "Some One")
	buf := make([]byte, 0, 8192)
	const want = 7
	n := testing.AllocsPerRun(100, func() {
		if _, err := AppendBuild(buf, acct, testOptions); err != nil {
			t.Fatal(err)
		}
	})
	if n > want {
		t.Errorf("AppendBuild(%s) makes %v allocations, want at most %d", acct.Address, n, want)
	}
}

// addressIdentifierSeeds cover ASCII in both cases, characters escaped,
// and addresses that strings.ToLower changes beyond ASCII.
var addressIdentifierSeeds = []Address{
	{"Some.One", "btinternet.com"},
	{"a_b+c", "Example.COM"},
	{`"x y"`, "xn--bcher-kva.example"},
	{"\u212aelvin\u0130", "example.com"},
	{"caf\u00e9\xff", "example.com"},
}

func TestAppendAddressIdentifier(t *testing.T) {
	for _, a := range addressIdentifierSeeds {
		checkAddressIdentifier(t, "com.example.mailprofile", a)
	}
}

func FuzzAppendAddressIdentifier(f *testing.F) {
	for _, a := range addressIdentifierSeeds {
		f.Add("com.example", a.Local, a.Domain)
	}
	f.Fuzz(func(t *testing.T, prefix, local, domain string) {
		checkAddressIdentifier(t, prefix, Address{Local: local, Domain: domain})
	})
}

// checkAddressIdentifier holds appendAddressIdentifier, and the
// identifiers made with it, to the strings they were first made of.
func checkAddressIdentifier(t *testing.T, prefix string, a Address) {
	t.Helper()
	id := prefix + "." + escapeIdentifier(strings.ToLower(a.String()))
	if got := string(appendAddressIdentifier(nil, prefix, a)); got != id {
		t.Errorf("appendAddressIdentifier(%q, %q) = %q, want %q", prefix, a, got, id)
	}
	secret := []byte("0123456789abcdef")
	for _, p := range []Protocol{IMAP, Exchange} {
		got := deriveIdentifiers(prefix, secret, Account{Address: a, Protocol: p})
		if want := identifiersFor(id, secret, p, 0); got != want {
			t.Errorf("deriveIdentifiers(%q, %q, %s) = %+v, want %+v", prefix, a, p, got, want)
		}
	}
	ident, uuid := serviceIdentifiers(prefix, secret, a, ServiceContacts)
	if want := id + ".carddav"; ident != want || uuid != derivedUUID(secret, id, "carddav") {
		t.Errorf("serviceIdentifiers(%q, %q) = %q, %q; want %q, %q", prefix, a, ident, uuid, want, derivedUUID(secret, id, "carddav"))
	}
}

// TestParseAddressAllocs bounds the allocations of parsing a usual
// address: it runs for every request. The domain's labels are checked
// without a slice of them.
func TestParseAddressAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	const in, want = "someone@btinternet.com", 0
	n := testing.AllocsPerRun(100, func() {
		if _, err := ParseAddress(in); err != nil {
			t.Fatal(err)
		}
	})
	if n > want {
		t.Errorf("ParseAddress(%q) makes %v allocations, want at most %d", in, n, want)
	}
}
