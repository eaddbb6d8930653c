package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile/store"
)

// mdmForm is a filled-in /admin/mdm form.
func mdmForm(csrf, vendor, domain, kind string, extra ...string) url.Values {
	f := url.Values{"csrf": {csrf}, "vendor": {vendor}, "domain": {domain}, "type": {kind}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return f
}

func TestHelpdeskMDMTemplate(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	srv := newTestServer(t, withHelpdesk(st))

	anon := newClient(t, srv)
	if rec := anon.get("/admin/mdm"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/admin/login") {
		t.Errorf("GET /admin/mdm signed out: %d to %q, want 303 to the sign-in", rec.Code, rec.Header().Get("Location"))
	}

	b := newClient(t, srv)
	b.signIn(testAgent, testPasswd)
	mustContain(t, "the helpdesk's navigation", b.get("/admin").Body.String(), `<a href="/admin/mdm">MDM templates</a>`)
	page := b.get("/admin/mdm")
	if page.Code != http.StatusOK {
		t.Fatalf("GET /admin/mdm: %d\n%s", page.Code, page.Body)
	}
	mustContain(t, "the MDM form", page.Body.String(), `<option value="jamf-pro" selected>Jamf Pro</option>`, `<option value="intune">Microsoft Intune</option>`, `name="csrf"`)
	csrf := csrfOf(t, page.Body.String())

	if rec := b.post("/admin/mdm", mdmForm("wrong", "jamf-pro", "btinternet.com", "imap")); rec.Code != http.StatusForbidden {
		t.Errorf("POST /admin/mdm with a wrong CSRF token: %d, want 403", rec.Code)
	}

	rec := b.post("/admin/mdm", mdmForm(csrf, "intune", "btinternet.com", "imap"))
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /admin/mdm: %d\n%s", rec.Code, rec.Body)
	}
	for h, want := range map[string]string{
		"Content-Type":        "application/x-apple-aspen-config",
		"Content-Disposition": `attachment; filename=btinternet.com-imap-intune.mobileconfig`,
		"Cache-Control":       "no-store",
	} {
		if got := rec.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	var m struct {
		ID      string `plist:"PayloadIdentifier"`
		Content []struct {
			EmailAddress string `plist:"EmailAddress"`
		} `plist:"PayloadContent"`
	}
	if _, err := plist.Unmarshal(rec.Body.Bytes(), &m); err != nil || len(m.Content) != 1 || m.Content[0].EmailAddress != "{{mail}}" {
		t.Fatalf("the download is no Intune template: %+v, %v\n%s", m, err, rec.Body)
	}
	if m.ID != "com.example.mailprofile.mdm.intune.btinternet.com.imap" {
		t.Errorf("PayloadIdentifier = %q", m.ID)
	}

	tests := []struct {
		name       string
		form       url.Values
		wantStatus int
		want       string
	}{
		{name: "no local part on Jamf Pro", form: mdmForm(csrf, "jamf-pro", "web.de", "imap"), wantStatus: http.StatusUnprocessableEntity,
			want: "Jamf Pro cannot fill IncomingMailServerUsername: WEB.DE signs in with the part of the address before the @, and Jamf Pro has no variable for it."},
		{name: "unknown domain", form: mdmForm(csrf, "kandji", "nowhere.example", "imap"), wantStatus: http.StatusNotFound, want: "No settings are known for nowhere.example"},
		{name: "unknown vendor", form: mdmForm(csrf, "jamf", "btinternet.com", "imap"), wantStatus: http.StatusBadRequest, want: "Choose a device management service from the list."},
		{name: "no type", form: mdmForm(csrf, "kandji", "btinternet.com", ""), wantStatus: http.StatusBadRequest, want: "Choose IMAP, POP, Microsoft Exchange or Google."},
		{name: "not a domain", form: mdmForm(csrf, "kandji", "<b>", "imap"), wantStatus: http.StatusBadRequest, want: "Type a mail domain"},
		{name: "generic without variable", form: mdmForm(csrf, "generic", "btinternet.com", "imap"), wantStatus: http.StatusBadRequest, want: "type the variable it replaces"},
		{name: "markup in a variable", form: mdmForm(csrf, "generic", "btinternet.com", "imap", "address_variable", `"><script>x</script>`), wantStatus: http.StatusBadRequest,
			want: `&#34;&gt;&lt;script&gt;x&lt;/script&gt;`},
		{name: "kind the provider lacks", form: mdmForm(csrf, "kandji", "btinternet.com", "exchange"), wantStatus: http.StatusUnprocessableEntity, want: "BT Mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := b.post("/admin/mdm", tt.form)
			body := rec.Body.String()
			if rec.Code != tt.wantStatus || !strings.Contains(body, tt.want) {
				t.Fatalf("POST /admin/mdm %v: %d, want %d and %q\n%s", tt.form, rec.Code, tt.wantStatus, tt.want, body)
			}
			if strings.Contains(body, "<script>x") {
				t.Error("the variable is not escaped")
			}
			mustContain(t, "the form again", body, `action="/admin/mdm"`, `value="`+attrEscaped(tt.form.Get("domain"))+`"`)
		})
	}

	// The agent's language.
	b.post("/admin/language", url.Values{"csrf": {csrf}, "lang": {"de"}, "next": {"/admin/mdm"}})
	rec = b.post("/admin/mdm", mdmForm(csrf, "jamf-pro", "web.de", "imap"))
	mustContain(t, "the German refusal", rec.Body.String(), "Jamf Pro kann IncomingMailServerUsername nicht füllen", `<a href="/admin/mdm">MDM-Vorlagen</a>`)
}

// attrEscaped is s as html/template writes it in an attribute.
func attrEscaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}
