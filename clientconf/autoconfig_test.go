package clientconf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// specDir holds the IETF draft's RELAX NG schema, in shared/ beside the
// clone.
const specDir = "../../shared/spec/autoconfig"

// TestAutoconfigRelaxNG validates every autoconfig golden file against
// the draft's schema with jing, an independent validator.
func TestAutoconfigRelaxNG(t *testing.T) {
	rnc := filepath.Join(specDir, "autoconfig.rnc")
	if _, err := os.Stat(rnc); err != nil {
		t.Skip("../shared/spec/autoconfig not found: shared/ is not beside this clone")
	}
	jing, err := exec.LookPath("jing")
	if err != nil {
		t.Skip("jing not installed (Debian: apt-get install jing)")
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "autoconfig-*.xml"))
	if len(files) == 0 {
		t.Fatal("no autoconfig golden files")
	}
	out, err := exec.Command(jing, append([]string{"-c", rnc}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("jing -c autoconfig.rnc: %v\n%s", err, out)
	}
}

// TestAutoconfigStructure checks the element names against those the
// schema defines and the order against the draft's examples: what jing
// cannot check, since the schema accepts unknown elements in any order.
func TestAutoconfigStructure(t *testing.T) {
	rnc, err := os.ReadFile(filepath.Join(specDir, "autoconfig.rnc"))
	if err != nil {
		t.Skip("../shared/spec/autoconfig not found: shared/ is not beside this clone")
	}
	defined := schemaNames(t, rnc)
	// Thunderbird's extensions and mailprofile's (in its own namespace),
	// which the schema admits as unknown elements; addressBook is
	// Thunderbird's and the draft sample's spelling of the schema's
	// addressbook.
	extensions := []string{"enable", "instruction", "webMail", "loginPage", "accounts", "google", "addressBook"}
	order := map[string][]string{
		"clientConfig":   {"emailProvider", "calendar", "addressBook", "oAuth2"},
		"emailProvider":  {"domain", "displayName", "displayShortName", "incomingServer", "outgoingServer", "documentation", "enable", "webMail", "accounts"},
		"incomingServer": {"hostname", "port", "socketType", "authentication", "username"},
		"outgoingServer": {"hostname", "port", "socketType", "authentication", "username"},
		"oAuth2":         {"issuer", "scope", "authURL", "tokenURL"},
		"calendar":       {"url", "authentication", "username"},
		"addressBook":    {"url", "authentication", "username"},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "autoconfig-*.xml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s starts with a byte order mark; the draft says UTF-8 without", f)
		}
		for parent, children := range childNames(t, data) {
			for _, c := range children {
				if !slices.Contains(defined, c) && !slices.Contains(extensions, c) {
					t.Errorf("%s: <%s> in <%s> is not an element of the schema", f, c, parent)
				}
			}
			if want, ok := order[parent]; ok && !inOrder(children, want) {
				t.Errorf("%s: children of <%s> are %q, want them in the order %q", f, parent, children, want)
			}
		}
	}
}

// schemaNames are the element names the schema defines, from its list of
// names that extension elements must not have.
func schemaNames(t *testing.T, rnc []byte) []string {
	t.Helper()
	m := regexp.MustCompile(`(?s)element \* - \((.*?)\)`).FindSubmatch(rnc)
	if m == nil {
		t.Fatal("autoconfig.rnc: no extensionElement name list")
	}
	var names []string
	for _, n := range strings.FieldsFunc(string(m[1]), func(r rune) bool { return r == '|' || r == ' ' || r == '\n' }) {
		names = append(names, n)
	}
	return names
}

// childNames maps each element name to its children's names, in order,
// for the first element of that name.
func childNames(t *testing.T, doc []byte) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	seen := map[string]bool{}
	var stack []string
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if n := len(stack); n > 0 && !seen[stack[n-1]] {
				out[stack[n-1]] = append(out[stack[n-1]], e.Name.Local)
			}
			stack = append(stack, e.Name.Local)
		case xml.EndElement:
			seen[e.Name.Local] = true
			stack = stack[:len(stack)-1]
		}
	}
}

