package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// User-Agents of the devices whose steps differ, as their browsers send them.
const (
	uaIPhoneIOS18 = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	// Chrome on a Mac says 10_15_7 whatever the version: the client hint tells.
	uaMacChrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	uaAndroid   = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)

var (
	iPhoneIOS18   = browserDevice{ua: uaIPhoneIOS18, width: 390, height: 844, mobile: true, touchPoints: 5}
	macChrome13   = browserDevice{ua: uaMacChrome, width: 1280, height: 800, macOS: "13.6.0"}
	macChrome15   = browserDevice{ua: uaMacChrome, width: 1280, height: 800, macOS: "15.1.0"}
	androidChrome = browserDevice{ua: uaAndroid, width: 412, height: 915, mobile: true, touchPoints: 5}
)

// hints is the client-hint metadata Chromium sends for dev: only on a
// Mac with a version, as Chrome there does; nil sends none.
func (dev browserDevice) hints() *emulation.UserAgentMetadata {
	if dev.macOS == "" {
		return nil
	}
	return &emulation.UserAgentMetadata{
		Brands:          []*emulation.UserAgentBrandVersion{{Brand: "Google Chrome", Version: "131"}},
		Platform:        "macOS",
		PlatformVersion: dev.macOS,
		Architecture:    "arm",
	}
}

// inLang is dev with its browser set to lang.
func inLang(dev browserDevice, lang string) browserDevice {
	dev.lang = lang
	return dev
}

// pageWords are, by language, the words of Apple's screens and of the
// page that the device tests look for.
var pageWords = map[string]struct {
	acceptLang string
	// deviceManagement and profiles13 are where profiles wait on macOS 15
	// and on 13 and 14; notification the step that clicks macOS's
	// notification; other the control that shows other versions.
	deviceManagement, profiles13, notification, other string
	// notVerified is Apple's label, warning the extra screen, next and
	// done the buttons after the password, appPassword its name.
	notVerified, warning, next, done, appPassword string
}{
	"en": {acceptLang: "en-GB,en", deviceManagement: "General &gt; Device Management", profiles13: "Privacy &amp; Security &gt; Profiles",
		notification: "Click the notification", other: "Another version of macOS?",
		notVerified: "Not Verified", warning: "warning screen", next: "Next", done: "Done", appPassword: "app password"},
	"de": {acceptLang: "de-DE,de", deviceManagement: "Allgemein &gt; Geräteverwaltung", profiles13: "Datenschutz &amp; Sicherheit &gt; Profile",
		notification: "Klicken Sie auf die Mitteilung", other: "Eine andere macOS-Version?",
		notVerified: "Nicht überprüft", warning: "Warnhinweis", next: "Weiter", done: "Fertig", appPassword: "App-Passwort"},
	"fr": {acceptLang: "fr-FR,fr", deviceManagement: "Général &gt; Gestion de l’appareil", profiles13: "Confidentialité et sécurité &gt; Profils",
		notification: "Cliquez sur la notification", other: "Une autre version de macOS ?",
		notVerified: "Non vérifié", warning: "écran d’avertissement", next: "Suivant", done: "OK", appPassword: "mot de passe d’application"},
}

// outerHTML is the outer HTML of the first element css matches.
func outerHTML(t *testing.T, b *browser, ctx context.Context, css string) string {
	t.Helper()
	return run(t, b, ctx, chromedp.OuterHTML(chromedp.CSS(css)))
}

// count is how many elements css matches.
func count(t *testing.T, b *browser, ctx context.Context, css string) int {
	t.Helper()
	return run(t, b, ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(css)+`).length`))
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

func mustLack(t *testing.T, where, got string, absent ...string) {
	t.Helper()
	for _, a := range absent {
		if strings.Contains(got, a) {
			t.Errorf("%s has %q:\n%s", where, a, got)
		}
	}
}

