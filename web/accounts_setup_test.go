package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestSetupAccounts checks the review page of the kinds that sign in on
// the provider's page, device by device: the download where the device
// installs it, else the device's own steps by OS version naming the
// option to choose, the iPad's download on a Mac's page, and the other
// kinds to switch to.
func TestSetupAccounts(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name, query, ua string
		status          int
		want, not       []string
	}{
		{name: "Outlook.com on an iPhone", query: "email=someone%40outlook.com&name=Ann", ua: uaIPhoneSafari, status: 200, want: []string{
			`<p id="intro" data-kind="exchange">`, "(Outlook.com, Microsoft Exchange) to your iPhone or iPad",
			`id="download" href="/profile?email=someone%40outlook.com&amp;name=Ann&amp;type=exchange"`,
			"sign in on <strong>Outlook.com</strong>’s own page", `<table class="settings" data-kind="Exchange">`, "outlook.office365.com",
			"Sign-in on the provider’s own page (OAuth)", `id="alt-hand"`, "Open <strong>Settings</strong> and tap <strong>Mail</strong>, then <strong>Accounts</strong>.",
			"Tap <strong>Add Account</strong>, then <strong>Outlook.com</strong>.", "Choose <strong>Microsoft Exchange</strong>.",
		}, not: []string{"Mail you send shows", "data-hand", `id="choices"`}},
		{name: "Outlook.com on iOS 18, by hand", query: "email=someone%40outlook.com", ua: uaIPhone18, status: 200, want: []string{
			"Open <strong>Settings</strong> and tap <strong>Apps</strong>, then <strong>Mail</strong>, then <strong>Mail Accounts</strong>.",
		}},
		{name: "Microsoft 365 on an iPhone", query: "email=someone%40onmicrosoft.com", ua: uaIPhoneSafari, status: 200, want: []string{
			"(Microsoft 365, Microsoft Exchange)", "Tap <strong>Add Account</strong>, then <strong>Microsoft Exchange</strong>.",
		}},
		{name: "Outlook.com on a Mac", query: "email=someone%40outlook.com", ua: uaMacSafari, status: 200, want: []string{
			"<h1>Add your account in System Settings</h1>", "works on iPhone and iPad only", `data-mac-steps data-hand`,
			"Open <strong>System Settings</strong> from the Apple menu, click <strong>Internet Accounts</strong>, then <strong>Add Account…</strong>.",
			`<details id="mac-version-hand">`, "macOS 12 Monterey and earlier: <strong>System Preferences &gt; Internet Accounts</strong>",
			"Choose <strong>Microsoft Exchange</strong>.", "sign in on Outlook.com’s own page",
			`id="download-ipad" href="/profile?device=ios&amp;email=someone%40outlook.com&amp;type=exchange"`,
		}, not: []string{`id="download"`, `class="error"`, `id="signature"`, `<table class="settings"`}},
		{name: "Exchange asked for on a Mac", query: "email=someone%40outlook.com&type=exchange", ua: uaMacSafari, status: 422, want: []string{
			"<h1>Add your account in System Settings</h1>", "Choose <strong>Microsoft Exchange</strong>.", `id="download-ipad"`,
		}, not: []string{`class="error"`}},
		{name: "Gmail on a Mac", query: "email=someone%40gmail.com", ua: uaMacSafari, status: 200, want: []string{
			`<p id="intro" data-kind="imap">`, "app password", `<p data-mac-only><a class="button wide" id="download" href="/profile?email=someone%40gmail.com&amp;type=imap"`,
			`id="alt-hand"`, "Or add it as a Google account, without an app password", "Choose <strong>Google</strong>.",
			`id="download-ipad" href="/profile?device=ios&amp;email=someone%40gmail.com&amp;type=google"`,
			`<a href="/setup?email=someone%40gmail.com&amp;type=google">Google account: signed in on Google’s own page</a> <span class="muted">(iPhone and iPad only)</span>`,
		}},
		{name: "Gmail on an iPhone", query: "email=someone%40gmail.com&name=Ann", ua: uaIPhoneSafari, status: 200, want: []string{
			`<p id="intro" data-kind="google">`, "the Google account <strong>someone@gmail.com</strong>", "Mail you send shows <strong>Ann</strong>",
			`id="google-account"`, `href="/setup?email=someone%40gmail.com&amp;name=Ann&amp;type=imap"`,
			"Tap <strong>Add Account</strong>, then <strong>Google</strong>.",
		}, not: []string{`<table class="settings"`, "app password from this profile"}},
		{name: "Outlook.com on iOS 11", query: "email=someone%40outlook.com", ua: uaIPhoneOld, status: 200, want: []string{
			"<h1>Add your account in Settings</h1>", "has iOS 11, and a profile for a Microsoft Exchange account needs iOS 12 or later",
			"Open <strong>Settings</strong> and tap <strong>Accounts &amp; Passwords</strong>.", "Tap <strong>Add Account</strong>, then <strong>Outlook.com</strong>.",
		}, not: []string{`id="download"`}},
		{name: "Outlook.com on Windows", query: "email=someone%40outlook.com", ua: uaWindowsChrome, status: 200, want: []string{
			`id="qr"`, `id="manual-signin"`, "Outlook.com takes only its own sign-in from other mail apps",
			`id="download">`,
		}, not: []string{`id="again-heading"`, `id="signature"`}},
		{name: "the device parameter", query: "email=someone%40outlook.com&device=ios", ua: uaMacSafari, status: 200, want: []string{
			`data-device="ios"`, `id="download" href="/profile?device=ios&amp;email=someone%40outlook.com&amp;type=exchange"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, "/setup?"+tt.query, "User-Agent", tt.ua)
			body := withoutBreaks(rec.Body.String())
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d", rec.Code, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %s", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("page has %s", n)
				}
			}
			if t.Failed() {
				t.Logf("page:\n%s", body)
			}
		})
	}
}

// TestSetupAccountsInGerman checks the steps by hand in another language.
func TestSetupAccountsInGerman(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.get(t, "/setup?email=someone%40outlook.com&lang=de", "User-Agent", uaMacSafari)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	mustContain(t, "German steps", rec.Body.String(), "Konto in den Systemeinstellungen hinzufügen",
		"Wählen Sie <strong>Microsoft Exchange</strong>.", "<strong>Internetaccounts</strong> und dann auf <strong>Account hinzufügen …</strong>")
}

func TestFormKinds(t *testing.T) {
	s := newTestServer(t, nil)
	for _, tt := range []struct{ query, checked string }{
		{"", `value="" checked`}, {"type=exchange", `value="exchange" checked`}, {"type=POP3", `value="pop" checked`},
		{"type=google&device=ios", `value="google" checked`},
	} {
		body := s.get(t, "/?"+tt.query).Body.String()
		if !strings.Contains(body, tt.checked) || strings.Count(body, " checked") != 1 {
			t.Errorf("/?%s: want only %s", tt.query, tt.checked)
		}
	}
	body := s.get(t, "/?device=ios").Body.String()
	mustContain(t, "form with device", body, `<input type="hidden" name="device" value="ios">`)
	rec := s.get(t, "/setup?email=someone%40btinternet.com&device=watch")
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="device-error"`) ||
		!strings.Contains(rec.Body.String(), "Unknown device &#34;watch&#34;: choose ios or macos.") {
		t.Errorf("device=watch: %d\n%s", rec.Code, rec.Body)
	}
}
