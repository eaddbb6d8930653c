package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/signing"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// FuzzParseAccountRequest checks the query validator: every error is a
// user-facing *profile.InputError naming a field, and an accepted request
// survives its own canonical query unchanged.
func FuzzParseAccountRequest(f *testing.F) {
	f.Add("someone@btinternet.com", "imap", "Some One", "")
	f.Add(`"<script>"@btinternet.com`, "POP3", `Tom & "Jerry"`, "")
	f.Add("someone@b\u00fccher.de", "", "Ren\u00e9e", "ios")
	f.Add("a\r\n@b.com", "exchange", "\xff", "macos")
	f.Add("someone@gmail.com", "google", "", "android")
	f.Add("someone@outlook.com", "Exchange", "", "MacOS")
	f.Fuzz(func(t *testing.T, email, typ, name, device string) {
		req, err := parseAccountRequest(formValues{Email: email, Type: typ, Name: name, Device: device})
		if err != nil {
			var ie *profile.InputError
			if !errors.As(err, &ie) || ie.Message == "" || (ie.Field != "email" && ie.Field != "type" && ie.Field != "name" && ie.Field != "device") {
				t.Fatalf("parseAccountRequest(%q, %q, %q, %q) error %v is not a user-facing *InputError", email, typ, name, device, err)
			}
			return
		}
		if !utf8.ValidString(req.query()) || strings.ContainsAny(req.query(), "\r\n <>\"") {
			t.Fatalf("query() = %q is not URL-encoded", req.query())
		}
		q, err := url.ParseQuery(req.query())
		if err != nil {
			t.Fatalf("query() = %q does not parse: %v", req.query(), err)
		}
		again, err := parseAccountRequest(formValues{Email: q.Get("email"), Type: q.Get("type"), Name: q.Get("name"), Device: q.Get("device")})
		if err != nil || again != req {
			t.Fatalf("parseAccountRequest(query()) = %+v, %v; want %+v", again, err, req)
		}
	})
}

// FuzzRequest sends fuzzed email, type, name and lang to the public
// endpoints through the real router: never a 5xx, and a downloaded profile
// verifies and is for the normalised address.
func FuzzRequest(f *testing.F) {
	f.Add(uint8(0), "someone@btinternet.com", "imap", "Some One", "de")
	f.Add(uint8(1), `"</string><key>x</key>"@btinternet.com`, "pop", `<&">`, "fr-CA")
	f.Add(uint8(2), "someone@outlook.com", "IMAP", "", "x-klingon")
	f.Add(uint8(3), "someone@icloud.com", "pop", "\u202eenO", "*")
	f.Add(uint8(4), "someone@\uff42\uff54\uff49\uff4e\uff54\uff45\uff52\uff4e\uff45\uff54.com", "", "😀", "en-US-u-ca-buddhist")
	f.Add(uint8(3), "someone@outlook.com", "exchange", "", "en")
	f.Add(uint8(3), "someone@gmail.com", "", "Some One", "de")
	f.Add(uint8(4), "someone@onmicrosoft.com", "google", "", "fr")
	s := newTestServer(f, nil)
	paths := []string{"/", "/setup", "/setup/qr.svg", "/profile", "/api/v1/settings"}
	f.Fuzz(func(t *testing.T, which uint8, email, typ, name, lang string) {
		path := paths[int(which)%len(paths)]
		q := url.Values{"email": {email}, "type": {typ}, "name": {name}, "lang": {lang}}
		req := httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
		if which&0x80 != 0 {
			req.Header.Set("Accept", "application/json")
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("GET %s: status %d\n%s", req.URL, rec.Code, rec.Body)
		}
		for k, vs := range rec.Header() {
			for _, v := range vs {
				if strings.ContainsAny(v, "\r\n") {
					t.Fatalf("GET %s: header %s = %q", req.URL, k, v)
				}
			}
		}
		if path != "/profile" || rec.Code != http.StatusOK {
			return
		}
		addr, err := profile.ParseAddress(email)
		if err != nil {
			t.Fatalf("GET %s: 200 for an address that does not parse: %v", req.URL, err)
		}
		v, err := signing.Verify(rec.Body.Bytes(), nil, timetest.Fixed())
		if err != nil || !v.SignatureOK {
			t.Fatalf("GET %s: signing.Verify = %v", req.URL, err)
		}
		sum, err := profile.Parse(v.Content)
		if err != nil || len(sum.Problems) > 0 || payloadAddress(sum.Payloads[0]) != addr.String() {
			t.Fatalf("GET %s: profile %+v, %v; want one without problems for %s", req.URL, sum, err, addr)
		}
	})
}