// inOrder reports whether names follow the order of want, repeats allowed.
func inOrder(names, want []string) bool {
	last := -1
	for _, n := range names {
		i := slices.Index(want, n)
		if i < last {
			return false
		}
		last = max(last, i)
	}
	return true
}

// TestAutoconfigRoundTrip reads every catalog provider's document back
// with the catalog's own parser: with placeholders and with an address
// filled in, it gives the settings the profile is built from, for every
// kind of account, and the same reasons where there are none (but for
// plain-text servers, which the document leaves out).
func TestAutoconfigRoundTrip(t *testing.T) {
	c := operator(t)
	for _, p := range c.Providers() {
		domain := c.DomainsOf(p)[0]
		t.Run(domain, func(t *testing.T) {
			addr := profile.Address{Local: "Fred.Smith", Domain: domain}
			e := Entry{Provider: p, Domain: domain, Domains: c.DomainsOf(p)}
			for _, a := range []*profile.Address{nil, &addr} {
				doc, err := Autoconfig(e, a)
				if err != nil {
					t.Fatalf("Autoconfig(%s, %v) error = %v", domain, a, err)
				}
				parsed, err := provider.Parse(doc)
				if err != nil || len(parsed) != 1 {
					t.Fatalf("provider.Parse(Autoconfig(%s)) = %d providers, %v", domain, len(parsed), err)
				}
				back := parsed[0]
				if back.DisplayName != p.DisplayName || back.ShortName != p.ShortName || !slices.Equal(back.Domains, e.Domains) ||
					back.DocURL != p.DocURL || back.WebMailURL != p.WebMailURL || !reflect.DeepEqual(back.Enable, p.Enable) || !reflect.DeepEqual(back.OAuth2, p.OAuth2) {
					t.Errorf("Parse(Autoconfig(%s)) = %+v, want the catalog's %+v", domain, back, p)
				}
				if !slices.Equal(back.Preference(), p.Preference()) {
					t.Errorf("Parse(Autoconfig(%s)) prefers %v, want %v", domain, back.Preference(), p.Preference())
				}
				for _, proto := range profile.Kinds {
					want, wantErr := p.Settings(addr, proto)
					got, err := back.Settings(addr, proto)
					if errors.Is(wantErr, provider.ErrNoSecureServer) && errors.Is(err, provider.ErrNoProtocol) {
						continue // the document leaves the plain-text server out: no such server, rather than none encrypted
					}
					if fmtErr(err) != fmtErr(wantErr) || got.Incoming != want.Incoming || got.Outgoing != want.Outgoing || !slices.Equal(got.Notes, want.Notes) ||
						got.Calendar != want.Calendar || got.Contacts != want.Contacts {
						t.Errorf("%s %s: settings from autoconfig (address %v) = %+v, %v; catalog = %+v, %v", domain, proto, a != nil, got, err, want, wantErr)
					}
				}
			}
		})
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestAutoconfigNotServed(t *testing.T) {
	plain := fstest.MapFS{"plain.xml": {Data: []byte(`<clientConfig version="1.1"><emailProvider id="plain.example"><domain>plain.example</domain>
<incomingServer type="imap"><hostname>mail.plain.example</hostname><port>143</port><socketType>plain</socketType><authentication>password-cleartext</authentication></incomingServer>
<outgoingServer type="smtp"><hostname>mail.plain.example</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication></outgoingServer>
</emailProvider></clientConfig>`)}}
	c, err := provider.NewCatalog(plain)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Autoconfig(entry(t, c, "plain.example"), nil)
	var ns *NotServedError
	if doc != nil || !errors.As(err, &ns) || !errors.Is(err, ErrNotServed) || ns.Format != "autoconfig" {
		t.Errorf("Autoconfig(plain-text IMAP only) = %q, %v, want *NotServedError", doc, err)
	}
}
