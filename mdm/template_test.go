package mdm

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

var testOptions = profile.Options{
	IdentifierPrefix: "com.example.mailprofile",
	Organization:     "Example IT",
	Texts:            profile.Texts{DisplayName: profile.DefaultDisplayName, Description: profile.DefaultDescription},
	Secret:           []byte("0123456789abcdef0123456789abcdef"),
}

// sample is the user an MDM fills a template in for: a quote, an
// ampersand and markup where the XML must escape them.
var sample = struct{ local, name string }{local: "o'brien.k", name: `Ann "Kit" O'Brien & Co <x>`}

// templateFor builds the template of domain and kind from the built-in
// catalog, as cmd and web do.
func templateFor(t *testing.T, domain string, kind profile.Protocol, v Vendor) ([]byte, error) {
	t.Helper()
	catalog, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	addr, err := profile.TemplateAddress(domain)
	if err != nil {
		t.Fatal(err)
	}
	found, err := catalog.Find(context.Background(), addr, kind)
	if err != nil {
		t.Fatalf("Find(%s, %s): %v", domain, kind, err)
	}
	return Template(found.Account(addr, kind, ""), v, testOptions)
}

// fill does what the MDM does: each variable replaced by the user's
// value, XML-escaped, the longest variable first ($EMAIL_PREFIX before
// $EMAIL).
func fill(doc string, ph profile.Placeholders, domain string) string {
	return fillWith(doc, ph, domain, func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	})
}

// fillWith is fill with esc in place of XML's escaping.
func fillWith(doc string, ph profile.Placeholders, domain string, esc func(string) string) string {
	pairs := [][2]string{{ph.Address, esc(sample.local + "@" + domain)}, {ph.LocalPart, esc(sample.local)}, {ph.Name, esc(sample.name)}}
	for i := range pairs {
		for j := i + 1; j < len(pairs); j++ {
			if len(pairs[j][0]) > len(pairs[i][0]) {
				pairs[i], pairs[j] = pairs[j], pairs[i]
			}
		}
	}
	for _, p := range pairs {
		if p[0] != "" {
			doc = strings.ReplaceAll(doc, p[0], p[1])
		}
	}
	return doc
}

// everyVendor is each documented vendor and a generic one.
func everyVendor(t *testing.T) []Vendor {
	t.Helper()
	g, err := Lookup(Generic, profile.Placeholders{Address: "@@mail@@", Name: "@@name@@", LocalPart: "@@local@@"})
	if err != nil {
		t.Fatal(err)
	}
	return append(Vendors(), g)
}

