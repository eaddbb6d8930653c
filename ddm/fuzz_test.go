package ddm

import (
	"context"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// FuzzCredentialURL checks that a credential URL Build accepts is an
// https URL without user or fragment in the credential asset, and that a
// refusal never repeats a password from the URL.
func FuzzCredentialURL(f *testing.F) {
	for _, s := range []string{"https://mdm.example.com/c", "http://x", "https://u:secret@x/c", "https://x/c#f", "https://[::1]:8443/c?u=1", "%zz", ""} {
		f.Add(s)
	}
	c, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		f.Fatal(err)
	}
	addr, _ := profile.TemplateAddress("btinternet.com")
	found, err := c.Find(context.Background(), addr, profile.IMAP)
	if err != nil {
		f.Fatal(err)
	}
	acct := found.Account(addr, profile.IMAP, "")
	f.Fuzz(func(t *testing.T, u string) {
		ds, err := Build(acct, Options{IdentifierPrefix: "com.example", CredentialURL: u})
		if err != nil {
			if strings.Contains(u, ":secret@") && strings.Contains(err.Error(), "secret") {
				t.Fatalf("Build(%q) error repeats the password: %v", u, err)
			}
			return
		}
		ref := ds[2].Payload["Reference"].(map[string]any)["DataURL"].(string)
		if !strings.HasPrefix(ref, "https://") || strings.Contains(ref, "@") && strings.Contains(ref[:strings.IndexAny(ref+"/", "/?")], "@") {
			t.Fatalf("Build(%q): DataURL %q", u, ref)
		}
	})
}
