package web

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

// payloadTypes are the PayloadTypes of a profile's payloads, in order.
func payloadTypes(t *testing.T, sum *profile.Summary) []string {
	t.Helper()
	var out []string
	for _, p := range sum.Payloads {
		out = append(out, p.Type)
	}
	return out
}

const (
	mailType    = "com.apple.mail.managed"
	calDAVType  = "com.apple.caldav.account"
	cardDAVType = "com.apple.carddav.account"
)

// TestDownloadServices downloads profiles with and without calendars and
// contacts, and checks what is refused and how.
func TestDownloadServices(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name       string
		query      string
		wantStatus int
		wantTypes  []string
		wantBody   string // part of the error message
	}{
		{name: "no services is mail only", query: "email=someone@fastmail.com&type=imap",
			wantStatus: 200, wantTypes: []string{mailType}},
		{name: "every service", query: "email=someone@fastmail.com&type=imap&services=mail,calendar,contacts",
			wantStatus: 200, wantTypes: []string{mailType, calDAVType, cardDAVType}},
		{name: "as the review page's form sends it", query: "email=someone@fastmail.com&type=imap&services=mail&services=contacts",
			wantStatus: 200, wantTypes: []string{mailType, cardDAVType}},
		{name: "POP with the calendar, without a type", query: "email=someone@fastmail.com&type=pop&services=CALENDAR,mail",
			wantStatus: 200, wantTypes: []string{mailType, calDAVType}},
		{name: "calendars alone", query: "email=someone@fastmail.com&services=calendar",
			wantStatus: 200, wantTypes: []string{calDAVType}},
		{name: "an unknown service", query: "email=someone@fastmail.com&services=mail,fax",
			wantStatus: 400, wantBody: `unknown service \"fax\": choose from mail, calendar and contacts`},
		{name: "nothing but commas", query: "email=someone@fastmail.com&services=,,",
			wantStatus: 400, wantBody: "choose at least one service: mail, calendar or contacts"},
		{name: "a provider without calendars", query: "email=someone@btinternet.com&services=mail,calendar",
			wantStatus: 422, wantBody: "BT Mail does not offer calendar beside its IMAP account: choose from mail"},
		{name: "a provider without calendars, mail only", query: "email=someone@btinternet.com&services=mail",
			wantStatus: 200, wantTypes: []string{mailType}},
		{name: "an Exchange account brings its own", query: "email=someone@outlook.com&type=exchange&services=contacts",
			wantStatus: 422, wantBody: "does not offer contacts beside its Exchange account: choose from mail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, "/profile?"+tt.query, "User-Agent", uaIPhone18, "Accept", "application/json")
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET /profile?%s = %d, want %d; body: %s", tt.query, rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus != http.StatusOK {
				if !strings.Contains(rec.Body.String(), tt.wantBody) {
					t.Errorf("GET /profile?%s body = %s, want it to say %q", tt.query, rec.Body, tt.wantBody)
				}
				return
			}
			sum, err := profile.Parse(verifyProfile(t, rec.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if len(sum.Problems) > 0 {
				t.Errorf("profile problems: %v", sum.Problems)
			}
			if got := payloadTypes(t, sum); !slices.Equal(got, tt.wantTypes) {
				t.Errorf("GET /profile?%s payloads = %q, want %q", tt.query, got, tt.wantTypes)
			}
			for _, p := range sum.Payloads {
				for _, d := range []*profile.DAVSummary{p.CalDAV, p.CardDAV} {
					if d == nil {
						continue
					}
					if !d.UseSSL || d.HasPassword || d.Port != 443 || d.Username != "someone@fastmail.com" ||
						!strings.HasPrefix(d.PrincipalURL, "https://"+d.Host+"/") {
						t.Errorf("%s payload = %+v, want SSL, no password, port 443, the full address, a principal URL on its host", p.Type, d)
					}
				}
			}
		})
	}
}

// TestFastmailServicesSharedChecker checks a signed Fastmail profile with
// mail, calendars and contacts with the shared checker, which reads every
// key against Apple's schema (com.apple.caldav.account.yaml,
// com.apple.carddav.account.yaml).
func TestFastmailServicesSharedChecker(t *testing.T) {
	tool := filepath.Join("..", "..", "shared", "tools", "verify-profile")
	if _, err := os.Stat(tool); err != nil {
		t.Skip("skipping the shared profile checker: ../shared is not beside this clone")
	}
	python := pythonWithYAML(t)
	if python == "" {
		t.Skip("no python3 with PyYAML: run scripts/test, which installs python3-yaml")
	}
	s := newTestServer(t, nil)
	rec := s.get(t, "/profile?email=someone@fastmail.com&type=imap&services=mail,calendar,contacts", "User-Agent", uaIPhone18)
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d, want 200; body: %s", rec.Code, rec.Body)
	}
	f := filepath.Join(t.TempDir(), "fastmail.mobileconfig")
	if err := os.WriteFile(f, rec.Body.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, expect := range []map[string]any{
		{"PayloadType": mailType, "IncomingMailServerHostName": "imap.fastmail.com", "IncomingMailServerUsername": "someone@fastmail.com"},
		{"PayloadType": calDAVType, "CalDAVHostName": "caldav.fastmail.com", "CalDAVPort": 443, "CalDAVUseSSL": true,
			"CalDAVPrincipalURL": "https://caldav.fastmail.com/", "CalDAVUsername": "someone@fastmail.com"},
		{"PayloadType": cardDAVType, "CardDAVHostName": "carddav.fastmail.com", "CardDAVPort": 443, "CardDAVUseSSL": true,
			"CardDAVPrincipalURL": "https://carddav.fastmail.com/", "CardDAVUsername": "someone@fastmail.com"},
	} {
		want, _ := json.Marshal(expect)
		out, err := exec.Command(python, tool, f, "--expect-types", mailType+","+calDAVType+","+cardDAVType,
			"--expect", string(want)).CombinedOutput()
		if err != nil {
			t.Fatalf("verify-profile --expect %s: %v\n%s", want, err, out)
		}
		var summary struct{ Signed bool }
		if err := json.Unmarshal(out, &summary); err != nil || !summary.Signed {
			t.Fatalf("verify-profile summary %s: want a signed profile", out)
		}
	}
}

// TestServicesCachedApart checks that the profile cache and its fast path
// keep profiles with different services apart: the same address asked
// for again, with or without calendars, gets what it asked for.
func TestServicesCachedApart(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.ProfileCacheSize = 16 })
	for i, tt := range []struct {
		query string
		want  int // payloads
	}{
		{"email=someone@fastmail.com&type=imap&services=mail,calendar,contacts", 3},
		{"email=someone@fastmail.com&type=imap", 1},
		{"email=someone@fastmail.com&type=imap&services=mail,calendar,contacts", 3},
		{"email=someone@fastmail.com&type=imap&services=mail&services=calendar", 2},
		{"email=someone@fastmail.com&type=imap", 1},
		{"email=someone@fastmail.com&type=imap&services=mail", 1},
		{"email=someone@fastmail.com&type=imap&services=mail&services=calendar", 2},
	} {
		rec := s.get(t, "/profile?"+tt.query, "User-Agent", uaIPhone18)
		if rec.Code != http.StatusOK {
			t.Fatalf("%d: GET /profile?%s = %d; body: %s", i, tt.query, rec.Code, rec.Body)
		}
		sum, err := profile.Parse(verifyProfile(t, rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if len(sum.Payloads) != tt.want {
			t.Errorf("%d: GET /profile?%s has %d payloads, want %d", i, tt.query, len(sum.Payloads), tt.want)
		}
	}
}
