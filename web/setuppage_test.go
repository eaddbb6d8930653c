package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// Other user agents the review page tells apart, beside browser_test.go's.
const (
	uaIPadSafari   = "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	uaLinuxFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
)

// setupCase is one review page request: its query without the address,
// and its headers.
type setupCase struct {
	domain, query string
	header        []string
}

// request is a GET of target from the trusted proxy with tc's headers
// ("Host" sets the request's host).
func (tc setupCase) request(target string) *http.Request {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = trustedProxy + ":1234"
	for i := 0; i+1 < len(tc.header); i += 2 {
		if tc.header[i] == "Host" {
			req.Host = tc.header[i+1]
			continue
		}
		req.Header.Set(tc.header[i], tc.header[i+1])
	}
	return req
}

// setupCases are requests of every kind the review page answers: each
// catalog provider, type, device, language, client hints and proxy.
func setupCases() []setupCase {
	domains := []string{"btinternet.com", "gmail.com", "outlook.com", "web.de", "gmx.net", "icloud.com", "yahoo.com", "fastmail.com", "hotmail.co.uk", "BTInternet.com"}
	queries := []string{"", "&type=imap", "&type=pop", "&type=exchange", "&type=google", "&device=ios", "&device=macos", "&lang=de", "&lang=fr&type=imap", "&type=POP3&lang=en", "&x=1&lang=fr"}
	agents := [][]string{
		{"User-Agent", uaIPhoneSafari},
		{"User-Agent", uaIPhoneIOS18},
		{"User-Agent", uaIPhoneInstagram},
		{"User-Agent", uaIPadSafari},
		{"User-Agent", uaMacSafari},
		{"User-Agent", uaMacChrome, "Sec-CH-UA-Platform", `"macOS"`, "Sec-CH-UA-Platform-Version", `"15.1.0"`},
		{"User-Agent", uaMacChrome, "Sec-CH-UA-Platform", `"macOS"`, "Sec-CH-UA-Platform-Version", `"13.6.0"`},
		{"User-Agent", uaMacChrome},
		{"User-Agent", uaWindowsChrome},
		{"User-Agent", uaAndroid},
		{"User-Agent", uaLinuxFirefox, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "setup.example.net"},
		{"User-Agent", uaLinuxFirefox},
		{"User-Agent", uaLinuxFirefox, "Host", "other.example.org"},
		{},
	}
	langs := [][]string{{}, {"Accept-Language", "de-DE,de;q=0.9"}, {"Accept-Language", "fr"}, {"Accept", "application/json"}}
	// Base cases, and each varied in one dimension at a time: two
	// requests that differ in one thing only are the ones a key that
	// missed it would mix up.
	var out []setupCase
	add := func(d, q, a, l int) {
		h := append(append([]string(nil), agents[a]...), langs[l]...)
		out = append(out, setupCase{domain: domains[d], query: queries[q], header: h})
	}
	for base := range 12 {
		d, q, a, l := base%len(domains), (base*5)%len(queries), (base*7)%len(agents), base%len(langs)
		for i := range domains {
			add(i, q, a, l)
		}
		for i := range queries {
			add(d, i, a, l)
		}
		for i := range agents {
			add(d, q, i, l)
		}
		for i := range langs {
			add(d, q, a, i)
		}
	}
	return out
}

