package clientconf

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/mailprofile/mailprofile/internal/goldentest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or writes it there with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldentest.Check(t, "clientconf", name, got, *update)
}

func builtin(t testing.TB) *provider.Catalog {
	t.Helper()
	c, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// entry is the catalog's entry for domain, as the server makes it.
func entry(t testing.TB, c *provider.Catalog, domain string) Entry {
	t.Helper()
	p, err := c.Lookup(domain)
	if err != nil {
		t.Fatalf("Lookup(%q) error = %v", domain, err)
	}
	return Entry{Provider: p, Domain: domain, Domains: c.DomainsOf(p)}
}

// operator is the built-in catalog with the operator's files in
// testdata/providers, as --providers loads them.
func operator(t testing.TB) *provider.Catalog {
	t.Helper()
	c, err := provider.NewCatalog(provider.Builtin(), os.DirFS(filepath.Join("testdata", "providers")))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func address(t testing.TB, s string) profile.Address {
	t.Helper()
	a, err := profile.ParseAddress(s)
	if err != nil {
		t.Fatalf("ParseAddress(%q) error = %v", s, err)
	}
	return a
}

// TestGolden renders every format for BT (IMAP 993, POP3 995 and SMTP 465
// with implicit TLS, the full address as user name), WEB.DE (SMTP with
// STARTTLS first, the local part as user name), Gmail (OAuth2 first, the
// Google account), Outlook.com (OAuth2 only, an Exchange server),
// Fastmail (calendars and contacts) and an operator's file
// (testdata/providers: STARTTLS before implicit TLS, %EMAILDOMAIN% in
// host names, a plain-text server, calendars and contacts with
// placeholders).
func TestGolden(t *testing.T) {
	c := builtin(t)
	tests := []struct {
		file   string
		render func(t *testing.T) ([]byte, error)
	}{
		{"autoconfig-btinternet.com.xml", func(t *testing.T) ([]byte, error) { return Autoconfig(entry(t, c, "btinternet.com"), nil) }},
		{"autoconfig-btinternet.com-address.xml", func(t *testing.T) ([]byte, error) {
			a := address(t, "someone@btinternet.com")
			return Autoconfig(entry(t, c, "btinternet.com"), &a)
		}},
		{"autoconfig-web.de.xml", func(t *testing.T) ([]byte, error) { return Autoconfig(entry(t, c, "web.de"), nil) }},
		{"autoconfig-web.de-address.xml", func(t *testing.T) ([]byte, error) {
			a := address(t, "fred.smith@web.de")
			return Autoconfig(entry(t, c, "web.de"), &a)
		}},
		{"autoconfig-fastmail.com.xml", func(t *testing.T) ([]byte, error) { return Autoconfig(entry(t, c, "fastmail.com"), nil) }},
		{"autoconfig-fastmail.com-address.xml", func(t *testing.T) ([]byte, error) {
			a := address(t, "someone@fastmail.com")
			return Autoconfig(entry(t, c, "fastmail.com"), &a)
		}},
		{"autoconfig-example.org-address.xml", func(t *testing.T) ([]byte, error) {
			a := address(t, "Fred.Smith@example.org")
			return Autoconfig(entry(t, operator(t), "example.org"), &a)
		}},
		{"autoconfig-gmail.com.xml", func(t *testing.T) ([]byte, error) { return Autoconfig(entry(t, c, "gmail.com"), nil) }},
		{"autoconfig-outlook.com-address.xml", func(t *testing.T) ([]byte, error) {
			a := address(t, "someone@outlook.com")
			return Autoconfig(entry(t, c, "outlook.com"), &a)
		}},
		{"autodiscover-btinternet.com.xml", func(t *testing.T) ([]byte, error) {
			return Autodiscover(entry(t, c, "btinternet.com"), address(t, "someone@btinternet.com"))
		}},
		{"autodiscover-web.de.xml", func(t *testing.T) ([]byte, error) {
			return Autodiscover(entry(t, c, "web.de"), address(t, "fred.smith@web.de"))
		}},
		{"autodiscover-error.xml", func(t *testing.T) ([]byte, error) {
			return AutodiscoverError(ErrorCodeNotFound, "The email address can't be found."), nil
		}},
		{"autodiscover-v2-btinternet.com.json", func(t *testing.T) ([]byte, error) { return AutodiscoverV2("btinternet.com"), nil }},
		{"autodiscover-v2-error.json", func(t *testing.T) ([]byte, error) {
			return AutodiscoverV2Error("InvalidProtocol", "The given protocol value is invalid. Supported values are 'AutodiscoverV1'."), nil
		}},
		{"pacc-btinternet.com.json", func(t *testing.T) ([]byte, error) { return PACC(entry(t, c, "btinternet.com")) }},
		{"pacc-example.org.json", func(t *testing.T) ([]byte, error) { return PACC(entry(t, operator(t), "example.org")) }},
		{"autoconfig-example.org.xml", func(t *testing.T) ([]byte, error) { return Autoconfig(entry(t, operator(t), "example.org"), nil) }},
		{"autodiscover-example.org.xml", func(t *testing.T) ([]byte, error) {
			return Autodiscover(entry(t, operator(t), "example.org"), address(t, "fred@example.org"))
		}},
		{"dns-example.org.zone", func(t *testing.T) ([]byte, error) { return zoneText(t, entry(t, operator(t), "example.org")) }},
		{"dns-btinternet.com.zone", func(t *testing.T) ([]byte, error) { return zoneText(t, entry(t, c, "btinternet.com")) }},
		{"dns-web.de.zone", func(t *testing.T) ([]byte, error) { return zoneText(t, entry(t, c, "web.de")) }},
		{"dns-btinternet.com.json", func(t *testing.T) ([]byte, error) {
			z, err := Records(entry(t, c, "btinternet.com"), "setup.example.net")
			if err != nil {
				return nil, err
			}
			return json.MarshalIndent(z, "", "  ")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := tt.render(t)
			if err != nil {
				t.Fatalf("render %s: %v", tt.file, err)
			}
			golden(t, tt.file, got)
		})
	}
}

func zoneText(t *testing.T, e Entry) ([]byte, error) {
	t.Helper()
	z, err := Records(e, "setup.example.net")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = z.WriteZone(&buf)
	return buf.Bytes(), err
}

// TestREADMESample keeps the README's sample of `mailprofile dns` the
// command's real output.
func TestREADMESample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	const start = "$ mailprofile dns --public-host setup.example.net btinternet.com\n"
	i := bytes.Index(readme, []byte(start))
	if i < 0 {
		t.Fatalf("README.md has no %q sample", start)
	}
	sample := readme[i+len(start):]
	sample = sample[:bytes.Index(sample, []byte("```"))]
	want, err := os.ReadFile(filepath.Join("testdata", "dns-btinternet.com.zone"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sample, want) {
		t.Errorf("README.md's sample differs from testdata/dns-btinternet.com.zone:\n%s", sample)
	}
}
