package web

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserNotVerified: a signer no device trusts (the default
// self-signed certificate) makes the page say what the device will show,
// the red "Not Verified" and the extra warning screen, and that it is
// expected; a signer from a trusted CA keeps the plain wording. Both with
// real certificates made at the tests' fixed instant.
func TestBrowserNotVerified(t *testing.T) {
	signer, trusted := trustedSigner(t)
	tests := []struct {
		name     string
		modify   func(*Config)
		verified bool
	}{
		{"self-signed", nil, false},
		{"trusted CA", func(c *Config) { c.Signer, c.Roots = signer, trusted }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, tt.modify)
			for lang, w := range pageWords {
				for _, dev := range []struct {
					name  string
					dev   browserDevice
					steps string // the visible steps; an iPad gets its own on the Mac's page
				}{{"iPhone", iPhoneIOS18, "#steps ol"}, {"iPad", iPadAsMac, "#steps-ipad ol"}, {"Mac", macSafari, "#steps ol"}} {
					t.Run(lang+"/"+dev.name, func(t *testing.T) {
						ctx := b.tab(t, inLang(dev.dev, w.acceptLang))
						b.do(t, ctx, chromedp.Navigate(b.server.URL+"/setup?email=someone%40btinternet.com&type=imap"),
							chromedp.WaitVisible(chromedp.CSS(dev.steps)))
						signature, steps := outerHTML(t, b, ctx, "#signature"), outerHTML(t, b, ctx, dev.steps)
						if tt.verified {
							mustLack(t, "signature", signature, w.notVerified)
							mustLack(t, "steps", steps, w.notVerified)
							return
						}
						mustContain(t, "signature", signature, w.notVerified)
						mustContain(t, "steps", steps, w.notVerified)
						if dev.name != "Mac" {
							mustContain(t, "steps", steps, w.warning)
						}
					})
				}
			}
		})
	}
}
