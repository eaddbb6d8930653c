package profile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"
)

// fastmailAccount is a Fastmail IMAP account with the services svc, its
// CalDAV and CardDAV servers as the built-in catalog has them.
func fastmailAccount(t testing.TB, email string, proto Protocol, svc Services) Account {
	t.Helper()
	addr, err := ParseAddress(email)
	if err != nil {
		t.Fatalf("ParseAddress(%q): %v", email, err)
	}
	in := Server{Host: "imap.fastmail.com", Port: 993, UseSSL: true, Auth: AuthPassword, Username: addr.String()}
	if proto == POP {
		in.Host, in.Port = "pop.fastmail.com", 995
	}
	return Account{
		Address:  addr,
		Name:     "Some One",
		Protocol: proto,
		Provider: "Fastmail",
		Incoming: in,
		Outgoing: Server{Host: "smtp.fastmail.com", Port: 465, UseSSL: true, Auth: AuthPassword, Username: addr.String()},
		Services: svc,
		Calendar: DAVServer{Host: "caldav.fastmail.com", Port: 443, PrincipalURL: "https://caldav.fastmail.com/", Username: addr.String()},
		Contacts: DAVServer{Host: "carddav.fastmail.com", Port: 443, PrincipalURL: "https://carddav.fastmail.com/", Username: addr.String()},
	}
}

func TestBuildGoldenServices(t *testing.T) {
	tests := []struct {
		golden string
		acct   Account
		types  string
	}{
		{"fastmail-dav.plist", fastmailAccount(t, "someone@fastmail.com", IMAP, AllServices),
			"com.apple.mail.managed,com.apple.caldav.account,com.apple.carddav.account"},
		{"fastmail-calendar.plist", fastmailAccount(t, "someone@fastmail.com", POP, ServiceMail|ServiceCalendar),
			"com.apple.mail.managed,com.apple.caldav.account"},
		{"fastmail-dav-only.plist", fastmailAccount(t, "someone@fastmail.com", IMAP, ServiceCalendar|ServiceContacts),
			"com.apple.caldav.account,com.apple.carddav.account"},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			checkSharedToolTypes(t, golden(t, tt.golden, tt.acct), tt.types)
		})
	}
}

// checkSharedToolTypes runs ../../shared/tools/verify-profile on an
// unsigned profile, with the payload types it must hold.
func checkSharedToolTypes(t *testing.T, path, types string) {
	t.Helper()
	tool := filepath.Join("..", "..", "shared", "tools", "verify-profile")
	if _, err := os.Stat(tool); err != nil {
		t.Log("skipping the shared profile checker: ../shared is not beside this clone")
		return
	}
	if exec.Command("python3", "-c", "import yaml").Run() != nil {
		t.Skip("no python3 with PyYAML: run scripts/test, which installs python3-yaml")
	}
	if out, err := exec.Command("python3", tool, path, "--unsigned-ok", "--expect-types", types).CombinedOutput(); err != nil {
		t.Errorf("verify-profile %s --expect-types %s: %v\n%s", path, types, err, out)
	}
}

// payloads decodes a built profile's payloads by type.
func payloads(t *testing.T, doc []byte) (map[string]any, map[string]map[string]any) {
	t.Helper()
	var root map[string]any
	if _, err := plist.Unmarshal(doc, &root); err != nil {
		t.Fatalf("plist.Unmarshal: %v", err)
	}
	out := map[string]map[string]any{}
	for _, p := range root["PayloadContent"].([]any) {
		d := p.(map[string]any)
		out[d["PayloadType"].(string)] = d
	}
	return root, out
}

