package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
)

// TestHelpdeskServices makes links with calendars and contacts through
// the helpdesk's form, checks what the customer downloads, that a link
// stored without services (as every link before them) stays mail only,
// and that services the provider does not offer are refused on the form.
func TestHelpdeskServices(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			st := openStore(t, dialect)
			addAgent(t, st)
			s := newTestServer(t, withHelpdesk(st))
			agent := newClient(t, s)
			agent.signIn(testAgent, testPasswd)
			phone := newClient(t, s)
			phone.ua = uaIPhoneSafari
			payloads := func(token string) int {
				t.Helper()
				rec := phone.get("/l/" + token + "/profile")
				if rec.Code != http.StatusOK {
					t.Fatalf("link download: %d\n%s", rec.Code, rec.Body)
				}
				sum, err := profile.Parse(verifyProfile(t, rec.Body.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				return len(sum.Payloads)
			}

			all := agent.createLink(url.Values{"email": {"someone@fastmail.com"}, "type": {"imap"},
				"services": {"mail", "calendar", "contacts"}})
			page := phone.get("/l/" + all).Body.String()
			if strings.Contains(page, "services-form") || !strings.Contains(page, `id="download" href="/l/`+all+`/profile"`) ||
				!strings.Contains(page, `data-kind="CalDAV"`) || !strings.Contains(page, `data-kind="CardDAV"`) {
				t.Errorf("link page offers a choice, or lacks the link's download or its calendars and contacts:\n%s", page)
			}
			if n := payloads(all); n != 3 {
				t.Errorf("link with every service: %d payloads, want 3", n)
			}
			l, err := st.LinkByTokenHash(context.Background(), store.HashToken(all))
			if err != nil || l.Services != "mail,calendar,contacts" {
				t.Errorf("stored link = %+v, %v; want services mail,calendar,contacts", l, err)
			}

			// The form as sent with no box ticked: the hidden mail alone.
			mail := agent.createLink(url.Values{"email": {"other@fastmail.com"}, "type": {"imap"}, "services": {"mail"}})
			if n := payloads(mail); n != 1 {
				t.Errorf("link with mail only: %d payloads, want 1", n)
			}
			// As a link made before services: no services field at all.
			old := agent.createLink(url.Values{"email": {"third@fastmail.com"}, "type": {"imap"}})
			if n := payloads(old); n != 1 {
				t.Errorf("link without services: %d payloads, want 1", n)
			}
			if page := phone.get("/l/" + old).Body.String(); strings.Contains(page, `data-kind="CalDAV"`) {
				t.Errorf("the page of a link without services lists calendars")
			}

			for _, tt := range []struct {
				form       url.Values
				wantStatus int
				want       string
			}{
				{url.Values{"email": {"someone@btinternet.com"}, "type": {"imap"}, "services": {"mail", "calendar"}},
					http.StatusUnprocessableEntity, "BT Mail does not offer calendar beside its IMAP account: choose from mail"},
				{url.Values{"email": {"someone@fastmail.com"}, "type": {"imap"}, "services": {"mail", "tasks"}},
					http.StatusBadRequest, "choose from mail, calendar and contacts"},
			} {
				tt.form.Set("csrf", agent.sessionCSRF())
				rec := agent.post("/admin/links", tt.form)
				if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.want) {
					t.Errorf("POST /admin/links %v = %d, want %d saying %q\n%s", tt.form, rec.Code, tt.wantStatus, tt.want, rec.Body)
				}
				if !strings.Contains(rec.Body.String(), `value="calendar" checked`) && tt.form.Has("services") && strings.Contains(tt.form.Encode(), "calendar") {
					t.Errorf("the refused form does not tick the calendar box again")
				}
			}
		})
	}
}
