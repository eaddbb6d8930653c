package web

import (
	"bytes"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
)

// downloadCase is a GET /profile: the query and the request's headers.
type downloadCase struct {
	name   string
	query  string
	header []string // name, value, ...
	tls    bool
	peer   string // the client's address when not httptest's
}

func (tc downloadCase) request() *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/profile?"+tc.query, nil)
	for i := 0; i+1 < len(tc.header); i += 2 {
		req.Header.Set(tc.header[i], tc.header[i+1])
	}
	if tc.tls {
		req.TLS = &tls.ConnectionState{}
	}
	if tc.peer != "" {
		req.RemoteAddr = tc.peer
	}
	return req
}

func emailQuery(email string) string { return "email=" + url.QueryEscape(email) }

// firstDownloadCases are first downloads of catalog addresses, of every
// kind, device and language: the fast path answers each.
func firstDownloadCases() []downloadCase {
	ua := func(ua string) []string { return []string{"User-Agent", ua} }
	return []downloadCase{
		{name: "IMAP, desktop", query: emailQuery("a@btinternet.com") + "&type=imap", header: ua(uaWindowsChrome)},
		{name: "no header at all", query: emailQuery("b@btinternet.com") + "&type=imap"},
		{name: "POP, Mac", query: emailQuery("c@btinternet.com") + "&type=pop", header: ua(uaMacSafari)},
		{name: "chosen kind, iPhone", query: emailQuery("d@btinternet.com"), header: ua(uaIPhoneSafari)},
		{name: "Exchange chosen, iPhone", query: emailQuery("e@outlook.com"), header: ua(uaIPhoneSafari)},
		{name: "Exchange asked, iPad", query: emailQuery("f@outlook.com") + "&type=exchange", header: ua(uaIPadSafari)},
		{name: "Gmail asked for IMAP, Mac", query: emailQuery("g@gmail.com") + "&type=imap", header: ua(uaMacChrome)},
		{name: "Google, iOS 18", query: emailQuery("h@gmail.com") + "&type=google", header: ua(uaIPhone18)},
		{name: "Gmail chosen, Android", query: emailQuery("i@gmail.com"), header: ua(uaAndroid)},
		{name: "Gmail, Linux, lang=de", query: emailQuery("j@gmail.com") + "&lang=de", header: ua(uaLinuxFirefox)},
		{name: "Accept-Language fr", query: emailQuery("k@btinternet.com") + "&type=imap",
			header: []string{"User-Agent", uaIPhoneSafari, "Accept-Language", "fr-FR,fr;q=0.9"}},
		{name: "lang= over Accept-Language", query: emailQuery("l@btinternet.com") + "&lang=de",
			header: []string{"Accept-Language", "fr"}},
		{name: "a name with escapes", query: emailQuery("m@btinternet.com") + "&name=" + url.QueryEscape(`Jürgen "J" <Müller> & Co`) + "&type=imap"},
		{name: "a name in +", query: "email=n%40btinternet.com&name=Some+One+%26+Two&type=imap"},
		{name: "services named", query: emailQuery("o@fastmail.com") + "&services=mail,calendar,contacts", header: ua(uaIPhoneSafari)},
		{name: "services one by one, POP", query: emailQuery("p@fastmail.com") + "&type=pop&services=mail&services=contacts", header: ua(uaMacSafari)},
		{name: "device=ios from a Mac", query: emailQuery("q@outlook.com") + "&device=ios", header: ua(uaMacSafari)},
		{name: "device=macos from an iPhone", query: emailQuery("r@gmail.com") + "&device=macos", header: ua(uaIPhoneSafari)},
		{name: "mixed case, over TLS", query: emailQuery("Mixed.Case@BTinternet.com"), tls: true},
		{name: "HTTPS at a trusted proxy", query: emailQuery("t@btinternet.com"), peer: trustedProxy + ":40000",
			header: []string{"X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9"}},
		{name: "HTTPS claimed by an untrusted peer", query: emailQuery("u@btinternet.com"), peer: "198.51.100.7:40000",
			header: []string{"X-Forwarded-Proto", "https", "X-Forwarded-For", "203.0.113.9"}},
		{name: "repeated parameters", query: emailQuery("s@btinternet.com") + "&type=imap&type=pop&email=x%40y.z&lang=fr&lang=de"},
	}
}

