package provider

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

func builtinCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := NewCatalog(Builtin())
	if err != nil {
		t.Fatalf("NewCatalog(Builtin()) error = %v", err)
	}
	return c
}

func TestBuiltinCatalog(t *testing.T) {
	c := builtinCatalog(t)
	if w := c.Warnings(); len(w) != 0 {
		t.Errorf("Warnings() = %q, want none for the built-in catalog", w)
	}
	ds := c.Domains()
	if len(ds) != c.Len() || !sort.StringsAreSorted(ds) {
		t.Errorf("Domains() has %d entries (sorted %v), Len() = %d", len(ds), sort.StringsAreSorted(ds), c.Len())
	}
	for _, p := range c.Providers() {
		if !strings.HasPrefix(p.Source, "built-in catalog (") {
			t.Errorf("provider %s Source = %q, want built-in catalog", p.ID, p.Source)
		}
		if p.DocURL == "" && p.ID != "office365.com" && p.ID != "gmx.com" && p.ID != "mail.ru" {
			t.Errorf("provider %s has no documentation link", p.ID)
		}
	}
}

func TestLookup(t *testing.T) {
	c := builtinCatalog(t)
	tests := []struct {
		domain string
		want   string // provider ID
	}{
		{domain: "btinternet.com", want: "btinternet.com"},
		{domain: "btopenworld.com", want: "btinternet.com"},
		{domain: "talk21.com", want: "btinternet.com"},
		{domain: "BTInternet.COM", want: "btinternet.com"},
		{domain: "btinternet.com.", want: "btinternet.com"},
		{domain: "googlemail.com", want: "gmail.com"},
		{domain: "hotmail.co.uk", want: "outlook.com"},
		{domain: "me.com", want: "icloud.com"},
		{domain: "gmx.de", want: "gmx.net"},
		{domain: "gmx.com", want: "gmx.com"},
		{domain: "fastmail.fm", want: "fastmail.com"},
	}
	for _, tt := range tests {
		t.Run(tt.domain, func(t *testing.T) {
			p, err := c.Lookup(tt.domain)
			if err != nil || p.ID != tt.want {
				t.Errorf("Lookup(%q) = %v, %v, want provider %s", tt.domain, p, err, tt.want)
			}
		})
	}
}

func TestLookupNotFound(t *testing.T) {
	c := builtinCatalog(t)
	for _, d := range []string{"example.org", "", "mail.btinternet.com", "com"} {
		p, err := c.Lookup(d)
		var nf *NotFoundError
		if p != nil || !errors.Is(err, ErrNotFound) || !errors.As(err, &nf) {
			t.Errorf("Lookup(%q) = %v, %v, want *NotFoundError", d, p, err)
		}
	}
	_, err := c.Lookup("Example.ORG")
	if want := "no settings are known for example.org"; err == nil || err.Error() != want {
		t.Errorf("Lookup(%q) error = %v, want %q", "Example.ORG", err, want)
	}
}

