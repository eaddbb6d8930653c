package web

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Real User-Agent strings of the devices the review page tells apart.
const (
	uaIPhoneSafari    = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	uaIPhoneInstagram = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 334.0.4.32.98 (iPhone15,2; iOS 17_5; en_GB; en-GB; scale=3.00; 1179x2556; 612284566)"
	uaMacSafari       = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15"
	uaWindowsChrome   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)

// browserDevice is an emulated device: its User-Agent and screen.
type browserDevice struct {
	ua            string
	width, height int64
	mobile        bool
	touchPoints   int64 // 0: no touch screen
	lang          string
	dark          bool
	// macOS is the version a Chromium browser on a Mac tells in the
	// Sec-CH-UA-Platform-Version client hint, such as "15.1.0"; empty for
	// browsers that send no client hints.
	macOS string
}

var (
	iPhoneSafari    = browserDevice{ua: uaIPhoneSafari, width: 390, height: 844, mobile: true, touchPoints: 5}
	iPhoneInstagram = browserDevice{ua: uaIPhoneInstagram, width: 390, height: 844, mobile: true, touchPoints: 5}
	macSafari       = browserDevice{ua: uaMacSafari, width: 1280, height: 800}
	iPadAsMac       = browserDevice{ua: uaMacSafari, width: 1024, height: 1366, touchPoints: 5}
	windowsChrome   = browserDevice{ua: uaWindowsChrome, width: 1280, height: 800}
)

// browser is one headless Chromium, shared by subtests that each open a
// tab, against the real server on loopback.
type browser struct {
	ctx     context.Context
	server  *httptest.Server
	failDir string
	mu      sync.Mutex
}

// newBrowser starts Chromium and the server (with modify applied to its
// Config, if given), or skips the test when Chromium is not installed.
func newBrowser(t *testing.T, modify ...func(*Config)) *browser {
	t.Helper()
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		t.Skip("chromium is not installed: run scripts/test, or apt-get install chromium")
	}
	var mod func(*Config)
	if len(modify) > 0 {
		mod = modify[0]
	}
	srv := httptest.NewServer(newTestServer(t, mod).Server)
	t.Cleanup(srv.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
	}
	for _, f := range []string{"disable-background-networking", "disable-component-update", "disable-sync",
		"no-first-run", "no-default-browser-check", "disable-quic", "disable-extensions", "disable-default-apps",
		"disable-dev-shm-usage", "hide-scrollbars", "mute-audio", "disable-breakpad", "metrics-recording-only"} {
		opts = append(opts, chromedp.Flag(f, true))
	}
	opts = append(opts, chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,AutofillServerCommunication"))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser; it must have no timeout.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &browser{ctx: ctx, server: srv}
}

// tab opens a tab that emulates dev. At the end of the test it fails the
// test for every request that went to a host other than the server.
func (b *browser) tab(t *testing.T, dev browserDevice) context.Context {
	t.Helper()
	// Each tab is a browser context of its own: no cookies shared.
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	server, _ := url.Parse(b.server.URL)
	var (
		mu      sync.Mutex
		foreign []string
	)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			u, err := url.Parse(e.Request.URL)
			if err != nil || (u.Scheme != "data" && u.Host != server.Host) {
				mu.Lock()
				foreign = append(foreign, e.Request.URL)
				mu.Unlock()
			}
		}
	}); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, u := range foreign {
			t.Errorf("request to another host: %s", u)
		}
	})
	lang := dev.lang
	if lang == "" {
		lang = "en-GB,en"
	}
	scheme := "light"
	if dev.dark {
		scheme = "dark"
	}
	b.do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: dev.ua, AcceptLanguage: lang, UserAgentMetadata: dev.hints()}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: dev.width, Height: dev.height, DeviceScaleFactor: 1, Mobile: dev.mobile,
		}); err != nil {
			return err
		}
		if _, err := cdp.Call(ctx, tg, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{
			Enabled: dev.touchPoints > 0, MaxTouchPoints: max(dev.touchPoints, 1),
		}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	}))
	return ctx
}

// do runs the actions with a time limit. On failure it saves a screenshot
// in a folder that outlives the test and logs its path.
func (b *browser) do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := b.try(ctx, actions...); err != nil {
		t.Fatalf("browser: %v%s", err, b.failShot(t, ctx))
	}
}

func (b *browser) try(ctx context.Context, actions ...chromedp.Action[chromedp.Void]) error {
	actx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return chromedp.Do(actx, actions...)
}

// run runs one action that returns a value, as do does.
func run[T any](t *testing.T, b *browser, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	actx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(actx, a)
	if err != nil {
		t.Fatalf("browser: %v%s", err, b.failShot(t, ctx))
	}
	return v
}

