package ddm

import (
	"context"
	"flag"
	"regexp"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/internal/goldentest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
)

// passwordKey is any JSON key with "password" in it.
var passwordKey = regexp.MustCompile(`(?i)"[^"]*password"\s*:`)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var testOptions = Options{IdentifierPrefix: "com.example.mailprofile", CredentialURL: "https://mdm.example.com/ddm/credential"}

// account is the catalog's account of kind for domain, as cmd builds it.
func account(t *testing.T, domain string, kind profile.Protocol) profile.Account {
	t.Helper()
	c, err := provider.NewCatalog(provider.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	addr, err := profile.TemplateAddress(domain)
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.Find(context.Background(), addr, kind)
	if err != nil {
		t.Fatalf("Find(%s, %s): %v", domain, kind, err)
	}
	return found.Account(addr, kind, "")
}

func build(t *testing.T, acct profile.Account, opts Options) []byte {
	t.Helper()
	ds, err := Build(acct, opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	b, err := JSON(ds)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBuildPassesTheDeclarativeSchema(t *testing.T) {
	schema := declarativeSchema(t)
	tests := []struct {
		domain    string
		kind      profile.Protocol
		wantTypes []string
	}{
		{"btinternet.com", profile.IMAP, []string{TypeMail, TypeIdentity, TypeCredential}},
		{"btinternet.com", profile.POP, []string{TypeMail, TypeIdentity, TypeCredential}},
		{"outlook.com", profile.Exchange, []string{TypeExchange, TypeIdentity}},
		{"gmail.com", profile.Google, []string{TypeGoogle, TypeIdentity}},
	}
	for _, tt := range tests {
		name := tt.domain + "-" + string(tt.kind) + ".json"
		t.Run(name, func(t *testing.T) {
			doc := build(t, account(t, tt.domain, tt.kind), testOptions)
			golden(t, name, doc)
			if problems := checkDeclarations(schema, doc); len(problems) > 0 {
				t.Errorf("the declarative checker refuses %s:\n%s", name, strings.Join(problems, "\n"))
			}
			ds, _ := Build(account(t, tt.domain, tt.kind), testOptions)
			for i, want := range tt.wantTypes {
				if i >= len(ds) || ds[i].Type != want {
					t.Fatalf("declarations %v, want the types %v", ds, tt.wantTypes)
				}
			}
			if passwordKey.Match(doc) {
				t.Errorf("a password key in %s", doc)
			}
		})
	}
}

func TestCheckerRefuses(t *testing.T) {
	schema := declarativeSchema(t)
	good := string(build(t, account(t, "btinternet.com", profile.IMAP), testOptions))
	tests := []struct {
		name        string
		old, new    string
		wantProblem string
	}{
		{name: "wrong key", old: `"HostName": "mail.btinternet.com"`, new: `"Hostname": "mail.btinternet.com"`, wantProblem: "IncomingServer: unknown key Hostname"},
		{name: "required key missing", old: `"ServerType": "IMAP"`, new: `"IMAPPathPrefix": "IMAP"`, wantProblem: "required key ServerType is missing"},
		{name: "value not allowed", old: `"ServerType": "IMAP"`, new: `"ServerType": "IMAP4"`, wantProblem: `ServerType: IMAP4 is not one of [IMAP POP]`},
		{name: "wrong type", old: `"Port": 993`, new: `"Port": "993"`, wantProblem: "Port: 993 is not an integer"},
		{name: "dangling reference", old: `"UserIdentityAssetReference": "com.example.mailprofile.ddm.btinternet.com.imap.identity"`,
			new: `"UserIdentityAssetReference": "elsewhere"`, wantProblem: `"elsewhere" is no declaration of type com.apple.asset.useridentity`},
		{name: "unknown type", old: `"Type": "com.apple.asset.useridentity"`, new: `"Type": "com.apple.asset.identity"`, wantProblem: `type "com.apple.asset.identity" is not in the declarative schema`},
		{name: "password", old: `"DataURL"`, new: `"Password": "x", "DataURL"`, wantProblem: "no password may be in a declaration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := strings.Replace(good, tt.old, tt.new, 1)
			if bad == good {
				t.Fatalf("%q is not in the declarations:\n%s", tt.old, good)
			}
			problems := strings.Join(checkDeclarations(schema, []byte(bad)), "\n")
			if !strings.Contains(problems, tt.wantProblem) {
				t.Errorf("checkDeclarations = %q, want a problem %q", problems, tt.wantProblem)
			}
		})
	}
}

func TestServerToken(t *testing.T) {
	acct := account(t, "btinternet.com", profile.IMAP)
	a, err := Build(acct, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Build(acct, testOptions)
	for i := range a {
		if a[i].ServerToken != b[i].ServerToken || a[i].Identifier != b[i].Identifier {
			t.Errorf("%s: two builds give %s and %s", a[i].Identifier, a[i].ServerToken, b[i].ServerToken)
		}
	}
	// A new port changes the account's content, and its token only.
	acct.Incoming.Port = 143
	c, _ := Build(acct, testOptions)
	if c[0].ServerToken == a[0].ServerToken || c[0].Identifier != a[0].Identifier {
		t.Errorf("account after a change: %s %s, before %s %s", c[0].Identifier, c[0].ServerToken, a[0].Identifier, a[0].ServerToken)
	}
	for i := 1; i < len(a); i++ {
		if c[i].ServerToken != a[i].ServerToken {
			t.Errorf("%s: token changed with another declaration's content", a[i].Identifier)
		}
	}
	// Another credential URL changes the credential only.
	opts := testOptions
	opts.CredentialURL = "https://mdm.example.com/other"
	d, _ := Build(account(t, "btinternet.com", profile.IMAP), opts)
	if d[2].ServerToken == a[2].ServerToken || d[0].ServerToken != a[0].ServerToken {
		t.Errorf("credential URL changed: tokens %s/%s, were %s/%s", d[0].ServerToken, d[2].ServerToken, a[0].ServerToken, a[2].ServerToken)
	}
}

func TestBuildRefuses(t *testing.T) {
	imap := account(t, "btinternet.com", profile.IMAP)
	tests := []struct {
		name    string
		opts    Options
		wantErr string
	}{
		{name: "no credential URL", opts: Options{IdentifierPrefix: "com.example"}, wantErr: "credential URL: the account signs in with a password"},
		{name: "http", opts: Options{IdentifierPrefix: "com.example", CredentialURL: "http://mdm.example.com/c"}, wantErr: "want an https URL"},
		{name: "user in URL", opts: Options{IdentifierPrefix: "com.example", CredentialURL: "https://u:p@mdm.example.com/c"}, wantErr: "want an https URL"},
		{name: "prefix", opts: Options{IdentifierPrefix: "com..example", CredentialURL: "https://mdm.example.com/c"}, wantErr: "empty label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := Build(imap, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Build = %v, %v; want an error with %q", ds, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), ":p@") {
				t.Errorf("the error shows the URL's password: %v", err)
			}
		})
	}
	// Exchange and Google sign in on the provider's page: no URL needed.
	if _, err := Build(account(t, "gmail.com", profile.Google), Options{IdentifierPrefix: "com.example"}); err != nil {
		t.Errorf("Build(Google) without a credential URL: %v", err)
	}
}

// golden compares got with testdata/name, or writes it there with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldentest.Check(t, "ddm", name, got, *update)
}
