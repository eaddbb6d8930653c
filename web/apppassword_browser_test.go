package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAppPassword: for a provider that takes only an app password,
// creating it is the first step, before the download (whose 8 minutes
// start at once); its page is a link; the password step asks for the app
// password; and the note fits a 390 px phone.
func TestBrowserAppPassword(t *testing.T) {
	b := newBrowser(t)
	// url is the provider's page in the catalog; Fastmail's names none,
	// only where to go in its settings.
	tests := []struct{ email, url string }{
		{"someone@gmail.com", "https://myaccount.google.com/apppasswords"},
		{"someone@yahoo.com", "https://login.yahoo.com/account/security"},
		{"someone@icloud.com", "https://account.apple.com/"},
		{"someone@fastmail.com", ""},
	}
	for i, tt := range tests {
		for lang, w := range pageWords {
			if i > 0 && lang != "en" {
				continue // the other languages with one provider: the page is the same
			}
			t.Run(tt.email+"/"+lang, func(t *testing.T) {
				ctx := b.tab(t, inLang(iPhoneIOS18, w.acceptLang))
				b.do(t, ctx, chromedp.Navigate(b.server.URL+"/setup?type=imap&email="+strings.Replace(tt.email, "@", "%40", 1)),
					chromedp.WaitVisible(chromedp.CSS("#steps")))
				// The note fits the phone (it made the page 420 px wide).
				if width := run(t, b, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); width > 390 {
					t.Errorf("the page is %d px wide on a 390 px phone", width)
				}
				wide := run(t, b, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll(".note")].filter(e => e.scrollWidth > e.clientWidth).length`))
				if wide != 0 {
					t.Errorf("%d notes overflow their card", wide)
				}
				if count(t, b, ctx, "#app-password") != 1 {
					t.Fatal("no app password step")
				}
				before := run(t, b, ctx, chromedp.Evaluate[bool](`!!(document.getElementById("app-password").compareDocumentPosition(document.getElementById("download")) & Node.DOCUMENT_POSITION_FOLLOWING)`))
				if !before {
					t.Error("the app password comes after the download button")
				}
				if tt.url != "" {
					if got := attr(t, b, ctx, "#app-password-link", "href"); got != tt.url {
						t.Errorf("app password link = %q, want %q", got, tt.url)
					}
				}
				if n := count(t, b, ctx, "#app-password a[href^='https://']"); tt.url != "" && n == 0 {
					t.Error("the provider's page is not a link")
				}
				first := text(t, b, ctx, "#steps ol > li:first-child")
				mustContain(t, "first step", first, w.appPassword)
				last := outerHTML(t, b, ctx, "#steps ol > li:last-child")
				mustContain(t, "password step", last, w.appPassword, w.next, w.done)
			})
		}
	}
}