// failShot saves a screenshot of the tab and says where.
func (b *browser) failShot(t *testing.T, ctx context.Context) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	shot, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
	if err != nil {
		return fmt.Sprintf(" (no screenshot: %v)", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failDir == "" {
		if b.failDir, err = os.MkdirTemp("", "mailprofile-browser-"); err != nil {
			return ""
		}
	}
	name := filepath.Join(b.failDir, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name())+".png")
	if err := os.WriteFile(name, shot, 0o644); err != nil {
		return ""
	}
	t.Logf("screenshot of the failure: %s", name)
	return "\nscreenshot: " + name
}

// submitForm fills the form on / and submits it by clicking Continue.
func (b *browser) submitForm(t *testing.T, ctx context.Context, email, typ string) {
	t.Helper()
	b.do(t, ctx,
		chromedp.Navigate(b.server.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.Click(chromedp.CSS(`input[name=type][value=`+typ+`]`)),
		chromedp.Click(chromedp.CSS("button[type=submit]")),
		// The form page has a footer too: wait for the review page's own
		// content, or an error by the field.
		chromedp.WaitVisible(chromedp.CSS("#steps, .error")),
	)
}

func text(t *testing.T, b *browser, ctx context.Context, css string) string {
	t.Helper()
	return run(t, b, ctx, chromedp.Text(chromedp.CSS(css)))
}

func attr(t *testing.T, b *browser, ctx context.Context, css, name string) string {
	t.Helper()
	return run(t, b, ctx, chromedp.AttributeValue(chromedp.CSS(css), name)).Value
}

func mustContain(t *testing.T, where, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", where, w, got)
		}
	}
}

// checkDownload follows the page's download link with Go's client, as
// the device would, and checks it is a signed profile of the right type.
func (b *browser) checkDownload(t *testing.T, ctx context.Context, ua, wantType string) {
	t.Helper()
	if got := b.downloadKind(t, ctx, "#download", ua); got != wantType {
		t.Errorf("downloaded account type = %s, want %s", got, wantType)
	}
}

