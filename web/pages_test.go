package web

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

func TestDetectDevice(t *testing.T) {
	tests := []struct {
		name    string
		ua      string
		kind    deviceKind
		browser string
		ios     int
		macOS   int
	}{
		{name: "iPhone Safari", ua: uaIPhoneSafari, kind: deviceIOS, ios: 17},
		{name: "iPad Safari, iPadOS 12", ua: "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1", kind: deviceIOS, ios: 12},
		{name: "iPhone Chrome", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1", kind: deviceIOS, browser: "Chrome", ios: 17},
		{name: "iPhone Chrome 94", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 15_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/94.0.4606.76 Mobile/15E148 Safari/604.1", kind: deviceIOSSaveOnly, browser: "Chrome", ios: 15},
		{name: "iPhone Firefox", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/127.0 Mobile/15E148 Safari/605.1.15", kind: deviceIOSSaveOnly, browser: "Firefox", ios: 17},
		{name: "iPhone Edge", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) EdgiOS/126.0.2592.56 Version/17.0 Mobile/15E148 Safari/604.1", kind: deviceIOSSaveOnly, browser: "Edge", ios: 17},
		{name: "Google app", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/320.0.645450875 Mobile/15E148 Safari/604.1", kind: deviceIOSSaveOnly, browser: "Google", ios: 17},
		{name: "Facebook", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/470.0.0.41.107;FBBV/620123123;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBID/phone;FBLC/en_GB;FBOP/5]", kind: deviceIOSSaveOnly, browser: "Facebook", ios: 17},
		{name: "Instagram", ua: uaIPhoneInstagram, kind: deviceIOSSaveOnly, browser: "Instagram", ios: 17},
		{name: "LINE", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.15.0", kind: deviceIOSSaveOnly, browser: "LINE", ios: 16},
		{name: "unnamed web view", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", kind: deviceIOSSaveOnly, ios: 17},
		{name: "Mac Safari, frozen version", ua: uaMacSafari, kind: deviceMac},
		{name: "Mac Firefox, frozen version", ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:127.0) Gecko/20100101 Firefox/127.0", kind: deviceMac},
		{name: "Mac Chrome, frozen version", ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", kind: deviceMac},
		{name: "macOS 14 in the UA", ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", kind: deviceMac, macOS: 14},
		{name: "macOS 10.14", ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/14.1.2 Safari/605.1.15", kind: deviceMac, macOS: 10},
		{name: "Windows Chrome", ua: uaWindowsChrome, kind: deviceOther},
		{name: "Linux Firefox", ua: "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", kind: deviceOther},
		{name: "Android Chrome", ua: "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36", kind: deviceOther},
		{name: "ChromeOS", ua: "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", kind: deviceOther},
		{name: "Windows Phone pretending", ua: "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.14977 like iPhone OS", kind: deviceOther},
		{name: "curl", ua: "curl/8.5.0", kind: deviceOther},
		{name: "empty", ua: "", kind: deviceOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := detectDevice(tt.ua)
			want := device{Kind: tt.kind, Browser: tt.browser, IOS: tt.ios, MacOS: tt.macOS}
			if got != want {
				t.Errorf("detectDevice(%q) = %+v, want %+v", tt.ua, got, want)
			}
		})
	}
}

func TestMacPlace(t *testing.T) {
	for macOS, want := range map[int]string{0: "", 10: "preferences", 12: "preferences", 13: "privacy", 14: "privacy", 15: "device-management", 26: "device-management"} {
		if got := (device{Kind: deviceMac, MacOS: macOS}).macPlace(); got != want {
			t.Errorf("macPlace(macOS %d) = %q, want %q", macOS, got, want)
		}
	}
}

func TestChooseLanguage(t *testing.T) {
	tests := []struct {
		query, accept string
		want          string
		explicit      bool
	}{
		{"", "", "en", false},
		{"", "de-DE,de;q=0.9,en;q=0.8", "de", false},
		{"", "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr", false},
		{"", "es-ES,es;q=0.9", "en", false},
		{"", "es-ES,es;q=0.9,de;q=0.5", "de", false},
		{"", "nonsense;;;", "en", false},
		{"lang=fr", "de", "fr", true},
		{"lang=de-AT", "", "de", true},
		{"lang=en", "de", "en", true},
		{"lang=xx", "de", "de", false},
		{"lang=%3Cscript%3E", "", "en", false},
	}
	e := echo.New()
	for _, tt := range tests {
		r := httptest.NewRequest(http.MethodGet, "/?"+tt.query, nil)
		r.Header.Set("Accept-Language", tt.accept)
		got, explicit := site.ChooseLanguage(e.NewContext(r, httptest.NewRecorder()))
		if got != tt.want || explicit != tt.explicit {
			t.Errorf("site.ChooseLanguage(?%s, Accept-Language %q) = %s, %v; want %s, %v", tt.query, tt.accept, got, explicit, tt.want, tt.explicit)
		}
	}
}

var (
	placeholder = regexp.MustCompile(`\{[a-z]+\}`)
	entity      = regexp.MustCompile(`&(amp|lt|gt|quot);`)
)

// TestCatalog checks that every language has every message with the same
// placeholders, that plain messages hold no markup, and that every key the
// templates and handlers use exists.
func TestCatalog(t *testing.T) {
	cat, err := site.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	for key, en := range cat["en"] {
		want := placeholders(en)
		for lang, m := range cat {
			msg := m[key]
			if got := placeholders(msg); got != want {
				t.Errorf("%s %s has placeholders %s, English has %s", lang, key, got, want)
			}
			if !strings.HasSuffix(key, "_html") && strings.Contains(msg, "<") {
				t.Errorf("%s %s is plain text but holds markup: %q", lang, key, msg)
			}
			if strings.HasSuffix(key, "_html") {
				bare := strings.NewReplacer("<strong>", "", "</strong>", "").Replace(msg)
				if strings.ContainsAny(bare, "<>") || strings.Contains(entity.ReplaceAllString(bare, ""), "&") {
					t.Errorf("%s %s: markup messages may hold only <strong> and escaped & < >: %q", lang, key, msg)
				}
			}
		}
	}
	used := map[string]bool{}
	keyUse := regexp.MustCompile(`\.TH? "([a-z_.0-9]+)"`)
	_ = fs.WalkDir(templateFiles, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := templateFiles.ReadFile(p)
		for _, m := range keyUse.FindAllSubmatch(b, -1) {
			used[string(m[1])] = true
		}
		return nil
	})
	for _, k := range []string{"security.ssl", "security.starttls", "security.none", "auth.password", "auth.crammd5", "auth.ntlm", "auth.none",
		"service.default", "form.title", "setup.title", "err.field.email", "err.field.name", "err.field.type"} {
		used[k] = true
	}
	for _, k := range site.ErrorKeys() {
		used[k] = true
	}
	var missing []string
	for k := range used {
		if _, ok := cat["en"][k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("keys used but not in messages/en.json: %v", missing)
	}
}

func placeholders(s string) string {
	p := placeholder.FindAllString(s, -1)
	sort.Strings(p)
	return strings.Join(p, ",")
}

func TestSetupStepsByDevice(t *testing.T) {
	s := newTestServer(t, nil)
	target := "/setup?email=someone@btinternet.com&type=imap"
	tests := []struct {
		name   string
		ua     string
		device string
		want   []string
		absent []string
	}{
		{"iPhone Safari", uaIPhoneSafari, "ios", []string{"Profile Downloaded", "8 minutes", `id="download"`}, []string{"x-safari-", `src="/setup/qr.svg`}},
		{"iPhone Chrome", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
			"ios", []string{"Chrome on iPhone and iPad (version 95 and later) passes the profile on to Settings", `href="x-safari-http://example.com/setup?email=someone%40btinternet.com&amp;type=imap"`}, nil},
		{"Instagram", uaIPhoneInstagram, "ios-save-only", []string{"Instagram can only save the profile", `id="open-safari" href="x-safari-http://example.com/setup?`, `value="http://example.com/setup?email=someone%40btinternet.com&amp;type=imap"`, `data-copy="page-link"`}, []string{`id="download"`}},
		{"iOS 16 in-app browser", strings.ReplaceAll(uaIPhoneInstagram, "17_5", "16_6"), "ios-save-only", []string{"copy this link"}, []string{`id="open-safari"`}},
		{"Mac, version unknown", uaMacSafari, "mac", []string{"General &gt; Device Management", "Privacy &amp; Security &gt; Profiles", "System Preferences &gt; Profiles", `data-ipad-steps`}, nil},
		{"Mac, macOS 14", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "mac", []string{"Click the notification", "Privacy &amp; Security &gt; Profiles</strong>", "(Profiles is at the bottom)"}, []string{"macOS 15 Sequoia and later", "<strong>General &gt; Device Management</strong>"}},
		{"Windows", uaWindowsChrome, "other", []string{`src="/setup/qr.svg?email=someone%40btinternet.com&amp;type=imap"`, `data-kind="IMAP"`, "Secure password authentication (SPA)", ">Off<"}, []string{`data-kind="POP3"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, target, "User-Agent", tt.ua)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d", rec.Code)
			}
			mustContain(t, "page", body, append(tt.want, `id="steps" data-device="`+tt.device+`"`)...)
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("page has %q", a)
				}
			}
		})
	}
}

func TestNoInlineCode(t *testing.T) {
	s := newTestServer(t, nil)
	inline := regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]|<script>|\sstyle=|<style|\son[a-z]+=|javascript:`)
	for _, target := range []string{"/", "/?lang=de", "/setup?email=someone@btinternet.com", "/setup?email=bad", "/profile?email=bad", "/nope"} {
		for _, ua := range []string{uaIPhoneSafari, uaIPhoneInstagram, uaMacSafari, uaWindowsChrome} {
			body := s.get(t, target, "User-Agent", ua, "Accept", "text/html").Body.String()
			if m := inline.FindString(body); m != "" {
				t.Errorf("%s (%s) has inline code: %q", target, ua, m)
			}
		}
	}
}

func TestErrorsInGerman(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		email, typ string
		status     int
		want       string
	}{
		{"someone@nowhere.example", "imap", 404, "Für nowhere.example sind keine Einstellungen bekannt."},
		{"someone@outlook.com", "imap", 422, "Outlook.com erlaubt für IMAP nur die Anmeldung über OAuth, die ein Profil für ein Mail-Konto nicht enthalten kann. Wählen Sie stattdessen Microsoft Exchange"},
		{"someone@btinternet.com", "google", 422, "BT Mail bietet kein Google-Konto, das ein Konfigurationsprofil nutzen kann."},
		{"someone@icloud.com", "pop", 422, "iCloud Mail bietet keinen POP-Server, den ein Konfigurationsprofil nutzen kann. Wählen Sie stattdessen IMAP."},
		{"someone", "imap", 400, "Eine E-Mail-Adresse braucht ein @"},
		{"", "imap", 400, "Geben Sie Ihre E-Mail-Adresse ein."},
		{"some..one@btinternet.com", "imap", 400, "Der Teil vor dem @ darf nicht mit einem Punkt beginnen oder enden"},
	}
	for _, tt := range tests {
		// The review page, and a broken download link followed in a browser.
		for _, path := range []string{"/setup?", "/profile?"} {
			rec := s.get(t, path+url.Values{"email": {tt.email}, "type": {tt.typ}}.Encode(), "Accept-Language", "de-DE,de;q=0.9", "Accept", "text/html")
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Errorf("%s%s: status = %d, want %d", path, tt.email, rec.Code, tt.status)
			}
			mustContain(t, path+tt.email, body, `<html lang="de">`, `id="email-error"`, tt.want)
		}
	}
}

func TestDownloadErrorShowsForm(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.get(t, profileURL("someone", "pop", "Kept Name"), "Accept", "text/html")
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status = %d", rec.Code)
	}
	mustContain(t, "form", rec.Body.String(), `id="email-error"`, `value="someone"`, `value="Kept Name"`, `value="pop" checked`, `action="/setup"`)
	rec = s.get(t, "/nope?lang=fr")
	mustContain(t, "404 page", rec.Body.String(), `<html lang="fr">`, "Page introuvable", `href="/?lang=fr"`)
}

func TestLanguageLinks(t *testing.T) {
	s := newTestServer(t, nil)
	body := s.get(t, "/setup?email=someone@btinternet.com&type=pop&lang=de").Body.String()
	mustContain(t, "page", body,
		`<html lang="de">`,
		`href="/setup?email=someone%40btinternet.com&amp;lang=fr&amp;type=pop" lang="fr"`,
		`aria-current="true">Deutsch`,
		`href="/?email=someone%40btinternet.com&amp;lang=de&amp;type=pop">Adresse oder Kontotyp ändern`,
		`class="brand" href="/?lang=de"`)
	body = s.get(t, "//evil.example/x").Body.String()
	if strings.Contains(body, `href="//evil`) {
		t.Error("language links point to another host")
	}
	// The form carries an explicit language to the review page.
	mustContain(t, "form", s.get(t, "/?lang=fr").Body.String(), `<input type="hidden" name="lang" value="fr">`)
	if strings.Contains(s.get(t, "/", "Accept-Language", "fr").Body.String(), `name="lang"`) {
		t.Error("the form carries a language the browser chose")
	}
}

func TestSetupQR(t *testing.T) {
	s := newTestServer(t, withTrustedProxy)
	// The trusted proxy says the visitor used HTTPS.
	req := httptest.NewRequest(http.MethodGet, "/setup/qr.svg?email=someone@btinternet.com&type=pop&lang=fr&name=Ann", nil)
	req.RemoteAddr = trustedProxy + ":40000"
	req.Header.Set("X-Forwarded-Proto", "https")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("status %d, type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	want, err := site.QRSVG("https://example.com/setup?email=someone%40btinternet.com&lang=fr&name=Ann&type=pop")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rec.Body.Bytes(), want) {
		t.Errorf("QR code does not encode the review page's absolute URL")
	}
	if rec := s.get(t, "/setup/qr.svg?email=bad"); rec.Code != http.StatusBadRequest {
		t.Errorf("bad address: status %d, want 400", rec.Code)
	}
}

func TestBranding(t *testing.T) {
	logo := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>`)
	s := newTestServer(t, func(c *Config) {
		c.ServiceName = "Example Mail"
		c.Logo = logo
		c.AccentColor = "#FFCC00"
		c.SupportURL = "https://help.example.com/mail"
		c.SupportPhone = "+44 (0)800 123 456"
	})
	body := s.get(t, "/").Body.String()
	mustContain(t, "page", body, "<title>Set up your mail · Example Mail</title>", `<link rel="stylesheet" href="/brand.css?v=`,
		`<img src="/brand/logo?v=`, `href="https://help.example.com/mail">Contact support`, `href="tel:&#43;440800123456">call &#43;44 (0)800 123 456`)
	css := s.get(t, s.brand.cssURL)
	if css.Code != 200 || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") || !strings.Contains(css.Header().Get("Cache-Control"), "immutable") {
		t.Fatalf("brand.css: %d %v", css.Code, css.Header())
	}
	// #ffcc00 is too light for links on white: it is darkened to 4.5:1.
	m := regexp.MustCompile(`--accent:(#[0-9a-f]{6});--accent-fg:(#[0-9a-f]{6})`).FindAllStringSubmatch(css.Body.String(), -1)
	if len(m) != 2 {
		t.Fatalf("brand.css = %s", css.Body)
	}
	light, dark := parseRGB(m[0][1]), parseRGB(m[1][1])
	if c := contrast(light, lightBackground); c < 4.5 {
		t.Errorf("light accent %s has contrast %.2f with white", light, c)
	}
	if c := contrast(dark, darkBackground); c < 4.5 {
		t.Errorf("dark accent %s has contrast %.2f with the dark page", dark, c)
	}
	if c := contrast(light, parseRGB(m[0][2])); c < 4.5 {
		t.Errorf("button text on %s has contrast %.2f", light, c)
	}
	img := s.get(t, s.brand.logoURL)
	if img.Code != 200 || img.Header().Get("Content-Type") != "image/svg+xml" || !bytes.Equal(img.Body.Bytes(), logo) {
		t.Errorf("logo: %d %q", img.Code, img.Header().Get("Content-Type"))
	}

	plain := newTestServer(t, nil)
	if rec := plain.get(t, "/brand.css"); rec.Code != http.StatusNotFound {
		t.Errorf("brand.css without an accent colour: %d", rec.Code)
	}
	if body := plain.get(t, "/").Body.String(); strings.Contains(body, "brand.css") || strings.Contains(body, "Contact support") {
		t.Error("a page without branding links brand.css or support")
	}
}

func TestBrandingValidation(t *testing.T) {
	for name, modify := range map[string]func(*Config){
		"short colour":     func(c *Config) { c.AccentColor = "#fff" },
		"named colour":     func(c *Config) { c.AccentColor = "red" },
		"CSS injection":    func(c *Config) { c.AccentColor = "#000000;}body{display:none" },
		"javascript URL":   func(c *Config) { c.SupportURL = "javascript:alert(1)" },
		"relative URL":     func(c *Config) { c.SupportURL = "/help" },
		"letters in phone": func(c *Config) { c.SupportPhone = "call us" },
		"logo not image":   func(c *Config) { c.Logo = []byte("<html>hi</html>") },
		"logo too big":     func(c *Config) { c.Logo = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, maxLogoSize)...) },
	} {
		cfg := Config{Logger: newTestServer(t, nil).log, Finder: failingFinder{}, Profile: testOptions}
		modify(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New() = nil error", name)
		}
	}
}