func TestTemplateEveryVendor(t *testing.T) {
	for _, v := range everyVendor(t) {
		for _, tt := range []struct {
			domain string
			kind   profile.Protocol
		}{{"btinternet.com", profile.IMAP}, {"btinternet.com", profile.POP}, {"outlook.com", profile.Exchange}, {"gmail.com", profile.Google}, {"web.de", profile.IMAP}} {
			t.Run(v.ID+"/"+tt.domain+"/"+string(tt.kind), func(t *testing.T) {
				doc, err := templateFor(t, tt.domain, tt.kind, v)
				if v.Variables.LocalPart == "" && tt.domain == "web.de" {
					var mv *MissingVariableError
					if !errors.As(err, &mv) {
						t.Fatalf("Template(%s, web.de) = %v, want a *MissingVariableError", v.ID, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("Template: %v", err)
				}
				filled := fill(string(doc), v.Variables, tt.domain)
				onlyVariablesDiffer(t, doc, []byte(filled), v.Variables, tt.domain)
				// The shared checker starts a Python each time: every vendor
				// on BT's IMAP (the test), every kind for one vendor.
				if tt.domain == "btinternet.com" && tt.kind == profile.IMAP || v.ID == Generic {
					verifyProfile(t, []byte(filled))
				}
			})
		}
	}
}

// onlyVariablesDiffer decodes the template and the filled-in profile and
// checks that they have the same keys and values, but for strings that
// hold a variable and equal the filled-in string once it is replaced.
func onlyVariablesDiffer(t *testing.T, tmpl, filled []byte, ph profile.Placeholders, domain string) {
	t.Helper()
	var a, b any
	if _, err := plist.Unmarshal(tmpl, &a); err != nil {
		t.Fatalf("the template is no plist: %v\n%s", err, tmpl)
	}
	if _, err := plist.Unmarshal(filled, &b); err != nil {
		t.Fatalf("the filled-in template is no plist: %v\n%s", err, filled)
	}
	vars := 0
	var walk func(where string, x, y any)
	walk = func(where string, x, y any) {
		switch x := x.(type) {
		case map[string]any:
			ym, ok := y.(map[string]any)
			if !ok || len(ym) != len(x) {
				t.Errorf("%s: %v, filled in %v", where, x, y)
				return
			}
			for k, v := range x {
				walk(where+"."+k, v, ym[k])
			}
		case []any:
			ys, ok := y.([]any)
			if !ok || len(ys) != len(x) {
				t.Errorf("%s: %v, filled in %v", where, x, y)
				return
			}
			for i := range x {
				walk(where, x[i], ys[i])
			}
		case string:
			if x == y {
				return
			}
			vars++
			if fillWith(x, ph, domain, func(s string) string { return s }) != y {
				t.Errorf("%s = %q in the template, %q filled in: more than the variables differ", where, x, y)
			}
		default:
			if !reflect.DeepEqual(x, y) {
				t.Errorf("%s = %v in the template, %v filled in", where, x, y)
			}
		}
	}
	walk("", a, b)
	if vars == 0 {
		t.Error("the template holds no variable")
	}
}

// verifyProfile runs ../shared/tools/verify-profile on an unsigned
// profile: every key against Apple's schema, no password.
func verifyProfile(t *testing.T, doc []byte) {
	t.Helper()
	tool := filepath.Join("..", "..", "shared", "tools", "verify-profile")
	if _, err := os.Stat(tool); err != nil {
		t.Log("skipping the shared profile checker: ../shared is not beside this clone")
		return
	}
	if exec.Command("python3", "-c", "import yaml").Run() != nil {
		t.Skip("no python3 with PyYAML: run scripts/test, which installs python3-yaml")
	}
	path := filepath.Join(t.TempDir(), "filled.mobileconfig")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("python3", tool, path, "--unsigned-ok").CombinedOutput(); err != nil {
		t.Errorf("verify-profile: %v\n%s\n%s", err, out, doc)
	}
}

func TestTemplateRefusesMissingLocalPart(t *testing.T) {
	for _, id := range []string{"jamf-pro", "addigy"} {
		v, err := Lookup(id, profile.Placeholders{})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := templateFor(t, "web.de", profile.IMAP, v)
		want := v.Name + " cannot fill IncomingMailServerUsername: WEB.DE signs in with the part of the address before the @, and " + v.Name + " has no variable for it"
		if err == nil || err.Error() != want {
			t.Errorf("Template(%s, web.de) = %d bytes, %v; want %q", id, len(doc), err, want)
		}
	}
}

func TestTemplateStableIdentifiers(t *testing.T) {
	jamf, _ := Lookup("jamf-pro", profile.Placeholders{})
	intune, _ := Lookup("intune", profile.Placeholders{})
	ids := func(doc []byte) [2]string {
		t.Helper()
		var m struct {
			ID   string `plist:"PayloadIdentifier"`
			UUID string `plist:"PayloadUUID"`
		}
		if _, err := plist.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		return [2]string{m.ID, m.UUID}
	}
	a, err := templateFor(t, "btinternet.com", profile.IMAP, jamf)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := templateFor(t, "btinternet.com", profile.IMAP, jamf)
	if !bytes.Equal(a, again) {
		t.Error("two builds of one template differ")
	}
	if got, want := ids(a)[0], "com.example.mailprofile.mdm.jamf-pro.btinternet.com.imap"; got != want {
		t.Errorf("PayloadIdentifier = %q, want %q", got, want)
	}
	seen := map[string]string{ids(a)[0]: "jamf-pro imap", ids(a)[1]: "jamf-pro imap"}
	for _, o := range []struct {
		what   string
		domain string
		kind   profile.Protocol
		v      Vendor
	}{{"intune imap", "btinternet.com", profile.IMAP, intune}, {"jamf-pro pop", "btinternet.com", profile.POP, jamf}, {"jamf-pro gmx", "gmx.net", profile.IMAP, jamf}} {
		doc, err := templateFor(t, o.domain, o.kind, o.v)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids(doc) {
			if other, ok := seen[id]; ok {
				t.Errorf("%s and %s share the identifier %s", o.what, other, id)
			}
			seen[id] = o.what
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		ph      profile.Placeholders
		want    string
		wantErr string
	}{
		{name: "Jamf Pro", id: "jamf-pro", want: "$EMAIL"},
		{name: "generic", id: Generic, ph: profile.Placeholders{Address: "%mail%"}, want: "%mail%"},
		{name: "generic without address", id: Generic, wantErr: "address-variable: the generic vendor needs"},
		{name: "unknown", id: "Jamf", wantErr: `vendor: unknown vendor "Jamf": choose jamf-pro, jamf-school, intune, kandji, workspace-one, addigy, generic`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Lookup(tt.id, tt.ph)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Lookup(%q) = %v, %v; want %q", tt.id, v, err, tt.wantErr)
				}
				return
			}
			if err != nil || v.Variables.Address != tt.want {
				t.Fatalf("Lookup(%q) = %+v, %v; want address %q", tt.id, v, err, tt.want)
			}
		})
	}
}