func TestBuildDAVKeys(t *testing.T) {
	doc, err := Build(fastmailAccount(t, "Some.One@fastmail.com", IMAP, AllServices), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	root, ps := payloads(t, doc)
	if len(ps) != 3 {
		t.Fatalf("payload types %v, want mail, CalDAV and CardDAV", ps)
	}
	for typ, want := range map[string]map[string]any{
		"com.apple.caldav.account": {
			"CalDAVAccountDescription": "Some.One@fastmail.com", "CalDAVHostName": "caldav.fastmail.com",
			"CalDAVPort": uint64(443), "CalDAVPrincipalURL": "https://caldav.fastmail.com/", "CalDAVUseSSL": true,
			"CalDAVUsername": "Some.One@fastmail.com", "PayloadDisplayName": "Some.One@fastmail.com (Calendars)",
			"PayloadIdentifier": "com.example.mailprofile.some.one_40fastmail.com.caldav", "PayloadVersion": uint64(1),
			"PayloadOrganization": "Example ISP",
		},
		"com.apple.carddav.account": {
			"CardDAVAccountDescription": "Some.One@fastmail.com", "CardDAVHostName": "carddav.fastmail.com",
			"CardDAVPort": uint64(443), "CardDAVPrincipalURL": "https://carddav.fastmail.com/", "CardDAVUseSSL": true,
			"CardDAVUsername": "Some.One@fastmail.com", "PayloadDisplayName": "Some.One@fastmail.com (Contacts)",
			"PayloadIdentifier": "com.example.mailprofile.some.one_40fastmail.com.carddav", "PayloadVersion": uint64(1),
		},
	} {
		got := ps[typ]
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s %s = %#v, want %#v", typ, k, got[k], v)
			}
		}
		for k := range got {
			if strings.Contains(k, "Password") {
				t.Errorf("%s carries %s", typ, k)
			}
		}
	}
	if got := root["PayloadDescription"]; got != "Sets up mail, calendars and contacts for Some.One@fastmail.com (Fastmail). "+
		"Your password is not in this profile: you type it while installing, once for each account." {
		t.Errorf("PayloadDescription = %q", got)
	}
	if _, ok := root["TargetDeviceType"]; ok {
		t.Error("TargetDeviceType is set: CalDAV, CardDAV and IMAP install on a Mac too")
	}
}

// TestBuildDAVIdentifiers checks that the identifiers are stable per
// address and service: the calendar and contacts accounts keep theirs
// whatever the mail account beside them, so a new download updates them
// in place; the mail payload keeps its own; the profile keeps its
// identifier and gets a UUID of its own for each set of services.
func TestBuildDAVIdentifiers(t *testing.T) {
	ids := func(acct Account) (map[string]any, map[string]map[string]any) {
		t.Helper()
		doc, err := Build(acct, testOptions)
		if err != nil {
			t.Fatal(err)
		}
		return payloads(t, doc)
	}
	mailRoot, mailOnly := ids(fastmailAccount(t, "someone@fastmail.com", IMAP, 0))
	imapRoot, imap := ids(fastmailAccount(t, "someone@fastmail.com", IMAP, AllServices))
	popRoot, pop := ids(fastmailAccount(t, "someone@fastmail.com", POP, AllServices))
	_, other := ids(fastmailAccount(t, "other@fastmail.com", IMAP, AllServices))
	calRoot, cal := ids(fastmailAccount(t, "someone@fastmail.com", IMAP, ServiceMail|ServiceCalendar))
	const mail, caldav, carddav = "com.apple.mail.managed", "com.apple.caldav.account", "com.apple.carddav.account"
	for _, typ := range []string{caldav, carddav} {
		if imap[typ]["PayloadUUID"] != pop[typ]["PayloadUUID"] || imap[typ]["PayloadIdentifier"] != pop[typ]["PayloadIdentifier"] {
			t.Errorf("%s identifiers differ between IMAP and POP: the account would be made again", typ)
		}
		if imap[typ]["PayloadUUID"] == other[typ]["PayloadUUID"] {
			t.Errorf("%s UUID is the same for two addresses", typ)
		}
	}
	if cal[caldav]["PayloadUUID"] != imap[caldav]["PayloadUUID"] {
		t.Error("the CalDAV UUID depends on whether contacts come along")
	}
	if mailOnly[mail]["PayloadUUID"] != imap[mail]["PayloadUUID"] {
		t.Error("the mail payload's UUID changes when calendars and contacts come along")
	}
	for _, r := range []map[string]any{imapRoot, popRoot, calRoot} {
		if r["PayloadIdentifier"] != mailRoot["PayloadIdentifier"] {
			t.Errorf("PayloadIdentifier = %v, want %v: the profile would not replace the mail-only one", r["PayloadIdentifier"], mailRoot["PayloadIdentifier"])
		}
	}
	seen := map[any]bool{}
	for _, r := range []map[string]any{mailRoot, imapRoot, popRoot, calRoot} {
		if seen[r["PayloadUUID"]] {
			t.Errorf("two different profiles share the top-level UUID %v", r["PayloadUUID"])
		}
		seen[r["PayloadUUID"]] = true
	}
}

