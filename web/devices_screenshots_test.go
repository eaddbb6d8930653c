package web

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestScreenshotsDevices writes the screenshots of the review page on a
// Mac and on Android that the README links, next to TestScreenshots':
//
//	go test ./web -run TestScreenshotsDevices -screenshots
func TestScreenshotsDevices(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("writes docs/screenshots only with -screenshots")
	}
	b := newBrowser(t)
	dir := filepath.Join("..", "docs", "screenshots")
	const page = "/setup?email=someone%40btinternet.com&type=imap&name=Ann+Example"
	shots := []struct {
		name string
		dev  browserDevice
	}{
		{name: "setup-mac-1280-en", dev: macSafari},
		{name: "setup-mac-1280-de", dev: inLang(macChrome13, "de-DE,de")},
		{name: "setup-android-412-en", dev: androidChrome},
		{name: "setup-android-412-fr", dev: inLang(androidChrome, "fr-FR,fr")},
	}
	for _, s := range shots {
		ctx := b.tab(t, s.dev)
		b.do(t, ctx, chromedp.Navigate(b.server.URL+page), chromedp.WaitVisible(chromedp.CSS("footer")))
		if s.dev.ua == uaAndroid {
			run(t, b, ctx, chromedp.Poll[bool](`document.getElementById("qr").complete`, chromedp.WithPollingTimeout(5*time.Second)))
		}
		shot := run(t, b, ctx, chromedp.FullScreenshot(100))
		name := filepath.Join(dir, s.name+".png")
		if err := os.WriteFile(name, recompress(t, shot), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", name)
	}
}
