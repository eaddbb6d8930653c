package web

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// deadEndTexts are a few texts of the dead-end pages, per language.
var deadEndTexts = map[string]struct{ notFound, suggest, manualLink, manualTitle, unsigned, support, hostErr string }{
	"en": {"No settings are known for nowhere.example.", "Did you mean", "Enter the server settings yourself",
		"Enter your server settings", "Unsigned profile", "Not sure about a setting?", "not an IP address"},
	"de": {"Für nowhere.example sind keine Einstellungen bekannt.", "Meinten Sie", "Servereinstellungen selbst eingeben",
		"Servereinstellungen eingeben", "Nicht signiertes Profil", "Bei einer Einstellung unsicher?", "keine IP-Adresse"},
	"fr": {"Aucun réglage n’est connu pour nowhere.example.", "Vouliez-vous dire", "Saisir vous-même les réglages du serveur",
		"Saisir les réglages du serveur", "Profil non signé", "Un doute sur un réglage", "ni adresse IP"},
}

// withSupport is a server with the operator's support contact.
func withSupport(c *Config) {
	c.SupportURL = "https://help.example/"
	c.SupportPhone = "+44 800 123 4567"
}

// TestBrowserTypos types the misspelt domains in each language:
// the address stays as typed, and a link offers the catalog domain with
// the rest of the form kept; following it leads to the review page.
func TestBrowserTypos(t *testing.T) {
	b := newBrowser(t, withSupport)
	typos := []struct{ typed, want string }{
		{"btinterent.com", "btinternet.com"},
		{"btinternet.con", "btinternet.com"},
		{"gmial.com", "gmail.com"},
	}
	for _, lang := range []string{"en", "de", "fr"} {
		t.Run(lang, func(t *testing.T) {
			dev := iPhoneSafari
			dev.lang = lang
			ctx := b.tab(t, dev)
			for i, tt := range typos {
				b.submitForm(t, ctx, "someone@"+tt.typed, "pop")
				if got := run(t, b, ctx, chromedp.Value(chromedp.CSS("#email"))); got != "someone@"+tt.typed {
					t.Errorf("%s: address field = %q, want it as typed", tt.typed, got)
				}
				mustContain(t, tt.typed+" suggestion", text(t, b, ctx, "#suggestion"), deadEndTexts[lang].suggest, "someone@"+tt.want)
				want := "/setup?" + url.Values{"email": {"someone@" + tt.want}, "type": {"pop"}}.Encode()
				if got := attr(t, b, ctx, "#suggestion a", "href"); got != want {
					t.Errorf("%s: suggestion links %s, want %s", tt.typed, got, want)
				}
				if i > 0 {
					continue
				}
				b.do(t, ctx, chromedp.Click(chromedp.CSS("#suggestion a")), chromedp.WaitVisible(chromedp.CSS("#steps")))
				mustContain(t, "review page", text(t, b, ctx, "main"), "someone@"+tt.want, "mail.btinternet.com", "995")
			}
			b.submitForm(t, ctx, "someone@nowhere.example", "imap")
			mustContain(t, "unknown domain", text(t, b, ctx, "#email-error"), deadEndTexts[lang].notFound)
			if n := run(t, b, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#suggestion").length`)); n != 0 {
				t.Errorf("a domain far from every catalog domain got %d suggestions", n)
			}
		})
	}
}