const operatorBT = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="bt-operator">
  <domain>btinternet.com</domain>
  <displayName>BT Mail (operator)</displayName>
  <incomingServer type="imap"><hostname>imap.bt.example</hostname><port>993</port>
    <socketType>SSL</socketType><authentication>password-cleartext</authentication>
    <username>%EMAILADDRESS%</username></incomingServer>
  <incomingServer type="imap"><hostname>bad host</hostname><port>993</port>
    <socketType>SSL</socketType><authentication>password-cleartext</authentication></incomingServer>
  <outgoingServer type="smtp"><hostname>smtp.bt.example</hostname><port>465</port>
    <socketType>SSL</socketType><authentication>password-cleartext</authentication>
    <username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`

const operatorNew = `<clientConfig version="1.1"><emailProvider id="example.org">
  <domain>Example.ORG</domain>
  <incomingServer type="imap"><hostname>mail.example.org</hostname><port>143</port>
    <socketType>STARTTLS</socketType><authentication>password-cleartext</authentication></incomingServer>
  <outgoingServer type="smtp"><hostname>mail.example.org</hostname><port>587</port>
    <socketType>STARTTLS</socketType><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`

func TestOperatorOverride(t *testing.T) {
	op := fstest.MapFS{
		"bt.xml":          {Data: []byte(operatorBT)},
		"example.xml":     {Data: []byte(operatorNew)},
		"README.txt":      {Data: []byte("not a catalog file")},
		"sub/ignored.xml": {Data: []byte("not even XML")},
	}
	c, err := NewCatalog(Builtin(), op)
	if err != nil {
		t.Fatalf("NewCatalog() error = %v", err)
	}
	checkOverride(t, c, "bt.xml")
}

func TestOperatorOverrideDirFS(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"bt.xml": operatorBT, "example.xml": operatorNew} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := NewCatalog(Builtin(), os.DirFS(dir))
	if err != nil {
		t.Fatalf("NewCatalog() error = %v", err)
	}
	checkOverride(t, c, "bt.xml")
}

func checkOverride(t *testing.T, c *Catalog, file string) {
	t.Helper()
	tests := []struct {
		domain   string
		wantID   string
		wantHost string
	}{
		{domain: "btinternet.com", wantID: "bt-operator", wantHost: "imap.bt.example"},
		{domain: "btopenworld.com", wantID: "btinternet.com", wantHost: "mail.btinternet.com"}, // not listed by the operator
		{domain: "example.org", wantID: "example.org", wantHost: "mail.example.org"},
	}
	for _, tt := range tests {
		p, err := c.Lookup(tt.domain)
		if err != nil || p.ID != tt.wantID || p.Incoming[0].Hostname != tt.wantHost {
			t.Errorf("Lookup(%q) = %+v, %v, want %s with host %s", tt.domain, p, err, tt.wantID, tt.wantHost)
		}
	}
	if p, _ := c.Lookup("btinternet.com"); p.Source != file {
		t.Errorf("Lookup(%q).Source = %q, want %q", "btinternet.com", p.Source, file)
	}
	w := c.Warnings()
	if len(w) != 1 || !strings.HasPrefix(w[0], file+": bt-operator: incoming server 2 (imap) dropped") {
		t.Errorf("Warnings() = %q, want one for the bad server in %s", w, file)
	}
}

func TestNewCatalogErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{name: "broken XML", fsys: fstest.MapFS{"good.xml": {Data: []byte(operatorNew)}, "broken.xml": {Data: []byte("<clientConfig><emailProvider>")}}, want: "catalog file broken.xml: not valid XML"},
		{name: "no domain", fsys: fstest.MapFS{"nodomain.xml": {Data: []byte("<clientConfig><emailProvider/></clientConfig>")}}, want: "catalog file nodomain.xml: emailProvider 1"},
		{name: "too large", fsys: fstest.MapFS{"big.xml": {Data: make([]byte, MaxFileSize+10)}}, want: "catalog file big.xml: file is 1048577 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCatalog(Builtin(), tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewCatalog() = %v, %v, want error containing %q", c, err, tt.want)
			}
		})
	}
}

func TestNewCatalogMissingFolder(t *testing.T) {
	_, err := NewCatalog(os.DirFS(filepath.Join(t.TempDir(), "absent")))
	if err == nil || !strings.Contains(err.Error(), "read catalog folder") {
		t.Errorf("NewCatalog(absent folder) error = %v, want a read error", err)
	}
}

func TestDuplicateDomainWithinSource(t *testing.T) {
	c, err := NewCatalog(fstest.MapFS{
		"a.xml": {Data: []byte(operatorNew)},
		"b.xml": {Data: []byte(strings.Replace(operatorNew, `id="example.org"`, `id="second"`, 1))},
	})
	if err != nil {
		t.Fatalf("NewCatalog() error = %v", err)
	}
	if p, _ := c.Lookup("example.org"); p == nil || p.ID != "second" {
		t.Errorf("Lookup(%q) = %v, want the later file's entry", "example.org", p)
	}
	if w := c.Warnings(); len(w) != 1 || !strings.Contains(w[0], "also listed in a.xml") {
		t.Errorf("Warnings() = %q, want one about the duplicate", w)
	}
	if n := len(c.Providers()); n != 1 {
		t.Errorf("Providers() has %d entries, want 1 (the overridden one serves no domain)", n)
	}
}
