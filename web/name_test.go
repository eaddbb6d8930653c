package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile/internal/nametest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// TestNameOnPagesDownloadAndAPI: the review page, the download and the
// API make the same of a name.
func TestNameOnPagesDownloadAndAPI(t *testing.T) {
	s := newTestServer(t, nil)
	for _, tt := range nametest.Cases {
		t.Run(tt.Name, func(t *testing.T) {
			q := url.Values{"email": {"someone@btinternet.com"}, "type": {"imap"}, "name": {tt.In}}.Encode()
			wantQuery := accountRequest{Addr: mustAddr(t, "someone@btinternet.com"), Proto: "imap", Name: tt.Want}.query()

			setup := s.get(t, "/setup?"+q)
			download := s.get(t, "/profile?"+q)
			api := s.get(t, "/api/v1/settings?"+q)
			if tt.WantErr != "" {
				if setup.Code != http.StatusBadRequest || !strings.Contains(setup.Body.String(), site.Sentence(tt.WantErr)) {
					t.Errorf("GET /setup: %d, want 400 with %q", setup.Code, site.Sentence(tt.WantErr))
				}
				if download.Code != http.StatusBadRequest || !strings.Contains(download.Body.String(), site.Sentence(tt.WantErr)) {
					t.Errorf("GET /profile: %d, want 400 with %q", download.Code, site.Sentence(tt.WantErr))
				}
				var body struct {
					Error struct{ Message, Field string }
				}
				if err := json.Unmarshal(api.Body.Bytes(), &body); err != nil || api.Code != http.StatusBadRequest ||
					body.Error.Message != tt.WantErr || body.Error.Field != "name" {
					t.Errorf("GET /api/v1/settings: %d %s, want 400 with %q for the name", api.Code, api.Body, tt.WantErr)
				}
				return
			}
			if want := `href="/profile?` + strings.ReplaceAll(wantQuery, "&", "&amp;") + `"`; setup.Code != http.StatusOK || !strings.Contains(setup.Body.String(), want) {
				t.Errorf("GET /setup: %d, want the download link %s", setup.Code, want)
			}
			if download.Code != http.StatusOK {
				t.Fatalf("GET /profile: %d %s", download.Code, download.Body)
			}
			if got := accountName(t, verifyProfile(t, download.Body.Bytes())); got != tt.Want {
				t.Errorf("GET /profile: EmailAccountName %q, want %q", got, tt.Want)
			}
			var got apiSettings
			if err := json.Unmarshal(api.Body.Bytes(), &got); err != nil || api.Code != http.StatusOK || len(got.Accounts) != 1 {
				t.Fatalf("GET /api/v1/settings: %d %s", api.Code, api.Body)
			}
			if want := "/profile?" + wantQuery; got.Accounts[0].ProfileURL != want {
				t.Errorf("GET /api/v1/settings: profile_url %q, want %q", got.Accounts[0].ProfileURL, want)
			}
		})
	}
}

// TestNameOnHelpdeskLinkForm: the helpdesk's link form makes the same of
// a name as the public pages.
func TestNameOnHelpdeskLinkForm(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)
	for _, tt := range nametest.Cases {
		t.Run(tt.Name, func(t *testing.T) {
			email := strings.ReplaceAll(tt.Name, " ", "-") + "@btinternet.com"
			rec := b.post("/admin/links", url.Values{"csrf": {b.sessionCSRF()}, "email": {email}, "name": {tt.In}})
			links, err := st.Links(context.Background(), store.LinkFilter{Email: email})
			if err != nil {
				t.Fatal(err)
			}
			if tt.WantErr != "" {
				if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), site.Sentence(tt.WantErr)) || len(links) != 0 {
					t.Errorf("POST /admin/links: %d with %d links kept, want 400 with %q", rec.Code, len(links), site.Sentence(tt.WantErr))
				}
				return
			}
			if rec.Code != http.StatusSeeOther || len(links) != 1 || links[0].Name != tt.Want {
				t.Errorf("POST /admin/links: %d, links %+v; want 303 and one link named %q", rec.Code, links, tt.Want)
			}
		})
	}
}

// accountName is the EmailAccountName of a profile's mail payload.
func accountName(t *testing.T, content []byte) string {
	t.Helper()
	var doc struct {
		PayloadContent []struct{ EmailAccountName string }
	}
	if _, err := plist.Unmarshal(content, &doc); err != nil || len(doc.PayloadContent) == 0 {
		t.Fatalf("plist.Unmarshal: %v", err)
	}
	return doc.PayloadContent[0].EmailAccountName
}

func mustAddr(t *testing.T, s string) profile.Address {
	t.Helper()
	a, err := profile.ParseAddress(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