// TestBrowserManualRoute follows an unknown domain to the manual route in
// each language: the form is prefilled with the usual guesses, says the
// profile is unsigned and shows the support contact, refuses a loopback
// address by its field, and builds a profile once it is corrected.
func TestBrowserManualRoute(t *testing.T) {
	b := newBrowser(t, withSupport)
	for _, lang := range []string{"en", "de", "fr"} {
		t.Run(lang, func(t *testing.T) {
			texts := deadEndTexts[lang]
			dev := macSafari
			dev.lang = lang
			ctx := b.tab(t, dev)
			b.submitForm(t, ctx, "someone@nowhere.example", "imap")
			mustContain(t, "manual link", text(t, b, ctx, "#manual-link"), texts.manualLink)
			b.do(t, ctx, chromedp.Click(chromedp.CSS("#manual-link a")), chromedp.WaitVisible(chromedp.CSS("#manual-form")))
			mustContain(t, "manual page", text(t, b, ctx, "main"), texts.manualTitle, texts.unsigned, texts.support, "someone@nowhere.example")
			if got := attr(t, b, ctx, `#manual-support a[href^="https:"]`, "href"); got != "https://help.example/" {
				t.Errorf("support link = %q", got)
			}
			for css, want := range map[string]string{"#in_host": "imap.nowhere.example", "#in_port": "993", "#out_host": "smtp.nowhere.example", "#out_port": "465"} {
				if got := run(t, b, ctx, chromedp.Value(chromedp.CSS(css))); got != want {
					t.Errorf("%s = %q, want %q", css, got, want)
				}
			}
			b.do(t, ctx,
				chromedp.SetValue(chromedp.CSS("#in_host"), "127.0.0.1"),
				chromedp.Click(chromedp.CSS("#manual-form button[type=submit]")),
				chromedp.WaitVisible(chromedp.CSS("#in_host-error")),
			)
			mustContain(t, "host error", text(t, b, ctx, "#in_host-error"), texts.hostErr)
			if got := attr(t, b, ctx, "#in_host", "aria-invalid"); got != "true" {
				t.Errorf("aria-invalid = %q", got)
			}
			b.do(t, ctx, chromedp.SetValue(chromedp.CSS("#in_host"), "mail.nowhere.example"))
			query := run(t, b, ctx, chromedp.Evaluate[string](`new URLSearchParams(new FormData(document.getElementById("manual-form"))).toString()`))
			action := attr(t, b, ctx, "#manual-form", "action")
			body := fetchProfile(t, b.server.Client(), b.server.URL+action+"?"+query)
			if !strings.HasPrefix(string(body), "<?xml") {
				t.Fatalf("manual profile starts %.20q, want an unsigned plist", body)
			}
			if got := incomingHost(t, body); got != "mail.nowhere.example" {
				t.Errorf("IncomingMailServerHostName = %q, want mail.nowhere.example", got)
			}
		})
	}
}

// TestBrowserSlowDiscovery looks up a new domain while its DNS server
// holds every answer back, in each language: a page that says so and
// refreshes itself comes at once, without script, and turns into the
// review page once the answers come.
func TestBrowserSlowDiscovery(t *testing.T) {
	held, d := heldDiscoverer(t)
	b := newBrowser(t, func(c *Config) {
		c.Finder = d
		c.DiscoveryWait = 100 * time.Millisecond
	})
	titles := map[string]string{"en": "Looking up your settings", "de": "Einstellungen werden gesucht", "fr": "Recherche de vos réglages"}
	for _, lang := range []string{"en", "de", "fr"} {
		t.Run(lang, func(t *testing.T) {
			dev := iPhoneSafari
			dev.lang = lang
			ctx := b.tab(t, dev)
			held.Hold()
			defer held.Let()
			b.do(t, ctx,
				chromedp.Navigate(b.server.URL+"/setup?email=someone%40"+lang+".slow.test&type=imap"),
				chromedp.WaitVisible(chromedp.CSS("#looking")),
			)
			mustContain(t, "interstitial", text(t, b, ctx, "main"), titles[lang], lang+".slow.test")
			if got := attr(t, b, ctx, `meta[http-equiv="refresh"]`, "content"); got == "" {
				t.Error("the interstitial does not refresh itself")
			}
			if n := run(t, b, ctx, chromedp.Evaluate[int](`document.scripts.length`)); n != 0 {
				t.Errorf("the interstitial has %d scripts, want none", n)
			}
			held.Let()
			b.do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#steps")))
			mustContain(t, "review page", text(t, b, ctx, "main"), "mail."+lang+".slow.test")
		})
	}
}

// TestBrowserDeadEndsNarrow opens the typo's suggestion and the manual
// route, with its error, on a 320-pixel screen in each language: nothing
// is wider than the screen.
func TestBrowserDeadEndsNarrow(t *testing.T) {
	b := newBrowser(t, withSupport)
	long := "someone.with.a.rather.long.name%40btinterent.com"
	pages := map[string]string{
		"typo":   "/setup?email=" + long + "&type=imap",
		"manual": "/manual/profile?email=someone.with.a.rather.long.name%40a-rather-long-domain-name.example&in_host=127.0.0.1&in_port=993&in_security=ssl&out_host=smtp.a-rather-long-domain-name.example&out_port=465&out_security=ssl",
	}
	for _, lang := range []string{"en", "de", "fr"} {
		for name, path := range pages {
			t.Run(lang+" "+name, func(t *testing.T) {
				dev := iPhoneSafari
				dev.width, dev.lang = 320, lang
				ctx := b.tab(t, dev)
				b.do(t, ctx, chromedp.Navigate(b.server.URL+path), chromedp.WaitVisible(chromedp.CSS("footer")))
				if w := run(t, b, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); w > 320 {
					t.Errorf("%s is %d pixels wide on a 320-pixel screen", path, w)
				}
			})
		}
	}
}
