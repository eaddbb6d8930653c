package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/store"
)

// TestHelpdeskAccounts makes links for Exchange and Google accounts, by
// hand and in bulk (where an empty type is the provider's choice for
// iPhone and iPad), and opens them on an iPhone and a Mac.
func TestHelpdeskAccounts(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			st := openStore(t, dialect)
			addAgent(t, st)
			s := newTestServer(t, withHelpdesk(st))
			agent := newClient(t, s)
			agent.signIn(testAgent, testPasswd)

			token := agent.createLink(url.Values{"email": {"someone@outlook.com"}, "type": {"exchange"}})
			phone := newClient(t, s)
			phone.ua = uaIPhoneSafari
			rec := phone.get("/l/" + token)
			mustContain(t, "link page on an iPhone", rec.Body.String(), `data-kind="exchange"`, `id="download" href="/l/`+token+`/profile"`)
			rec = phone.get("/l/" + token + "/profile")
			if rec.Code != http.StatusOK {
				t.Fatalf("link download on an iPhone: %d", rec.Code)
			}
			if sum, err := profile.Parse(verifyProfile(t, rec.Body.Bytes())); err != nil || sum.Payloads[0].Exchange == nil {
				t.Errorf("link download = %+v, %v; want an Exchange account", sum, err)
			}

			mac := newClient(t, s)
			mac.ua = uaMacSafari
			rec = mac.get("/l/" + token)
			mustContain(t, "link page on a Mac", rec.Body.String(), "data-hand", "Choose <strong>Microsoft Exchange</strong>.",
				`id="download-ipad" href="/l/`+token+`/profile?device=ios"`)
			if rec = mac.get("/l/" + token + "/profile"); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "data-hand") {
				t.Errorf("link download on a Mac: %d, want 422 with the steps", rec.Code)
			}
			if rec = mac.get("/l/" + token + "/profile?device=ios"); rec.Code != http.StatusOK {
				t.Errorf("link download with device=ios: %d, want 200", rec.Code)
			}
			l, err := st.LinkByTokenHash(context.Background(), store.HashToken(token))
			if err != nil || l.Type != "exchange" || l.Downloads != 2 {
				t.Errorf("stored link = %+v, %v; want exchange, downloaded twice (not for the refusal)", l, err)
			}

			// In bulk: no type is the provider's choice on an iPhone.
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			_ = w.WriteField("csrf", agent.sessionCSRF())
			fw, _ := w.CreateFormFile("file", "links.csv")
			_, _ = fw.Write([]byte("email,name,type\na@outlook.com,,\nb@gmail.com,B,\nc@gmail.com,C,imap\nd@btinternet.com,,\ne@gmail.com,,google\n"))
			_ = w.Close()
			req := httptest.NewRequest(http.MethodPost, "/admin/links/bulk", &body)
			req.Header.Set("Content-Type", w.FormDataContentType())
			rec = agent.do(req)
			m := dataCSV.FindStringSubmatch(rec.Body.String())
			if rec.Code != http.StatusCreated || m == nil {
				t.Fatalf("bulk upload: %d, no CSV on the page:\n%s", rec.Code, rec.Body)
			}
			file, err := base64.StdEncoding.DecodeString(m[1])
			if err != nil {
				t.Fatal(err)
			}
			rows, err := csv.NewReader(bytes.NewReader(file)).ReadAll()
			if err != nil || len(rows) != 6 {
				t.Fatalf("bulk upload's CSV: %v %q", err, rows)
			}
			var types []string
			for _, r := range rows[1:] {
				types = append(types, r[2])
			}
			if got := strings.Join(types, ","); got != "exchange,google,imap,imap,google" {
				t.Errorf("bulk link types = %s, want exchange,google,imap,imap,google", got)
			}
		})
	}
}

// TestHelpdeskMessageByKind: the message to the customer tells what will
// happen. A password account asks for the mail password while it
// installs, on any Apple device; an Exchange or Google account installs
// on iPhone and iPad and signs in on the provider's own page.
func TestHelpdeskMessageByKind(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	agent := newClient(t, s)
	agent.signIn(testAgent, testPasswd)
	for _, tt := range []struct {
		email, typ    string
		want, notWant []string
	}{
		{email: "someone@btinternet.com", typ: "imap",
			want:    []string{"iPhone, iPad or Mac", "asked for your mail password while installing"},
			notWant: []string{"provider&#39;s own page"}},
		{email: "someone@outlook.com", typ: "exchange",
			want:    []string{"on your iPhone or iPad,", "sign in on your provider&#39;s own page"},
			notWant: []string{"mail password", "iPad or Mac"}},
		{email: "someone@gmail.com", typ: "google",
			want:    []string{"on your iPhone or iPad,", "sign in on your provider&#39;s own page"},
			notWant: []string{"mail password"}},
	} {
		form := url.Values{"email": {tt.email}, "type": {tt.typ}, "csrf": {agent.sessionCSRF()}}
		page := agent.created(agent.post("/admin/links", form)).Body.String()
		mustContain(t, tt.typ+" link's message", page, tt.want...)
		for _, bad := range tt.notWant {
			if strings.Contains(page, bad) {
				t.Errorf("%s link's page says %q", tt.typ, bad)
			}
		}
	}
}
