package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mailprofile/mailprofile/store"
)

// helpdeskTexts are a few texts of each helpdesk page, per language.
var helpdeskTexts = map[string]struct{ signIn, wrong, newLink, send, code string }{
	"en": {"Helpdesk sign-in", "Wrong user name or password.", "New link", "Send this link to the customer", "Make a short code for the phone"},
	"de": {"Anmeldung am Helpdesk", "Benutzername oder Passwort falsch.", "Neuer Link", "Diesen Link an den Kunden senden", "Kurzcode fürs Telefon erstellen"},
	"fr": {"Connexion à l’assistance", "Nom d’utilisateur ou mot de passe incorrect.", "Nouveau lien", "Envoyez ce lien au client", "Créer un code court pour le téléphone"},
}

// inZone makes the tab's browser live in a time zone.
func (b *browser) inZone(t *testing.T, ctx context.Context, zone string) {
	t.Helper()
	b.do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	}))
}

// signInAndCreate signs the tab in (after one wrong password) and makes a
// link, leaving the tab on the link's page.
func (b *browser) signInAndCreate(t *testing.T, ctx context.Context, texts struct{ signIn, wrong, newLink, send, code string }) {
	t.Helper()
	b.do(t, ctx,
		chromedp.Navigate(b.server.URL+"/admin"),
		chromedp.WaitVisible(chromedp.CSS("#password")),
		chromedp.SendKeys(chromedp.CSS("#name"), testAgent),
		chromedp.SendKeys(chromedp.CSS("#password"), "wrong password!!"),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#login-error")),
	)
	mustContain(t, "wrong password", text(t, b, ctx, "main"), texts.signIn, texts.wrong)
	if got := run(t, b, ctx, chromedp.Evaluate[string](`document.activeElement.id`)); got != "password" {
		t.Errorf("after a wrong password the focus is on %q, want the password", got)
	}
	b.do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#password"), testPasswd),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#new-heading")),
	)
	mustContain(t, "links page", text(t, b, ctx, "main"), texts.newLink)
	b.do(t, ctx,
		chromedp.SendKeys(chromedp.CSS("#email"), "someone@btinternet.com"),
		chromedp.Click(chromedp.CSS(`form[action="/admin/links"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#link-url")),
	)
}

// TestHelpdeskBrowserLanguages runs the helpdesk in English, German and
// French: the sign-in with a wrong password first (the focus goes to the
// password), a link made, its page in the language with the times in the
// browser's zone, and the list's columns wide enough to read.
func TestHelpdeskBrowserLanguages(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	b := newBrowser(t, withHelpdesk(st))
	for _, lang := range []string{"en", "de", "fr"} {
		t.Run(lang, func(t *testing.T) {
			dev := windowsChrome
			dev.lang = lang
			ctx := b.tab(t, dev)
			b.inZone(t, ctx, "Europe/Paris")
			texts := helpdeskTexts[lang]
			b.signInAndCreate(t, ctx, texts)
			if got := attr(t, b, ctx, "html", "lang"); got != lang {
				t.Errorf("html lang = %q, want %s", got, lang)
			}
			mustContain(t, "link page", text(t, b, ctx, "main"), texts.send, texts.code, "mail.btinternet.com")
			// The fixed test date is in winter: Paris is on CET.
			expiry := text(t, b, ctx, ".new-link time")
			if !strings.HasSuffix(expiry, " CET") || !strings.HasSuffix(attr(t, b, ctx, ".new-link time", "title"), " UTC") {
				t.Errorf("expiry %q, want it in CET with UTC on hover", expiry)
			}
			// The message text has a copy button that says it copied.
			b.do(t, ctx, chromedp.WaitVisible(chromedp.CSS(`button[data-copy="message"]`)), chromedp.Click(chromedp.CSS(`button[data-copy="message"]`)))
			run(t, b, ctx, chromedp.Poll[bool](`document.getElementById("message-status").textContent !== ""`))

			b.do(t, ctx, chromedp.Navigate(b.server.URL+"/admin"), chromedp.WaitVisible(chromedp.CSS("table.links")))
			narrow := run(t, b, ctx, chromedp.Evaluate[string](
				`Array.from(document.querySelectorAll("table.links th")).filter(th => th.offsetWidth < 60).map(th => th.textContent + "=" + th.offsetWidth).join(", ")`))
			if narrow != "" {
				t.Errorf("list columns narrower than 60 px at 1280 px: %s", narrow)
			}
		})
	}
}

// TestHelpdeskPhoneLayout: at 390 px, making a link and showing it with
// its QR code fit without sideways scrolling.
func TestHelpdeskPhoneLayout(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	b := newBrowser(t, withHelpdesk(st))
	ctx := b.tab(t, iPhoneSafari)
	wide := func(where string) {
		t.Helper()
		if w := run(t, b, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 390 {
			t.Errorf("%s is %d px wide at 390 px", where, w)
		}
	}
	b.do(t, ctx, chromedp.Navigate(b.server.URL+"/admin/login"), chromedp.WaitVisible(chromedp.CSS("#name")))
	wide("the sign-in page")
	b.signInAndCreate(t, ctx, helpdeskTexts["en"])
	run(t, b, ctx, chromedp.Poll[bool](`document.querySelector(".new-link .qr img").complete`))
	wide("the link's page")
	b.do(t, ctx, chromedp.Navigate(b.server.URL+"/admin"), chromedp.WaitVisible(chromedp.CSS("#new-heading")))
	wide("the new-link form")
}

// TestHelpdeskScreenshots writes the helpdesk's screenshots linked from
// the README, in English, German and French:
//
//	go test ./web -run TestHelpdeskScreenshots -screenshots
func TestHelpdeskScreenshots(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("writes docs/screenshots only with -screenshots")
	}
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	b := newBrowser(t, withHelpdesk(st))
	dir := filepath.Join("..", "docs", "screenshots")
	for _, shot := range []struct {
		lang  string
		dev   browserDevice
		width string
	}{{"en", windowsChrome, "1280"}, {"de", windowsChrome, "1280"}, {"fr", iPhoneSafari, "390"}, {"de", iPhoneSafari, "390"}} {
		dev := shot.dev
		dev.lang = shot.lang
		ctx := b.tab(t, dev)
		b.inZone(t, ctx, "Europe/Berlin")
		b.signInAndCreate(t, ctx, helpdeskTexts[shot.lang])
		run(t, b, ctx, chromedp.Poll[bool](`document.querySelector(".new-link .qr img").complete`))
		save := func(page string) {
			name := filepath.Join(dir, fmt.Sprintf("helpdesk-%s-%s-%s.png", page, shot.width, shot.lang))
			if err := os.WriteFile(name, recompress(t, run(t, b, ctx, chromedp.FullScreenshot(100))), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("wrote %s", name)
		}
		save("link")
		b.do(t, ctx, chromedp.Navigate(b.server.URL+"/admin"), chromedp.WaitVisible(chromedp.CSS("table.links")))
		save("links")
		b.do(t, ctx, chromedp.Navigate(b.server.URL+"/admin/audit"), chromedp.WaitVisible(chromedp.CSS("table.audit")))
		save("audit")
		b.do(t, ctx, chromedp.Navigate(b.server.URL+"/admin/mdm"), chromedp.WaitVisible(chromedp.CSS("select#vendor")))
		save("mdm")
	}
}
