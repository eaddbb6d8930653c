package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestSetupServices checks the review page's choice of calendars and
// contacts: offered only where the provider has them, ticked by default,
// following services= when named, and refused clearly when not offered.
func TestSetupServices(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name       string
		query, ua  string
		wantStatus int
		want       []string // parts of the page
		wantNot    []string
	}{
		{name: "Fastmail on an iPhone: both boxes, ticked", query: "email=someone@fastmail.com", ua: uaIPhone18, wantStatus: 200,
			want: []string{`<form method="get" action="/profile" id="services-form">`,
				`<input type="hidden" name="email" value="someone@fastmail.com">`, `<input type="hidden" name="type" value="imap">`,
				`<input type="hidden" name="services" value="mail">`,
				`id="service-calendar" name="services" value="calendar" checked>`,
				`id="service-contacts" name="services" value="contacts" checked>`,
				`<button class="button wide" id="download" type="submit">`,
				`<table class="settings" data-kind="CalDAV">`, `<td>https://caldav.fastmail.com/</td>`,
				`<table class="settings" data-kind="CardDAV">`, `<td>https://carddav.fastmail.com/</td>`},
			wantNot: []string{`<a class="button wide" id="download"`}},
		{name: "services named: the boxes follow them", query: "email=someone@fastmail.com&type=pop&services=mail,contacts&name=Some+One",
			ua: uaMacSafari, wantStatus: 200,
			want: []string{`id="service-calendar" name="services" value="calendar">`,
				`id="service-contacts" name="services" value="contacts" checked>`,
				`<input type="hidden" name="type" value="pop">`, `<input type="hidden" name="name" value="Some One">`}},
		{name: "a desktop visitor's link carries every service", query: "email=someone@fastmail.com", ua: "curl/8", wantStatus: 200,
			want: []string{`href="/profile?email=someone%40fastmail.com&amp;services=mail%2Ccalendar%2Ccontacts&amp;type=imap" id="download"`,
				`<table class="settings" data-kind="CalDAV">`},
			wantNot: []string{`id="services-form"`}},
		{name: "BT offers none: the plain link", query: "email=someone@btinternet.com", ua: uaIPhone18, wantStatus: 200,
			want:    []string{`<a class="button wide" id="download" href="/profile?email=someone%40btinternet.com&amp;type=imap">`},
			wantNot: []string{`services-form`, `service-calendar`, `data-kind="CalDAV"`}},
		{name: "asked of BT: refused by the form", query: "email=someone@btinternet.com&services=calendar", ua: uaIPhone18,
			wantStatus: 422, want: []string{`id="services-error"`, "BT Mail does not offer calendar beside its IMAP account: choose from mail"}},
		{name: "an unknown service", query: "email=someone@fastmail.com&services=fax", ua: uaIPhone18,
			wantStatus: 400, want: []string{`id="services-error"`, "Unknown service &#34;fax&#34;: choose from mail, calendar and contacts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, "/setup?"+tt.query, "User-Agent", tt.ua)
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET /setup?%s = %d, want %d", tt.query, rec.Code, tt.wantStatus)
			}
			body := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET /setup?%s: page lacks %s", tt.query, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(body, w) {
					t.Errorf("GET /setup?%s: page has %s", tt.query, w)
				}
			}
		})
	}
}

// TestAPIServices checks the services in the settings API: what each kind
// offers, the servers, services= carried into profile_url, and refusals.
func TestAPIServices(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.get(t, "/api/v1/settings?email=someone@fastmail.com&services=mail,calendar")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d; body: %s", rec.Code, rec.Body)
	}
	var got apiSettings
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Accounts) == 0 {
		t.Fatalf("no accounts in %s", rec.Body)
	}
	for _, a := range got.Accounts {
		if strings.Join(a.Services, ",") != "mail,calendar,contacts" || a.Calendar == nil || a.Calendar.Host != "caldav.fastmail.com" ||
			a.Contacts == nil || a.Contacts.PrincipalURL != "https://carddav.fastmail.com/" || a.Contacts.Username != "someone@fastmail.com" {
			t.Errorf("account %s = %+v, want every service and Fastmail's servers", a.Type, a)
		}
		if !strings.Contains(a.ProfileURL, "services=mail%2Ccalendar") {
			t.Errorf("account %s profile_url = %q, want the services asked for", a.Type, a.ProfileURL)
		}
	}
	if !strings.Contains(s.get(t, "/api/v1/settings?email=someone@btinternet.com").Body.String(), `"services":["mail"]`) {
		t.Errorf("BT's accounts do not say mail only")
	}
	for _, tt := range []struct {
		query      string
		wantStatus int
		wantBody   string
	}{
		{"email=someone@fastmail.com&services=mail,sms", 400, `unknown service \"sms\": choose from mail, calendar and contacts`},
		{"email=someone@btinternet.com&services=contacts", 422, "BT Mail does not offer contacts beside its IMAP account: choose from mail"},
	} {
		rec := s.get(t, "/api/v1/settings?"+tt.query)
		if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantBody) {
			t.Errorf("GET /api/v1/settings?%s = %d %s, want %d saying %q", tt.query, rec.Code, rec.Body, tt.wantStatus, tt.wantBody)
		}
	}
}
