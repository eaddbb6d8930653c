package web

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDeadEndScreenshots writes the screenshots of the dead-end pages
// linked from the README, with TestScreenshots:
//
//	go test ./web -run 'TestScreenshots|TestDeadEndScreenshots' -screenshots
func TestDeadEndScreenshots(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("writes docs/screenshots only with -screenshots")
	}
	held, d := heldDiscoverer(t)
	b := newBrowser(t, func(c *Config) {
		withSupport(c)
		c.Finder = d
		c.Catalog = newCatalog(t)
	})
	dir := filepath.Join("..", "docs", "screenshots")
	pages := []struct {
		name, path, wait string
		held             bool
	}{
		{"typo", "/setup?email=someone%40btinterent.com&type=imap", "#suggestion", false},
		{"manual", "/manual?email=someone%40nowhere.example&type=imap", "#manual-form", false},
		{"looking", "/setup?email=someone%40slow.test", "#looking", true},
	}
	for _, dev := range []struct {
		name string
		dev  browserDevice
	}{{"390", iPhoneSafari}, {"1280", windowsChrome}} {
		for _, p := range pages {
			for _, lang := range []string{"en", "de", "fr"} {
				if dev.name == "1280" && (lang != "en" || p.held) || p.held && lang != "en" {
					continue // the phone shows the languages
				}
				d := dev.dev
				d.lang = lang
				ctx := b.tab(t, d)
				if p.held {
					held.Hold()
				}
				b.do(t, ctx, chromedp.Navigate(b.server.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait)))
				shot := run(t, b, ctx, chromedp.FullScreenshot(100))
				held.Let()
				name := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", p.name, dev.name, lang))
				if err := os.WriteFile(name, recompress(t, shot), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", name)
			}
		}
	}
}
