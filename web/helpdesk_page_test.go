package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/store"
)

// TestHelpdeskTitleWithoutServiceName: without --service-name the header
// and the title name the helpdesk alone, with no stray separator.
func TestHelpdeskTitleWithoutServiceName(t *testing.T) {
	for _, tt := range []struct {
		service, title, brand string
	}{
		{service: "", title: "<title>Helpdesk sign-in · Helpdesk</title>", brand: "<span>Helpdesk</span>"},
		{service: "Example ISP", title: "<title>Helpdesk sign-in · Helpdesk · Example ISP</title>", brand: "<span>Example ISP · Helpdesk</span>"},
	} {
		st := openStore(t, store.SQLite)
		s := newTestServer(t, both(withHelpdesk(st), func(c *Config) { c.ServiceName = tt.service }))
		body := s.get(t, "/admin/login").Body.String()
		mustContain(t, "sign-in page", body, tt.title, tt.brand)
	}
}

// TestHelpdeskFocusAfterWrongPassword: the name stays, and the password
// field takes the focus.
func TestHelpdeskFocusAfterWrongPassword(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	b := newClient(t, newTestServer(t, withHelpdesk(st)))
	if body := b.get("/admin/login").Body.String(); !strings.Contains(body, `maxlength="64" value="" autofocus>`) {
		t.Error("the empty sign-in form does not focus the name")
	}
	body := b.signIn(testAgent, "wrong password!!").Body.String()
	mustContain(t, "after a wrong password", body, `value="alice">`, `maxlength="1024" autofocus aria-describedby="login-error">`)
}

// TestHelpdeskReloadMakesNoSecondLink: making a link answers with a
// redirect; the link's page, reloaded, shows the same link.
func TestHelpdeskReloadMakesNoSecondLink(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	b := newClient(t, newTestServer(t, withHelpdesk(st)))
	b.signIn(testAgent, testPasswd)
	token := b.createLink(url.Values{"email": {"someone@btinternet.com"}})
	again := b.get("/admin/links/1").Body.String()
	mustContain(t, "the page again", again, "/l/"+token, "mail.btinternet.com", "993", "SSL/TLS")
	if links, _ := st.Links(context.Background(), store.LinkFilter{}); len(links) != 1 {
		t.Errorf("%d links after a reload, want 1", len(links))
	}
	// Another browser of the same agent sees the link's page, not its token.
	other := newClient(t, b.srv)
	other.signIn(testAgent, testPasswd)
	if page := other.get("/admin/links/1").Body.String(); strings.Contains(page, token) {
		t.Error("another browser sees the link's token")
	}
}

// TestHelpdeskLanguages: the helpdesk speaks the browser's language until
// the agent chooses one, which is kept; times are in the agent's zone.
func TestHelpdeskLanguages(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	de := httptest.NewRequest(http.MethodGet, "/admin/login", nil)
	de.Header.Set("Accept-Language", "de-DE,de;q=0.9")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, de)
	mustContain(t, "German sign-in", rec.Body.String(), `<html lang="de">`, "Anmeldung am Helpdesk", "Benutzername", "Passwort")

	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)
	b.cookies["mp_tz"] = &http.Cookie{Name: "mp_tz", Value: "Europe/Berlin"}
	b.createLink(url.Values{"email": {"someone@btinternet.com"}})
	rec = b.post("/admin/language", url.Values{"csrf": {b.sessionCSRF()}, "lang": {"fr"}, "next": {"/admin/links/1"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/admin/links/1" {
		t.Fatalf("choose French: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	page := b.get("/admin/links/1").Body.String()
	expires := timetest.Fixed().Add(7 * 24 * time.Hour)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	mustContain(t, "French link page", page, `<html lang="fr">`, "Lien pour someone@btinternet.com", "Envoyez ce lien au client",
		`title="`+expires.UTC().Format("2006-01-02 15:04")+` UTC">`+expires.In(berlin).Format("2006-01-02 15:04 MST")+`</time>`)
	if lang, _ := st.AgentLanguage(context.Background(), testAgent); lang != "fr" {
		t.Errorf("remembered language = %q, want fr", lang)
	}
	if rec := b.post("/admin/language", url.Values{"csrf": {b.sessionCSRF()}, "lang": {"xx"}}); rec.Code != http.StatusBadRequest ||
		!strings.Contains(rec.Body.String(), "Langue inconnue") {
		t.Errorf("an unknown language: %d, want 400 in French", rec.Code)
	}
}

// TestHelpdeskAuditList: the audit list filters by agent, address and
// dates, and pages, on both databases.
func TestHelpdeskAuditList(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			st := openStore(t, dialect)
			addAgent(t, st)
			ctx := context.Background()
			day := timetest.Fixed().Truncate(24 * time.Hour)
			for i := range 60 {
				_, hash, _ := store.NewToken()
				by := "alice"
				if i%2 == 1 {
					by = "bob"
				}
				at := day.Add(-time.Duration(i) * time.Hour)
				if _, err := st.CreateLink(ctx, store.Link{TokenHash: hash, Email: fmt.Sprintf("user%02d@btinternet.com", i), Type: "imap",
					CreatedBy: by, CreatedAt: at, ExpiresAt: at.Add(time.Hour), MaxDownloads: 1}); err != nil {
					t.Fatal(err)
				}
			}
			b := newClient(t, newTestServer(t, withHelpdesk(st)))
			b.signIn(testAgent, testPasswd)
			rows := func(target string) (int, string) {
				t.Helper()
				rec := b.get(target)
				return strings.Count(rec.Body.String(), `<td class="event-created">`), rec.Body.String()
			}
			if n, body := rows("/admin/audit"); n != 50 || !strings.Contains(body, `href="/admin/audit?page=2"`) {
				t.Errorf("first page: %d rows, want 50 and a link to the next", n)
			}
			if n, _ := rows("/admin/audit?page=2"); n != 10 {
				t.Errorf("second page: %d rows, want 10", n)
			}
			if n, body := rows("/admin/audit?agent=bob"); n != 30 || strings.Contains(body, "user00@") {
				t.Errorf("bob's events: %d rows, want 30, none of alice's", n)
			}
			if n, _ := rows("/admin/audit?q=USER0"); n != 10 {
				t.Errorf("address contains user0: %d rows, want 10", n)
			}
			// The day before the fixed date, in UTC (no time zone cookie):
			// links 1 to 24 were made then.
			prev := day.Add(-24 * time.Hour).Format("2006-01-02")
			if n, body := rows("/admin/audit?from=" + prev + "&to=" + prev); n != 24 || !strings.Contains(body, "user01@") || strings.Contains(body, "user00@") {
				t.Errorf("one day: %d rows, want 24", n)
			}
			if rec := b.get("/admin/audit?from=yesterday"); rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "yesterday is not a date") {
				t.Errorf("a bad date: %d", rec.Code)
			}
		})
	}
}