// TestFirstDownloadFastPath holds every first download the fast path
// answers to what the ordinary path (Echo, its middleware and
// downloadProfile) answers for the same request on a twin server: the
// same status, headers but the request's own ID, and bytes; the clocks
// and the signing key are the same, so the signatures are too.
func TestFirstDownloadFastPath(t *testing.T) {
	for _, signer := range []Signer{newSigner(t), nil} {
		name := "unsigned"
		if signer != nil {
			name = "signed"
		}
		t.Run(name, func(t *testing.T) {
			twin := func() testServer {
				return newTestServer(t, func(c *Config) {
					withTrustedProxy(c)
					c.Signer = signer
					c.Clock = timetest.Fixed
					c.ProfileCacheSize = 100
				})
			}
			fast, ordinary := twin(), twin()
			for _, tc := range firstDownloadCases() {
				got := httptest.NewRecorder()
				if !fast.serveDownload(got, tc.request()) {
					t.Fatalf("%s: the fast path did not answer GET /profile?%s", tc.name, tc.query)
				}
				want := httptest.NewRecorder()
				ordinary.echo.ServeHTTP(want, tc.request())
				if got.Code != want.Code || !equalHeaders(withoutPerRequest(got.Header()), withoutPerRequest(want.Header())) || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
					t.Fatalf("%s: GET /profile?%s:\nfast path %d %v (%d bytes)\nordinary path %d %v (%d bytes)",
						tc.name, tc.query, got.Code, got.Header(), got.Body.Len(), want.Code, want.Header(), want.Body.Len())
				}
				if got.Code != http.StatusOK {
					t.Errorf("%s: status %d, want 200", tc.name, got.Code)
				}
				if id := got.Header().Get(headerRequestID); id == "" || id == want.Header().Get(headerRequestID) {
					t.Errorf("%s: request ID %q, want a new one", tc.name, id)
				}
				// The answer is remembered: the repeat comes from the cache.
				var buf [256]byte
				f, _ := fastForm(tc.request().URL.RawQuery)
				if d, _ := fast.cache.lookupRequest(requestKey(buf[:0], f, tc.request().UserAgent(), profileLang(f, tc.request()))); d == nil {
					t.Errorf("%s: not remembered for the fast path", tc.name)
				}
			}
		})
	}
}

// ordinaryCases must go the ordinary way: errors, refusals, what the
// fast path cannot read exactly (which may still be a download).
func ordinaryCases() []downloadCase {
	return []downloadCase{
		{name: "no email", query: "type=imap"},
		{name: "a bad address", query: "email=not-an-address"},
		{name: "an unknown type", query: emailQuery("a@btinternet.com") + "&type=fax"},
		{name: "an unknown device", query: emailQuery("a@btinternet.com") + "&device=toaster"},
		{name: "an unknown service", query: emailQuery("a@fastmail.com") + "&services=fax"},
		{name: "a service not offered", query: emailQuery("a@btinternet.com") + "&services=calendar"},
		{name: "a domain nowhere", query: emailQuery("a@unknown-domain.example")},
		{name: "Exchange on a Mac", query: emailQuery("a@outlook.com") + "&type=exchange", header: []string{"User-Agent", uaMacSafari}},
		{name: "Outlook.com on a Mac: nothing installs", query: emailQuery("a@outlook.com"), header: []string{"User-Agent", uaMacSafari}},
		{name: "device=macos for Outlook.com", query: emailQuery("a@outlook.com") + "&device=macos", header: []string{"User-Agent", uaIPhoneSafari}},
		{name: "a kind not offered", query: emailQuery("a@gmail.com") + "&type=exchange"},
		{name: "JSON asked", query: emailQuery("a@outlook.com") + "&type=exchange", header: []string{"User-Agent", uaMacSafari, "Accept", "application/json"}},
		{name: "a semicolon", query: emailQuery("a@btinternet.com") + ";type=imap"},
		{name: "a bad escape", query: emailQuery("a@btinternet.com") + "&name=%zz"},
	}
}

// TestFirstDownloadOrdinaryWay checks that the fast path leaves every
// request it must not answer untouched (nothing written, no header set),
// and that ServeHTTP then answers it as the ordinary path does.
func TestFirstDownloadOrdinaryWay(t *testing.T) {
	signer := newSigner(t) // the same lengths of signatures
	twin := func() testServer { return newTestServer(t, func(c *Config) { c.Signer = signer }) }
	fast, ordinary := twin(), twin()
	for _, tc := range ordinaryCases() {
		rec := httptest.NewRecorder()
		if fast.serveDownload(rec, tc.request()) || len(rec.Header()) != 0 || rec.Body.Len() != 0 {
			t.Fatalf("%s: the fast path took GET /profile?%s (headers %v, %d bytes)", tc.name, tc.query, rec.Header(), rec.Body.Len())
		}
		got, want := httptest.NewRecorder(), httptest.NewRecorder()
		fast.ServeHTTP(got, tc.request())
		ordinary.echo.ServeHTTP(want, tc.request())
		if got.Code != want.Code || !equalHeaders(withoutPerRequest(got.Header()), withoutPerRequest(want.Header())) {
			t.Errorf("%s: ServeHTTP %d %v; ordinary path %d %v, want the same", tc.name, got.Code, got.Header(), want.Code, want.Header())
		}
	}
}