func TestBrowser(t *testing.T) {
	b := newBrowser(t)
	setupURL := func(typ string) string {
		return b.server.URL + "/setup?email=someone%40btinternet.com&type=" + typ
	}

	t.Run("iPhone Safari", func(t *testing.T) {
		ctx := b.tab(t, iPhoneSafari)
		b.submitForm(t, ctx, "someone@btinternet.com", "imap")
		if loc, want := run(t, b, ctx, chromedp.Location()), setupURL("imap")+"&name="; loc != want {
			t.Errorf("location = %s, want %s", loc, want)
		}
		if got := attr(t, b, ctx, "#steps", "data-device"); got != "ios" {
			t.Errorf("steps for %q, want ios", got)
		}
		mustContain(t, "iPhone steps", text(t, b, ctx, "#steps"),
			"Allow", "Settings", "Profile Downloaded", "Install", "passcode", "mail password", "8 minutes", "Only one downloaded profile")
		mustContain(t, "settings", text(t, b, ctx, "main"), "BT Mail", "mail.btinternet.com", "993", "465", "SSL/TLS", "someone@btinternet.com")
		b.checkDownload(t, ctx, uaIPhoneSafari, "EmailTypeIMAP")
	})

	t.Run("iPhone in-app browser", func(t *testing.T) {
		ctx := b.tab(t, iPhoneInstagram)
		b.submitForm(t, ctx, "someone@btinternet.com", "pop")
		if got := attr(t, b, ctx, "#steps", "data-device"); got != "ios-save-only" {
			t.Errorf("steps for %q, want ios-save-only", got)
		}
		mustContain(t, "in-app steps", text(t, b, ctx, "#steps"), "Instagram can only save the profile", "Safari")
		if got, want := attr(t, b, ctx, "#open-safari", "href"), "x-safari-"+setupURL("pop"); got != want {
			t.Errorf("Open in Safari = %s, want %s", got, want)
		}
		if got := run(t, b, ctx, chromedp.Value(chromedp.CSS("#page-link"))); got != setupURL("pop") {
			t.Errorf("copyable link = %s, want %s", got, setupURL("pop"))
		}
		// The script shows the copy button; clicking it says so.
		b.do(t, ctx,
			chromedp.WaitVisible(chromedp.CSS("button[data-copy]")),
			chromedp.Click(chromedp.CSS("button[data-copy]")),
		)
		status := run(t, b, ctx, chromedp.Poll[string](`document.getElementById("copy-status").textContent`, chromedp.WithPollingTimeout(5*time.Second)))
		mustContain(t, "copy status", status, "Link copied")
		// The page links the file for saving, under another id.
		href := attr(t, b, ctx, `#steps a[href^="/profile?"]`, "href")
		mustContain(t, "save link", href, "type=pop")
	})

	t.Run("Mac Safari", func(t *testing.T) {
		ctx := b.tab(t, macSafari)
		b.submitForm(t, ctx, "someone@btinternet.com", "imap")
		if got := attr(t, b, ctx, "#steps", "data-device"); got != "mac" {
			t.Errorf("steps for %q, want mac", got)
		}
		// Safari freezes macOS at 10_15_7: the current macOS's place
		// first, the others behind one control (devices_browser_test.go).
		mustContain(t, "Mac steps", text(t, b, ctx, "#steps"), "System Settings",
			"Click the notification", "General > Device Management", "Another version of macOS?", "Install")
		b.do(t, ctx, chromedp.WaitNotVisible(chromedp.CSS("#steps-ipad")))
		b.checkDownload(t, ctx, uaMacSafari, "EmailTypeIMAP")
	})

	t.Run("iPad with a Mac User-Agent", func(t *testing.T) {
		ctx := b.tab(t, iPadAsMac)
		b.do(t, ctx,
			chromedp.Navigate(setupURL("imap")),
			chromedp.WaitVisible(chromedp.CSS("#steps-ipad")),
			chromedp.WaitNotVisible(chromedp.CSS("#steps")),
		)
		mustContain(t, "iPad steps", text(t, b, ctx, "#steps-ipad"), "Profile Downloaded", "8 minutes")
	})

	t.Run("Windows Chrome", func(t *testing.T) {
		ctx := b.tab(t, windowsChrome)
		b.submitForm(t, ctx, "someone@btinternet.com", "imap")
		if got := attr(t, b, ctx, "#steps", "data-device"); got != "other" {
			t.Errorf("steps for %q, want other", got)
		}
		// The QR code, as drawn by the browser, opens this page.
		b.do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#qr")))
		run(t, b, ctx, chromedp.Poll[bool](`document.getElementById("qr").naturalWidth > 0`, chromedp.WithPollingTimeout(5*time.Second)))
		shot := run(t, b, ctx, chromedp.ScreenshotScale(chromedp.CSS("#qr"), 2))
		if got := decodeQR(t, shot); got != setupURL("imap") {
			t.Errorf("QR code = %q, want %q", got, setupURL("imap"))
		}
		kinds := run(t, b, ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("table[data-kind]"), t => t.dataset.kind).join(",")`))
		if kinds != "IMAP,SMTP" { // the kind chosen only
			t.Errorf("manual settings tables = %s, want IMAP,SMTP", kinds)
		}
		mustContain(t, "manual settings", text(t, b, ctx, "main"), "993", "465", "SSL/TLS",
			"Password (normal)", "Secure password authentication (SPA)", "Off")
		b.checkDownload(t, ctx, uaWindowsChrome, "EmailTypeIMAP")
	})

	t.Run("keyboard only", func(t *testing.T) {
		ctx := b.tab(t, windowsChrome)
		active := func() string {
			return run(t, b, ctx, chromedp.Evaluate[string](`document.activeElement.id || document.activeElement.name + "=" + document.activeElement.value`))
		}
		b.do(t, ctx, chromedp.Navigate(b.server.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#email")))
		if got := active(); got != "email" {
			t.Fatalf("focus starts on %q, want the address field", got)
		}
		b.do(t, ctx, chromedp.KeyEvent("someone@btinternet.com"), chromedp.KeyEvent(kb.Tab))
		if got := active(); got != "type=" {
			t.Fatalf("after the address, Tab goes to %q, want the choose-for-me choice", got)
		}
		b.do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
		if got := active(); got != "type=imap" {
			t.Fatalf("arrow down goes to %q, want the IMAP choice", got)
		}
		b.do(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
		if got := active(); got != "type=pop" {
			t.Fatalf("arrow down goes to %q, want the POP choice", got)
		}
		b.do(t, ctx, chromedp.KeyEvent(kb.Tab))
		if got := active(); got != "name" {
			t.Fatalf("after the choice, Tab goes to %q, want the name field", got)
		}
		b.do(t, ctx, chromedp.KeyEvent("Ann Example"), chromedp.KeyEvent(kb.Tab))
		if got := run(t, b, ctx, chromedp.Evaluate[string](`document.activeElement.type`)); got != "submit" {
			t.Fatalf("after the name, Tab goes to %q, want the Continue button", got)
		}
		b.do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#steps")))
		if loc, want := run(t, b, ctx, chromedp.Location()), setupURL("pop")+"&name=Ann+Example"; loc != want {
			t.Errorf("location = %s, want %s", loc, want)
		}
	})

	t.Run("error by the field", func(t *testing.T) {
		ctx := b.tab(t, iPhoneSafari)
		b.submitForm(t, ctx, "someone@nowhere.example", "imap")
		mustContain(t, "error", text(t, b, ctx, "#email-error"), "No settings are known for nowhere.example.")
		if got := run(t, b, ctx, chromedp.Value(chromedp.CSS("#email"))); got != "someone@nowhere.example" {
			t.Errorf("address field = %q, want the typed address kept", got)
		}
		if got := attr(t, b, ctx, "#email", "aria-invalid"); got != "true" {
			t.Errorf("aria-invalid = %q", got)
		}
	})

	t.Run("German and French", func(t *testing.T) {
		dev := iPhoneSafari
		dev.lang = "de-DE,de,en" // Chromium adds the q= weights itself
		ctx := b.tab(t, dev)
		b.submitForm(t, ctx, "someone@btinternet.com", "imap")
		if got := attr(t, b, ctx, "html", "lang"); got != "de" {
			t.Errorf("html lang = %q, want de", got)
		}
		mustContain(t, "German page", text(t, b, ctx, "main"), "Einstellungen prüfen", "Profil geladen", "8 Minuten")
		b.do(t, ctx, chromedp.Navigate(b.server.URL+"/?lang=fr"), chromedp.WaitVisible(chromedp.CSS("#email")))
		if got := attr(t, b, ctx, "html", "lang"); got != "fr" {
			t.Errorf("html lang with ?lang=fr = %q, want fr", got)
		}
		b.do(t, ctx,
			chromedp.SendKeys(chromedp.CSS("#email"), "someone@btinternet.com"),
			chromedp.Click(chromedp.CSS("button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS("#steps")),
		)
		mustContain(t, "French page, language carried by the form", text(t, b, ctx, "main"), "Vérifiez vos réglages", "Profil téléchargé")
	})
}

// decodeQR reads the QR code in a PNG image.
func decodeQR(t *testing.T, img []byte) string {
	t.Helper()
	m, err := png.Decode(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("QR screenshot: %v", err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(m)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR code: %v", err)
	}
	return res.GetText()
}

var writeScreenshots = flag.Bool("screenshots", false, "write the screenshots of the pages to ../docs/screenshots")

// TestScreenshots writes the screenshots linked from the README:
//
//	go test ./web -run TestScreenshots -screenshots
func TestScreenshots(t *testing.T) {
	if !*writeScreenshots {
		t.Skip("writes docs/screenshots only with -screenshots")
	}
	b := newBrowser(t)
	dir := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{
		"form":  "/",
		"setup": "/setup?email=someone%40btinternet.com&type=imap&name=Ann+Example",
	}
	for _, dev := range []struct {
		name string
		dev  browserDevice
	}{{"390", iPhoneSafari}, {"1280", windowsChrome}} {
		for _, dark := range []bool{false, true} {
			d := dev.dev
			d.dark = dark
			scheme := map[bool]string{false: "light", true: "dark"}[dark]
			for page, path := range pages {
				ctx := b.tab(t, d)
				b.do(t, ctx, chromedp.Navigate(b.server.URL+path), chromedp.WaitVisible(chromedp.CSS("footer")))
				if page == "setup" && dev.name == "1280" {
					run(t, b, ctx, chromedp.Poll[bool](`document.getElementById("qr").complete`, chromedp.WithPollingTimeout(5*time.Second)))
				}
				shot := run(t, b, ctx, chromedp.FullScreenshot(100))
				name := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.png", page, dev.name, scheme))
				if err := os.WriteFile(name, recompress(t, shot), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("wrote %s", name)
			}
		}
	}
}

// recompress makes a screenshot small: a page has a few hundred colours,
// mostly the anti-aliased edges of text, so the 256 most frequent ones
// make a palette that looks the same, and the rest map to their nearest.
func recompress(t *testing.T, shot []byte) []byte {
	t.Helper()
	m, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	b := m.Bounds()
	count := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			count[color.RGBAModel.Convert(m.At(x, y)).(color.RGBA)]++
		}
	}
	colours := make([]color.RGBA, 0, len(count))
	for c := range count {
		colours = append(colours, c)
	}
	sort.Slice(colours, func(i, j int) bool {
		if count[colours[i]] != count[colours[j]] {
			return count[colours[i]] > count[colours[j]]
		}
		return fmt.Sprint(colours[i]) < fmt.Sprint(colours[j])
	})
	pal := make(color.Palette, 0, 256)
	for _, c := range colours[:min(len(colours), 256)] {
		pal = append(pal, c)
	}
	out := image.NewPaletted(b, pal)
	index := map[color.RGBA]uint8{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.RGBAModel.Convert(m.At(x, y)).(color.RGBA)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.SetColorIndex(x, y, i)
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
