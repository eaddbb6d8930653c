package web

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

var updateProfiles = flag.Bool("update-profiles", false, "rewrite the profiles in testdata/ that TestProfileLanguage compares")

// profileKeys decodes a signed download into its top level and first
// payload.
func profileKeys(t *testing.T, body []byte) (top, payload map[string]any) {
	t.Helper()
	if _, err := plist.Unmarshal(verifyProfile(t, body), &top); err != nil {
		t.Fatalf("plist.Unmarshal: %v", err)
	}
	return top, top["PayloadContent"].([]any)[0].(map[string]any)
}

// TestProfileLanguage: the texts of the profile follow lang and
// Accept-Language as the pages do; its identifiers do not.
func TestProfileLanguage(t *testing.T) {
	s := newTestServer(t, nil)
	en := s.get(t, profileURL("someone@btinternet.com", "imap", "Some One"))
	enTop, enPayload := profileKeys(t, en.Body.Bytes())
	tests := []struct {
		name        string
		query       string
		header      []string
		golden      string
		description string
	}{
		{"lang=de", "&lang=de", nil, "profile-de.plist", "Richtet das E-Mail-Konto someone@btinternet.com (BT Mail) in Mail ein."},
		{"Accept-Language fr", "", []string{"Accept-Language", "fr-FR,fr;q=0.9"}, "profile-fr.plist", "Configure le compte de messagerie someone@btinternet.com (BT Mail) dans Mail."},
		{"lang wins", "&lang=fr", []string{"Accept-Language", "de"}, "", "Configure le compte de messagerie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, profileURL("someone@btinternet.com", "imap", "Some One")+tt.query, tt.header...)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d, want 200; body: %s", rec.Code, rec.Body)
			}
			top, payload := profileKeys(t, rec.Body.Bytes())
			if d, _ := top["PayloadDescription"].(string); !strings.HasPrefix(d, tt.description) {
				t.Errorf("PayloadDescription = %q, want it to start with %q", d, tt.description)
			}
			for _, k := range []string{"PayloadIdentifier", "PayloadUUID"} {
				if top[k] != enTop[k] || payload[k] != enPayload[k] {
					t.Errorf("%s = %v / %v, want the English profile's %v / %v", k, top[k], payload[k], enTop[k], enPayload[k])
				}
			}
			if tt.golden == "" {
				return
			}
			checkWithSharedTool(t, rec.Body.Bytes(), map[string]any{"EmailAccountType": "EmailTypeIMAP"})
			comparePlist(t, tt.golden, verifyProfile(t, rec.Body.Bytes()))
		})
	}
}

// comparePlist compares got with testdata/name, or writes it there with
// -update-profiles.
func comparePlist(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateProfiles {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (run go test -update-profiles): %v", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("profile differs from %s:\n%s", path, got)
	}
}

// TestProfileLanguageCached: a profile cached in one language is never
// served in another, by the fast path either.
func TestProfileLanguageCached(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.ProfileCacheSize = 10 })
	target := profileURL("someone@btinternet.com", "imap", "")
	for range 2 { // the second is the fast path's
		s.get(t, target)
	}
	for _, tt := range []struct{ query, header, want string }{
		{"&lang=de", "", "Richtet"},
		{"", "de-CH", "Richtet"},
		{"", "fr", "Configure"},
		{"", "", "Sets up"},
	} {
		for i := range 2 {
			rec := s.get(t, target+tt.query, "Accept-Language", tt.header)
			top, _ := profileKeys(t, rec.Body.Bytes())
			if d, _ := top["PayloadDescription"].(string); !strings.HasPrefix(d, tt.want) {
				t.Errorf("download %d of %s (Accept-Language %q): PayloadDescription = %q, want %q…", i+1, target+tt.query, tt.header, d, tt.want)
			}
		}
	}
}

// TestProfileLanguageOperator: the operator's own texts are theirs in
// every language; the rest follow the visitor.
func TestProfileLanguageOperator(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.Profile.Description = "Example ISP mail for {email}" })
	top, _ := profileKeys(t, s.get(t, profileURL("someone@btinternet.com", "imap", "")+"&lang=de").Body.Bytes())
	if d := top["PayloadDescription"]; d != "Example ISP mail for someone@btinternet.com" {
		t.Errorf("PayloadDescription = %q, want the operator's text", d)
	}
}

// TestProfileTextsEnglish holds the English catalog to the profile
// package's defaults, which generate without web and the tests use.
func TestProfileTextsEnglish(t *testing.T) {
	cat, err := site.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	byLang, err := profileOptions(cat, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	want := profile.DefaultTexts()
	if got := byLang["en"].Texts; got != want {
		t.Errorf("English profile texts = %+v, want profile's defaults %+v", got, want)
	}
	for _, code := range []string{"de", "fr"} {
		if byLang[code].Description == want.Description || byLang[code].SignInDescription == want.SignInDescription {
			t.Errorf("profile texts in %s = %+v, want them translated", code, byLang[code].Texts)
		}
	}
}

// TestDownloadLinkLanguage: the review page's download links keep a
// language chosen with ?lang=, on the public page and a helpdesk link's.
func TestDownloadLinkLanguage(t *testing.T) {
	s := newTestServer(t, nil)
	for _, tt := range []struct{ target, ua, want string }{
		{"/setup?email=someone%40btinternet.com&lang=de", iPhoneUA, `href="/profile?email=someone%40btinternet.com&amp;type=imap&amp;lang=de"`},
		{"/setup?email=someone%40btinternet.com&lang=fr", uaMacSafari, `/profile?email=someone%40btinternet.com&amp;type=imap&amp;lang=fr"`},
	} {
		body := s.get(t, tt.target, "User-Agent", tt.ua).Body.String()
		if !strings.Contains(body, tt.want) {
			t.Errorf("GET %s: no download link %s", tt.target, tt.want)
		}
	}
}

// TestLinkDownloadLanguage: a helpdesk link's page in a language chosen
// with ?lang= downloads the profile in that language.
func TestLinkDownloadLanguage(t *testing.T) {
	st := openStore(t, store.SQLite)
	s := newTestServer(t, withHelpdesk(st))
	token, hash, err := store.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := timetest.Fixed()
	if _, err := st.CreateLink(context.Background(), store.Link{TokenHash: hash, Email: "someone@btinternet.com", Type: "imap",
		CreatedBy: testAgent, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), MaxDownloads: 5}); err != nil {
		t.Fatal(err)
	}
	page := s.get(t, "/l/"+token+"?lang=fr", "User-Agent", iPhoneUA).Body.String()
	want := `href="/l/` + token + `/profile?lang=fr"`
	if !strings.Contains(page, want) {
		t.Fatalf("link page lacks the download link %s", want)
	}
	rec := s.get(t, "/l/"+token+"/profile?lang=fr", "User-Agent", iPhoneUA)
	top, _ := profileKeys(t, rec.Body.Bytes())
	if d, _ := top["PayloadDescription"].(string); !strings.HasPrefix(d, "Configure le compte") {
		t.Errorf("link download ?lang=fr: PayloadDescription = %q, want French", d)
	}
}