// payloadAddress is the address an account payload sets up.
func payloadAddress(p profile.PayloadSummary) string {
	switch {
	case p.Mail != nil:
		return p.Mail.Address
	case p.Exchange != nil:
		return p.Exchange.Address
	case p.Google != nil:
		return p.Google.Address
	}
	return ""
}

// FuzzDetectDevice reads arbitrary User-Agents: a known kind, sane
// versions, and a short device name for the audit trail.
func FuzzDetectDevice(f *testing.F) {
	for _, ua := range []string{iPhoneUA, "",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/94.0 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) Gecko/20100101 Firefox/120.0",
		"Mozilla/5.0 (iPad; CPU OS 12_0 like Mac OS X) Instagram 300.0",
		"Mozilla/5.0 (Linux; Android 14) Chrome/120.0 Mobile Safari/537.36",
		"iPhone OS 99999999999999999999_1 CriOS/99999999999999999999",
	} {
		f.Add(ua)
	}
	kinds := map[deviceKind]bool{deviceIOS: true, deviceIOSSaveOnly: true, deviceMac: true, deviceOther: true}
	places := map[string]bool{"": true, "device-management": true, "privacy": true, "preferences": true}
	f.Fuzz(func(t *testing.T, ua string) {
		d := detectDevice(ua)
		if !kinds[d.Kind] || d.IOS < 0 || d.MacOS < 0 || !places[d.macPlace()] {
			t.Fatalf("detectDevice(%q) = %+v", ua, d)
		}
		if d.Kind != deviceIOS && d.Kind != deviceIOSSaveOnly && (d.IOS != 0 || d.Browser != "") {
			t.Fatalf("detectDevice(%q) = %+v: iOS details for another device", ua, d)
		}
		name := deviceName(ua)
		if name == "" || len(name) > 40 || !utf8.ValidString(name) {
			t.Fatalf("deviceName(%q) = %q", ua, name)
		}
		// Mail accounts install everywhere; a Mac takes nothing else, and
		// the device parameter decides over the User-Agent.
		for _, param := range []string{"", deviceParamIOS, deviceParamMac} {
			d := requestDevice(ua, param)
			m := d.installMask()
			if !d.installs(profile.IMAP) || !d.installs(profile.POP) ||
				d.Kind == deviceMac && m != 1<<2|1<<3 || (param == deviceParamMac) != (d.Kind == deviceMac) && param != "" {
				t.Fatalf("requestDevice(%q, %q) = %+v, installs %04b", ua, param, d, m)
			}
			if fast := installMaskOf(ua, param); fast != m {
				t.Fatalf("installMaskOf(%q, %q) = %04b, requestDevice gives %04b", ua, param, fast, m)
			}
		}
	})
}

// FuzzChooseLanguage picks the page language from ?lang= and
// Accept-Language: always a supported language, and the language links
// never lead to another site.
func FuzzChooseLanguage(f *testing.F) {
	f.Add("de", "fr-CA,fr;q=0.9", "/setup")
	f.Add("", "*", "/")
	f.Add("x-klingon", "en-US-u-ca-buddhist;q=abc", "//evil.example/")
	f.Add("de;q=0.5", "zh-Hant-TW, de-CH;q=0.1", "/\\evil.example")
	s := newTestServer(f, nil)
	supported := map[string]bool{"en": true, "de": true, "fr": true}
	f.Fuzz(func(t *testing.T, lang, acceptLanguage, path string) {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL.Path = path
		req.URL.RawQuery = url.Values{"lang": {lang}}.Encode()
		req.Header.Set("Accept-Language", acceptLanguage)
		c := s.echo.NewContext(req, httptest.NewRecorder())
		code, explicit := site.ChooseLanguage(c)
		if !supported[code] || (explicit && lang == "") {
			t.Fatalf("site.ChooseLanguage(lang=%q, Accept-Language %q) = %q, %v", lang, acceptLanguage, code, explicit)
		}
		for _, l := range languageLinks(c, code) {
			u, err := url.Parse(l.URL)
			if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(l.URL, "/") || strings.HasPrefix(l.URL, "//") || strings.HasPrefix(l.URL, `/\`) {
				t.Fatalf("languageLinks(path %q) has %q, which may lead off the site", path, l.URL)
			}
		}
	})
}