// TestSetupPageSplice holds every review page served with an address
// spliced in to the page rendered for that address: the same status,
// headers and bytes, for addresses that are spliced and for those that
// are not, on the first request of a kind (a stand-in render) and on the
// next (a page from the cache).
func TestSetupPageSplice(t *testing.T) {
	s := newTestServer(t, withTrustedProxy)
	locals := []string{"someone", "john.smith", "a", "x-y_z.9", "someone", "Mixed.Case", "o'neil", "first+tag", strings.Repeat("long.", 12) + "end"}
	for _, tc := range setupCases() {
		for _, local := range locals {
			target := "/setup?email=" + url.QueryEscape(local+"@"+tc.domain) + tc.query
			answer := func(render func(*Server, echo.Context) error) (int, http.Header, []byte) {
				req := tc.request(target)
				rec := httptest.NewRecorder()
				c := s.echo.NewContext(req, rec)
				if err := render(s.Server, c); err != nil {
					s.echo.HTTPErrorHandler(err, c)
				}
				return rec.Code, rec.Header(), rec.Body.Bytes()
			}
			wantCode, wantHeader, want := answer((*Server).showSetupPage)
			code, header, got := answer((*Server).showSetup)
			if code != wantCode || !equalHeaders(header, wantHeader) || !bytes.Equal(got, want) {
				t.Fatalf("GET %s %q:\ngot %d %v\n%s\nwant the rendered page's %d %v\n%s", target, tc.header, code, header, got, wantCode, wantHeader, want)
			}
			if bytes.Contains(got, []byte(setupSentinel)) {
				t.Fatalf("GET %s %q: the page holds the stand-in address", target, tc.header)
			}
		}
	}
}

// TestSetupPageCached checks that a second visitor of the same kind is
// answered from the cache, without a settings lookup, and that one whose
// address cannot be spliced, or whose settings were discovered, is not.
func TestSetupPageCached(t *testing.T) {
	s, _, cf := newFastServer(t, nil)
	for i, tt := range []struct {
		email   string
		lookups int64 // settings lookups the request makes
	}{
		{"first@btinternet.com", 1},
		{"second@btinternet.com", 0},
		{"third.one@btinternet.com", 0},
		{"Fourth@btinternet.com", 1}, // upper case: not spliced
		{"fifth+tag@btinternet.com", 1},
		{"sixth@gmail.com", 1},
		{"seventh@gmail.com", 0},
	} {
		before := cf.finds.Load()
		rec := s.get(t, "/setup?email="+url.QueryEscape(tt.email), "User-Agent", uaIPhoneSafari)
		if rec.Code != http.StatusOK || !strings.Contains(withoutBreaks(rec.Body.String()), tt.email) {
			t.Fatalf("request %d, %s: status %d, or the page does not name the address", i, tt.email, rec.Code)
		}
		if got := cf.finds.Load() - before; (got == 0) != (tt.lookups == 0) {
			t.Errorf("request %d, %s: %d settings lookups, want %d", i, tt.email, got, tt.lookups)
		}
	}
}

// TestCutStandIn checks the cutting and splicing on pages made by hand:
// a dot's form is the one the stand-in's dot took in each place, and a
// stand-in written any other way keeps the page from the cache.
func TestCutStandIn(t *testing.T) {
	for _, tt := range []struct {
		page, local, want string
		ok                bool
	}{
		{page: "<p>zqxmp.standin@x</p>", local: "a.b", want: "<p>a.b@x</p>", ok: true},
		{page: "<p>zqxmp.<wbr>standin@<wbr>x</p><a href=\"/?e=zqxmp.standin%40x\">zqxmp.standin</a>", local: "a.b.c",
			want: "<p>a.<wbr>b.<wbr>c@<wbr>x</p><a href=\"/?e=a.b.c%40x\">a.b.c</a>", ok: true},
		{page: "zqxmp.standin", local: "nodot", want: "nodot", ok: true},
		{page: "no stand-in here", ok: false},
		{page: "<p>zqxmp.standin and zqxmp… cut short</p>", ok: false},
		{page: "<p>zqxmp.standin and …standin</p>", ok: false},
		{page: "<p>zqxmpstandin, its dot lost</p>", ok: false},
		{page: "<p>zqxmp." + strings.Repeat("x", 40) + "standin</p>", ok: false},
	} {
		p, ok := cutStandIn([]byte(tt.page), http.Header{})
		if ok != tt.ok {
			t.Errorf("cutStandIn(%q) ok = %v, want %v", tt.page, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		rec := httptest.NewRecorder()
		c := echo.New().NewContext(httptest.NewRequest(http.MethodGet, "/", nil), rec)
		if err := p.write(c, tt.local); err != nil {
			t.Fatal(err)
		}
		if got := rec.Body.String(); got != tt.want {
			t.Errorf("cutStandIn(%q) with %q = %q, want %q", tt.page, tt.local, got, tt.want)
		}
	}
}