// TestBrowserMacSteps: Chrome's client hint picks the steps of the Mac's
// own macOS; Safari, which tells no version, gets the current macOS's
// steps with one control for the others, not a list of three.
func TestBrowserMacSteps(t *testing.T) {
	b := newBrowser(t)
	for lang, w := range pageWords {
		t.Run(lang, func(t *testing.T) {
			tests := []struct {
				name          string
				dev           browserDevice
				want, absent  []string
				otherVersions bool
			}{
				{"Safari", macSafari, []string{w.deviceManagement, w.notification}, []string{w.profiles13}, true},
				{"Chrome macOS 15", macChrome15, []string{w.deviceManagement, w.notification}, []string{w.profiles13}, false},
				{"Chrome macOS 13", macChrome13, []string{w.profiles13, w.notification}, []string{w.deviceManagement}, false},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					ctx := b.tab(t, inLang(tt.dev, w.acceptLang))
					b.do(t, ctx, chromedp.Navigate(b.server.URL+"/setup?email=someone%40btinternet.com&type=imap"),
						chromedp.WaitVisible(chromedp.CSS("#steps ol")))
					steps := outerHTML(t, b, ctx, "#steps ol")
					mustContain(t, "Mac steps", steps, tt.want...)
					if got := count(t, b, ctx, "#steps details#mac-version"); got != map[bool]int{true: 1}[tt.otherVersions] {
						t.Fatalf("%d controls for other macOS versions, want %v", got, tt.otherVersions)
					}
					if !tt.otherVersions {
						mustLack(t, "Mac steps", steps, tt.absent...)
						return
					}
					// The other versions are folded: one click shows them.
					if run(t, b, ctx, chromedp.Evaluate[bool](`document.getElementById("mac-version").open`)) {
						t.Error("the other macOS versions are open: the page shows more than one version's steps")
					}
					b.do(t, ctx, chromedp.Click(chromedp.CSS("#mac-version summary")), chromedp.WaitVisible(chromedp.CSS("#mac-version ul")))
					mustContain(t, "other macOS versions", outerHTML(t, b, ctx, "#mac-version"), w.profiles13, w.other)
				})
			}
		})
	}
}

// TestBrowserOtherDevices: Android and Windows get their own page: the
// settings of the kind chosen first, then the QR code for an iPhone, and
// none of what only an Apple device needs.
func TestBrowserOtherDevices(t *testing.T) {
	b := newBrowser(t)
	for _, dev := range []struct {
		name string
		dev  browserDevice
	}{{"Android", androidChrome}, {"Windows", windowsChrome}} {
		for lang, w := range pageWords {
			for _, kind := range []struct{ typ, table, notTable string }{{"imap", "IMAP", "POP3"}, {"pop", "POP3", "IMAP"}} {
				t.Run(dev.name+"/"+lang+"/"+kind.typ, func(t *testing.T) {
					ctx := b.tab(t, inLang(dev.dev, w.acceptLang))
					b.do(t, ctx, chromedp.Navigate(b.server.URL+"/setup?email=someone%40btinternet.com&type="+kind.typ),
						chromedp.WaitVisible(chromedp.CSS("#steps")))
					if got := attr(t, b, ctx, "#steps", "data-device"); got != "other" {
						t.Errorf("steps for %q, want other", got)
					}
					if n := count(t, b, ctx, `table.settings[data-kind="`+kind.table+`"]`); n != 1 {
						t.Errorf("%d %s tables, want 1", n, kind.table)
					}
					if n := count(t, b, ctx, `table.settings[data-kind="`+kind.notTable+`"]`); n != 0 {
						t.Errorf("%d %s tables for type=%s, want none", n, kind.notTable, kind.typ)
					}
					// The settings come first, then the hand-off to an iPhone.
					first := run(t, b, ctx, chromedp.Evaluate[bool](`!!(document.querySelector("table.settings").compareDocumentPosition(document.getElementById("qr")) & Node.DOCUMENT_POSITION_FOLLOWING)`))
					if !first {
						t.Error("the QR code comes before the settings")
					}
					for _, css := range []string{"#again-heading", "#signature", "#others-heading", "#download.button"} {
						if n := count(t, b, ctx, css); n != 0 {
							t.Errorf("the page has %s, which only an Apple device needs", css)
						}
					}
					// TestBrowser reads the QR code and follows the download.
					mustLack(t, "page", outerHTML(t, b, ctx, "main"), w.notVerified)
				})
			}
		}
	}
}