func TestValidateDAV(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Account)
		want string // part of the error; "" for none
	}{
		{"fine", func(*Account) {}, ""},
		{"calendar without host", func(a *Account) { a.Calendar.Host = "" }, "CalDAV server has no host name"},
		{"contacts port", func(a *Account) { a.Contacts.Port = 0 }, "CardDAV server port 0 out of range"},
		{"principal over http", func(a *Account) { a.Calendar.PrincipalURL = "http://caldav.fastmail.com/" }, "not an https URL"},
		{"principal with a password", func(a *Account) { a.Calendar.PrincipalURL = "https://u:p@caldav.fastmail.com/" }, "not an https URL"},
		{"principal elsewhere", func(a *Account) { a.Contacts.PrincipalURL = "https://evil.example/" }, "not on carddav.fastmail.com:443"},
		{"principal on another port", func(a *Account) { a.Contacts.PrincipalURL = "https://carddav.fastmail.com:8443/" }, "not on carddav.fastmail.com:443"},
		{"no principal", func(a *Account) { a.Calendar.PrincipalURL = "" }, ""},
		{"control character", func(a *Account) { a.Calendar.Username = "a\nb" }, "CalDAV server user name"},
		{"unknown service", func(a *Account) { a.Services |= 1 << 6 }, "only mail, calendar and contacts"},
		{"exchange with calendars", func(a *Account) {
			a.Protocol, a.Outgoing = Exchange, Server{}
			a.Incoming = Server{Host: "outlook.office365.com", Port: 443, UseSSL: true, Auth: AuthOAuth}
		}, "Exchange account takes no CalDAV or CardDAV payload"},
		{"google with contacts", func(a *Account) {
			a.Protocol, a.Incoming, a.Outgoing, a.Services = Google, Server{}, Server{}, ServiceMail|ServiceContacts
		}, "Google account takes no CalDAV or CardDAV payload"},
		{"calendar only needs no mail servers", func(a *Account) {
			a.Services, a.Incoming, a.Outgoing = ServiceCalendar, Server{}, Server{}
		}, ""},
		{"calendar only, unknown kind", func(a *Account) { a.Services, a.Protocol = ServiceCalendar, "x" }, "is not imap or pop"},
		{"unused server is not checked", func(a *Account) { a.Services, a.Contacts = ServiceMail|ServiceCalendar, DAVServer{} }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := fastmailAccount(t, "someone@fastmail.com", IMAP, AllServices)
			tt.edit(&a)
			err := a.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestParseDAVProfile(t *testing.T) {
	doc, err := Build(fastmailAccount(t, "someone@fastmail.com", IMAP, AllServices), testOptions)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(doc)
	if err != nil || len(s.Problems) != 0 {
		t.Fatalf("Parse() = %+v, %v; want no problems", s, err)
	}
	if len(s.Payloads) != 3 || s.Payloads[1].CalDAV == nil || s.Payloads[2].CardDAV == nil {
		t.Fatalf("payloads = %+v, want mail, CalDAV, CardDAV", s.Payloads)
	}
	if got := *s.Payloads[1].CalDAV; got.Host != "caldav.fastmail.com" || got.Port != 443 || !got.UseSSL || got.HasPassword {
		t.Errorf("CalDAV summary = %+v", got)
	}
	bad := bytes.Replace(doc, []byte("<key>CalDAVUseSSL</key>\n<true/>"), []byte("<key>CalDAVUseSSL</key>\n<false/>\n<key>CalDAVPassword</key>\n<string>x</string>"), 1)
	s, err = Parse(bad)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CalDAVUseSSL is false", "CalDAVPassword is set"}
	if len(s.Problems) != len(want) {
		t.Fatalf("Problems = %q, want %d about %q", s.Problems, len(want), want)
	}
	for i, w := range want {
		if !strings.Contains(s.Problems[i], w) {
			t.Errorf("Problems[%d] = %q, want it to say %q", i, s.Problems[i], w)
		}
	}
	if !s.Payloads[1].CalDAV.HasPassword {
		t.Error("HasPassword is false for a payload with CalDAVPassword")
	}
}

// calDAVLibrary and cardDAVLibrary are davPayload as the library can
// reflect on it, for TestEncodeDAVMatchesLibrary.
type calDAVLibrary struct {
	CalDAVAccountDescription string `plist:"CalDAVAccountDescription"`
	CalDAVHostName           string `plist:"CalDAVHostName"`
	CalDAVPort               int    `plist:"CalDAVPort"`
	CalDAVPrincipalURL       string `plist:"CalDAVPrincipalURL,omitempty"`
	CalDAVUseSSL             bool   `plist:"CalDAVUseSSL"`
	CalDAVUsername           string `plist:"CalDAVUsername,omitempty"`
	PayloadDescription       string `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName       string `plist:"PayloadDisplayName"`
	PayloadIdentifier        string `plist:"PayloadIdentifier"`
	PayloadOrganization      string `plist:"PayloadOrganization,omitempty"`
	PayloadType              string `plist:"PayloadType"`
	PayloadUUID              string `plist:"PayloadUUID"`
	PayloadVersion           int    `plist:"PayloadVersion"`
}

type cardDAVLibrary struct {
	CardDAVAccountDescription string `plist:"CardDAVAccountDescription"`
	CardDAVHostName           string `plist:"CardDAVHostName"`
	CardDAVPort               int    `plist:"CardDAVPort"`
	CardDAVPrincipalURL       string `plist:"CardDAVPrincipalURL,omitempty"`
	CardDAVUseSSL             bool   `plist:"CardDAVUseSSL"`
	CardDAVUsername           string `plist:"CardDAVUsername,omitempty"`
	PayloadDescription        string `plist:"PayloadDescription,omitempty"`
	PayloadDisplayName        string `plist:"PayloadDisplayName"`
	PayloadIdentifier         string `plist:"PayloadIdentifier"`
	PayloadOrganization       string `plist:"PayloadOrganization,omitempty"`
	PayloadType               string `plist:"PayloadType"`
	PayloadUUID               string `plist:"PayloadUUID"`
	PayloadVersion            int    `plist:"PayloadVersion"`
}

// TestEncodeDAVMatchesLibrary holds the DAV payloads' encoding to the
// library's, as TestEncodeMatchesLibrary does the others.
func TestEncodeDAVMatchesLibrary(t *testing.T) {
	for _, tt := range []struct{ s1, s2, s3 string }{
		{"", "", ""}, {"a@b.com", "caldav.b.com", "https://caldav.b.com/dav/a@b.com/"}, {`<&>"'`, "\u00e9\t", "x\x01y"},
	} {
		p := davPayload{prefix: "CalDAV", AccountDescription: tt.s1, HostName: tt.s2, Port: 443, PrincipalURL: tt.s3, UseSSL: true,
			Username: tt.s1, PayloadDescription: tt.s2, PayloadDisplayName: tt.s3, PayloadIdentifier: tt.s1,
			PayloadOrganization: tt.s2, PayloadType: calDAVType, PayloadUUID: tt.s3, PayloadVersion: 1}
		lib := calDAVLibrary{p.AccountDescription, p.HostName, p.Port, p.PrincipalURL, p.UseSSL, p.Username, p.PayloadDescription,
			p.PayloadDisplayName, p.PayloadIdentifier, p.PayloadOrganization, p.PayloadType, p.PayloadUUID, p.PayloadVersion}
		card := p
		card.prefix, card.PayloadType, card.UseSSL = "CardDAV", cardDAVType, false
		cardLib := cardDAVLibrary{card.AccountDescription, card.HostName, card.Port, card.PrincipalURL, card.UseSSL, card.Username,
			card.PayloadDescription, card.PayloadDisplayName, card.PayloadIdentifier, card.PayloadOrganization, card.PayloadType,
			card.PayloadUUID, card.PayloadVersion}
		for _, c := range []struct {
			p   davPayload
			lib any
		}{{p, lib}, {card, cardLib}} {
			doc := configuration{PayloadContent: []payload{c.p}, PayloadDisplayName: "x", PayloadVersion: 1}
			want := libraryEncode(t, libraryConfiguration{PayloadContent: []any{c.lib}, PayloadDisplayName: "x", PayloadVersion: 1})
			if got := encode(nil, doc); !bytes.Equal(got, want) {
				t.Errorf("encode(%s) =\n%s\nwant\n%s", c.p.prefix, got, want)
			}
		}
	}
}
