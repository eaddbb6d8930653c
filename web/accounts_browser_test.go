package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mailprofile/mailprofile/profile"
)

// downloadKind follows the link at css with Go's client, as the device
// would with its User-Agent, and returns the payload type of the signed
// profile it gets (the EmailAccountType for a mail account).
func (b *browser) downloadKind(t *testing.T, ctx context.Context, css, ua string) string {
	t.Helper()
	href := attr(t, b, ctx, css, "href")
	base, _ := url.Parse(b.server.URL + "/setup")
	ref, err := url.Parse(href)
	if err != nil {
		t.Fatalf("download href %q: %v", href, err)
	}
	req, _ := http.NewRequest(http.MethodGet, base.ResolveReference(ref).String(), nil)
	req.Header.Set("User-Agent", ua)
	res, err := b.server.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != profileContentType {
		t.Fatalf("download %s: %d %s", href, res.StatusCode, res.Header.Get("Content-Type"))
	}
	sum, err := profile.Parse(verifyProfile(t, body))
	if err != nil || len(sum.Problems) > 0 {
		t.Fatalf("downloaded profile: %+v, %v", sum, err)
	}
	if m := sum.Payloads[0].Mail; m != nil {
		return m.AccountType
	}
	return sum.Payloads[0].Type
}

// TestBrowserAccounts opens the review page of Outlook.com, Microsoft 365
// and Gmail addresses, chosen for the device from the form's default, on
// an iPhone, an iPad that sends a Mac's User-Agent, and a Mac.
func TestBrowserAccounts(t *testing.T) {
	b := newBrowser(t)
	tests := []struct {
		email, iosKind, option string
		macKind                string // "" when a Mac gets steps only
	}{
		{"someone@outlook.com", "com.apple.eas.account", "Microsoft Exchange", ""},
		{"someone@onmicrosoft.com", "com.apple.eas.account", "Microsoft Exchange", ""},
		{"someone@gmail.com", "com.apple.google-oauth", "Google", "EmailTypeIMAP"},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			t.Run("iPhone", func(t *testing.T) {
				ctx := b.tab(t, iPhoneSafari)
				b.do(t, ctx,
					chromedp.Navigate(b.server.URL+"/"),
					chromedp.WaitVisible(chromedp.CSS("#email")),
					chromedp.SendKeys(chromedp.CSS("#email"), tt.email),
					chromedp.Click(chromedp.CSS("button[type=submit]")),
					chromedp.WaitVisible(chromedp.CSS("#steps")),
				)
				if got := attr(t, b, ctx, "#steps", "data-device"); got != "ios" {
					t.Errorf("steps for %q, want ios", got)
				}
				mustContain(t, "iPhone steps", text(t, b, ctx, "#steps"), "Profile Downloaded", "Install", "own page", "two-step verification")
				mustContain(t, "sign-in note", text(t, b, ctx, "#signin-note"), "No password goes into this profile")
				if got := b.downloadKind(t, ctx, "#download", uaIPhoneSafari); got != tt.iosKind {
					t.Errorf("iPhone download = %s, want %s", got, tt.iosKind)
				}
			})
			t.Run("iPad", func(t *testing.T) {
				ctx := b.tab(t, iPadAsMac)
				b.do(t, ctx,
					chromedp.Navigate(b.server.URL+"/setup?email="+url.QueryEscape(tt.email)),
					chromedp.WaitVisible(chromedp.CSS("#steps-ipad")),
					chromedp.WaitNotVisible(chromedp.CSS("#steps")),
					chromedp.WaitVisible(chromedp.CSS("#download-ipad")),
				)
				if tt.macKind != "" {
					b.do(t, ctx, chromedp.WaitNotVisible(chromedp.CSS("#download")))
				}
				mustContain(t, "iPad steps", text(t, b, ctx, "#steps-ipad"), "Profile Downloaded", "own page")
				// The iPad sends a Mac's User-Agent: the link names the device.
				if got := b.downloadKind(t, ctx, "#download-ipad", uaMacSafari); got != tt.iosKind {
					t.Errorf("iPad download = %s, want %s", got, tt.iosKind)
				}
			})
			t.Run("Mac", func(t *testing.T) {
				ctx := b.tab(t, macSafari)
				b.do(t, ctx,
					chromedp.Navigate(b.server.URL+"/setup?email="+url.QueryEscape(tt.email)),
					chromedp.WaitVisible(chromedp.CSS("#steps")),
					chromedp.WaitNotVisible(chromedp.CSS("#steps-ipad")),
				)
				if tt.macKind == "" {
					mustContain(t, "Mac steps", text(t, b, ctx, "#steps"), "System Settings from the Apple menu, click Internet Accounts, then Add Account…",
						"Another version of macOS?", "Choose "+tt.option+".", "Sign In")
					if n := run(t, b, ctx, chromedp.Evaluate[int](`document.querySelectorAll("#download, .error").length`)); n != 0 {
						t.Errorf("a Mac's steps page has %d downloads or errors", n)
					}
					return
				}
				if got := b.downloadKind(t, ctx, "#download", uaMacSafari); got != tt.macKind {
					t.Errorf("Mac download = %s, want %s", got, tt.macKind)
				}
				// Google without an app password, in Internet Accounts.
				b.do(t, ctx, chromedp.Click(chromedp.CSS("#alt-hand summary")), chromedp.WaitVisible(chromedp.CSS("#alt-hand ol")))
				mustContain(t, "Mac alternative", text(t, b, ctx, "#alt-hand"), "Internet Accounts", "Choose "+tt.option+".")
			})
		})
	}
}
