package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/signing"
	"github.com/mailprofile/mailprofile/store"
)

// The hostile-input test sends every input below to every public endpoint,
// as each query parameter (URL-encoded, and as raw query text), as a path
// segment, as form fields of the sign-in form and as request headers. For
// every response it asserts: never a 5xx; never an unescaped echo of the
// input; no CR or LF in a header; valid JSON; and a 200 download is a
// profile that verifies, has no problems and is for the normalised
// address.

// hostile is one hostile input with a short name for messages.
type hostile struct {
	name  string
	value string
}

// hostileInputs are the inputs, by kind.
func hostileInputs() []hostile {
	const bt = "@btinternet.com"
	in := []hostile{
		// Overlong.
		{"local part 64 (limit)", strings.Repeat("a", 64) + bt},
		{"local part 65", strings.Repeat("a", 65) + bt},
		{"address 255", strings.Repeat("a", 60) + "@" + strings.Repeat("b.", 95) + "com"},
		{"label 64", "someone@" + strings.Repeat("b", 64) + ".com"},
		{"1024 bytes", strings.Repeat("x", 1024-len(bt)) + bt},
		{"1025 bytes", strings.Repeat("x", 1025-len(bt)) + bt},
		{"10 KB", strings.Repeat("<", 10<<10)},
		{"100 KB", strings.Repeat("a", 100<<10)},
		{"name 100 runes", strings.Repeat("n", 100)},
		{"name 101 runes", strings.Repeat("n", 101)},
		{"name 100 emoji", strings.Repeat("😀", 100)},
		{"name 101 emoji", strings.Repeat("😀", 101)},
		{"many labels", "someone@" + strings.Repeat("a.", 120) + "com"},
		{"many ats", strings.Repeat("@", 500)},
		{"long type", strings.Repeat("imap", 2000)},
		{"long lang", "en" + strings.Repeat("-abcdefgh", 400)},
		{"long quoted local", `"` + strings.Repeat(`\"`, 40) + `"` + bt},

		// Control characters.
		{"NUL", "\x00"},
		{"NUL in local", "some\x00one" + bt},
		{"NUL at end", "someone" + bt + "\x00"},
		{"NUL in name", "Some\x00One"},
		{"SOH", "\x01"},
		{"BEL", "some\aone" + bt},
		{"BS", "someone\b\b\bevil" + bt},
		{"TAB", "some\tone" + bt},
		{"LF", "someone" + bt + "\n"},
		{"VT", "some\vone" + bt},
		{"FF", "some\fone" + bt},
		{"CR", "someone" + bt + "\r"},
		{"CRLF", "someone" + bt + "\r\n"},
		{"lone LF in name", "Some\nOne"},
		{"ESC sequence", "\x1b[31msomeone" + bt},
		{"ESC title set", "\x1b]0;pwned\x07"},
		{"US", "\x1f"},
		{"DEL", "some\x7fone" + bt},
		{"C1 PAD", "some\u0080one" + bt},
		{"C1 NEL", "someone" + bt + "\u0085"},
		{"C1 CSI", "\u009b31m"},
		{"C1 APC", "Some\u009fOne"},
		{"all C0", allBytes(0, 0x20)},
		{"all C1", allRunes(0x80, 0xa0)},

		// Invalid UTF-8.
		{"0xFF", "\xff"},
		{"0xFE 0xFF", "\xfe\xff"},
		{"overlong dot", "\xc0\xae"},
		{"overlong slash", "\xc0\xaf"},
		{"3-byte overlong", "\xe0\x80\xaf"},
		{"surrogate half", "\xed\xa0\x80"},
		{"beyond U+10FFFF", "\xf4\x90\x80\x80"},
		{"truncated euro", "\xe2\x82"},
		{"lone continuation", "\x80"},
		{"invalid in local", "some\xffone" + bt},
		{"invalid in domain", "someone@btintern\xffet.com"},
		{"latin-1 name", "Caf\xe9"},
		{"invalid then script", "\xff<script>alert(1)</script>"},

		// Unicode tricks.
		{"RLO", "\u202emoc.tenretnitb@enoemos"},
		{"RLO in local", "some\u202eone" + bt},
		{"LRO", "\u202dsomeone" + bt},
		{"RLI", "some\u2067one" + bt},
		{"PDF", "someone" + bt + "\u202c"},
		{"ALM", "some\u061cone" + bt},
		{"ZWSP", "some\u200bone" + bt},
		{"ZWSP in domain", "someone@btinter\u200bnet.com"},
		{"ZWJ", "some\u200done" + bt},
		{"ZWNJ", "some\u200cone" + bt},
		{"word joiner", "some\u2060one" + bt},
		{"BOM", "\ufeffsomeone" + bt},
		{"soft hyphen", "some\u00adone" + bt},
		{"soft hyphen in domain", "someone@btinter\u00adnet.com"},
		{"RLO in name", "Some \u202eenO"},
		{"ZWSP in name", "Some\u200bOne"},
		{"Cyrillic i homoglyph", "someone@bt\u0456nternet.com"},
		{"Cyrillic a homoglyph", "someone@\u0430pple.com"},
		{"Greek omicron", "someone@g\u03bfogle.com"},
		{"mixed script", "someone@\u0440\u0430ypal.com"},
		{"punycode", "someone@xn--80ak6aa92e.com"},
		{"bad punycode", "someone@xn--zz.com"},
		{"bare xn--", "someone@xn--.com"},
		{"fullwidth at", "someone\uff20btinternet.com"},
		{"fullwidth domain", "someone@\uff42\uff54\uff49\uff4e\uff54\uff45\uff52\uff4e\uff45\uff54.\uff43\uff4f\uff4d"},
		{"ideographic full stop", "someone@btinternet\u3002com"},
		{"fullwidth full stop", "someone@btinternet\uff0ecom"},
		{"small full stop", "someone@btinternet\ufe52com"},
		{"combining acute", "someone@btinterne\u0301t.com"},
		{"combining in local", "some\u0301one" + bt},
		{"zalgo name", "S\u0336\u0353o\u0337\u0354m\u0338e\u0335\u0316"},
		{"CGJ", "some\u034fone" + bt},
		{"emoji local", "😀" + bt},
		{"emoji domain", "someone@😀.com"},
		{"emoji name", "Some 😀 One"},
		{"flag sequence", "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"},
		{"NFC domain", "someone@b\u00fccher.de"},
		{"NFD domain", "someone@bu\u0308cher.de"},
		{"NFC name", "Ren\u00e9e"},
		{"NFD name", "Rene\u0301e"},
		{"sharp s", "someone@stra\u00dfe.de"},
		{"Kelvin sign", "someone@btinterne\u212a.com"},
		{"ligature fi", "someone@\ufb01nance.com"},
		{"dotted capital I", "someone@\u0130nternet.com"},
		{"Hebrew domain", "someone@\u05e9\u05dc\u05d5\u05dd.com"},
		{"Arabic digits", "\u0661\u0662\u0663"},
		{"U+FFFE", "Some\ufffeOne"},
		{"U+FFFF", "Some\uffffOne"},
		{"U+FFFD", "\ufffd" + bt},
		{"private use", "Some\ue000One"},
		{"tag characters", "Some\U000e0041\U000e0042"},
		{"line separator", "Some\u2028One"},
		{"paragraph separator", "Some\u2029One"},
		{"Hangul filler", "\u3164" + bt},
		{"NBSP", "\u00a0someone" + bt},
		{"ideographic space", "someone" + bt + "\u3000"},
		{"interlinear annotation", "\ufff9a\ufffab\ufffb"},
		{"object replacement", "\ufffc"},

		// Header and XML injection.
		{"Set-Cookie CRLF", "someone" + bt + "\r\nSet-Cookie: evil=1"},
		{"Set-Cookie encoded", "someone" + bt + "%0d%0aSet-Cookie:%20evil=1"},
		{"Location LF", "someone" + bt + "\nLocation: //evil.example"},
		{"response split", "x\r\n\r\n<html><script>alert(1)</script>"},
		{"header in name", "Some One\r\nX-Injected: 1"},
		{"XML close string", "</string><key>IncomingPassword</key><string>secret"},
		{"XML password quoted local", `"</string><key>IncomingPassword</key>"` + bt},
		{"XML dict close", "</string></dict></array></dict></plist>"},
		{"XML removal key", "<key>PayloadRemovalDisallowed</key><true/>"},
		{"CDATA end", "]]>"},
		{"CDATA", "<![CDATA[<script>alert(1)</script>]]>"},
		{"DOCTYPE XXE", `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`},
		{"entity ref", "&xxe;"},
		{"entity in name", "Tom &xxe; Jerry"},
		{"billion laughs", `<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>&b;`},
		{"char ref NUL", "&#0;"},
		{"char ref hex", "&#x3c;script&#x3e;"},
		{"pre-escaped", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"XML decl", `<?xml version="1.0"?>`},
		{"XML comment", "<!-- x -->"},
		{"processing instruction", "<?php system('id'); ?>"},
		{"quoted semicolon filename", `"x;filename=evil.exe"` + bt},
		{"quoted CD injection", `"a\"; filename=\"evil.exe"` + bt},
		{"quoted path", `"../../etc/passwd"` + bt},
		{"quoted backslashes", `"\\\\server\\share"` + bt},
		{"quoted script", `"<script>alert(1)</script>"` + bt},
		{"quoted img", `"\"><img src=x onerror=alert(1)>"` + bt},
		{"quoted empty", `""` + bt},
		{"quoted space", `"some one"` + bt},

		// HTML and JavaScript.
		{"script tag", "<script>alert(1)</script>"},
		{"script local", "<script>alert(1)</script>" + bt},
		{"img onerror", `"><img src=x onerror=alert(1)>`},
		{"svg onload", `'><svg onload=alert(1)>`},
		{"attribute break", `" autofocus onfocus="alert(1)`},
		{"single quote break", `' onmouseover='alert(1)`},
		{"javascript URL", "javascript:alert(1)"},
		{"javascript mixed case", "JaVaScRiPt:alert(document.cookie)"},
		{"javascript entity", "jav&#x09;ascript:alert(1)"},
		{"data URL", "data:text/html,<script>alert(1)</script>"},
		{"vbscript", "vbscript:msgbox(1)"},
		{"title break", "</title><script>alert(1)</script>"},
		{"textarea break", "</textarea><script>alert(1)</script>"},
		{"style break", "</style><script>alert(1)</script>"},
		{"comment break", "--><script>alert(1)</script><!--"},
		{"iframe srcdoc", `<iframe srcdoc="<script>alert(1)</script>">`},
		{"template action", "{{.}}{{template \"layout\"}}"},
		{"JS template literal", "${alert(1)}"},
		{"JSP", "<%= 7*7 %>"},
		{"JS string break", `';alert(1);//`},
		{"JSON break", `"},"admin":true,"x":{"`},
		{"unicode escape text", `\u003cscript\u003e`},
		{"angle only", "<>"},
		{"ampersand name", "Tom & Jerry"},
		{"apostrophe local", "o'brien" + bt},
		{"ampersand local", "tom&jerry" + bt},
		{"atext specials", "!#$%&'*+-/=?^_`{|}~" + bt},
		{"CSV formula", "=HYPERLINK(\"http://evil.example\",\"x\")"},
		{"CSV formula local", "=cmd" + bt},
		{"markdown link", "[x](javascript:alert(1))"},

		// Path tricks.
		{"dot dot slash", "../"},
		{"etc passwd", "../../../../etc/passwd"},
		{"encoded dot dot", "%2e%2e/"},
		{"encoded dot dot slash", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"},
		{"double-encoded dot dot", "%252e%252e%252f"},
		{"backslash dot dot", `..\..\windows\win.ini`},
		{"overlong encoded dot", "%c0%ae%c0%ae/"},
		{"protocol-relative", "//evil.example"},
		{"slash backslash", `/\evil.example`},
		{"UNC", `\\evil.example\share`},
		{"absolute URL", "https://evil.example/"},
		{"admin escape", "/admin/../../evil"},
		{"admin double slash", "/admin//evil.example"},
		{"admin at", "/admin@evil.example"},
		{"admin CRLF", "/admin\r\nLocation: https://evil.example"},
		{"admin encoded CRLF", "/admin%0d%0aLocation:%20https://evil.example"},
		{"admin backslash", `/admin\..\..\evil`},
		{"admin semicolon", "/admin/..;/x"},
		{"encoded slash", "a%2Fb"},
		{"encoded backslash", "a%5Cb"},
		{"dot", "."},
		{"dot dot", ".."},
		{"tilde", "~root"},
		{"query in value", "?email=evil@evil.example"},
		{"fragment", "#frag"},
		{"NUL path", "x%00.html"},
		{"static escape", "../server.go"},

		// Numbers and encodings.
		{"%00", "%00"},
		{"%FF", "%FF"},
		{"%C0%AE", "%C0%AE"},
		{"%E0%80%AE", "%E0%80%AE"},
		{"%25", "%25"},
		{"%2500", "%2500"},
		{"lone percent", "%"},
		{"double percent", "%%"},
		{"bad escape", "%zz"},
		{"IIS unicode", "%u003cscript%u003e"},
		{"encoded at", "someone%40btinternet.com"},
		{"double-encoded at", "someone%2540btinternet.com"},
		{"encoded script", "%3Cscript%3Ealert(1)%3C/script%3E"},
		{"double-encoded script", "%253Cscript%253E"},
		{"plus", "+"},
		{"plus local", "some+one" + bt},
		{"plus as space", "some+one+" + bt},
		{"encoded plus", "some%2Bone" + bt},
		{"padded", "  someone" + bt + "  "},
		{"ampersand param", "someone" + bt + "&type=pop&name=<b>x</b>"},
		{"equals", "=" + bt},
		{"semicolon", "someone" + bt + ";type=pop"},
		{"huge number", "99999999999999999999999999999999999999"},
		{"int64 overflow", "9223372036854775808"},
		{"uint64 max", "18446744073709551615"},
		{"negative", "-1"},
		{"negative zero", "-0"},
		{"zero", "0"},
		{"1e309", "1e309"},
		{"NaN", "NaN"},
		{"Infinity", "-Infinity"},
		{"hex", "0x7fffffff"},
		{"octal", "0777"},
		{"float", "1.0"},
		{"plus one", "+1"},
		{"fullwidth digits", "\uff11\uff12\uff13"},
		{"bool", "true"},
		{"null", "null"},
		{"JSON object", `{"email":"someone@btinternet.com"}`},
		{"array syntax", "[]"},

		// Empty, whitespace and address shapes.
		{"empty", ""},
		{"space", " "},
		{"tab only", "\t"},
		{"at only", "@"},
		{"two ats", "someone@@btinternet.com"},
		{"no domain", "someone@"},
		{"no local", bt},
		{"trailing dot", "someone" + bt + "."},
		{"leading dot domain", "someone@.btinternet.com"},
		{"double dot domain", "someone@btinternet..com"},
		{"IP literal", "someone@[127.0.0.1]"},
		{"IPv6 literal", "someone@[IPv6:::1]"},
		{"bare IP", "someone@127.0.0.1"},
		{"localhost", "someone@localhost"},
		{"second at", "someone" + bt + "@evil.example"},
		{"angle address", "<someone" + bt + ">"},
		{"display name", "Some One <someone" + bt + ">"},
		{"comment", "(comment)someone" + bt},
		{"address list", "someone" + bt + ",other" + bt},
		{"address and space", "someone" + bt + " other@evil.example"},
		{"upper case", "SomeOne@BTInternet.COM"},
		{"hyphen label", "someone@-btinternet.com"},
		{"underscore domain", "someone@bt_internet.com"},
		{"numeric TLD", "someone@btinternet.123"},
		{"mailto", "mailto:someone" + bt},
		{"valid", "someone" + bt},

		// Type and language shapes.
		{"type IMAP", "IMAP"},
		{"type pop3", "pop3"},
		{"type padded", " pop "},
		{"type exchange", "exchange"},
		{"type imap NUL", "imap\x00"},
		{"type fullwidth", "\uff49\uff4d\uff41\uff50"},
		{"type dotted I", "\u0130MAP"},
		{"lang de", "de"},
		{"lang DE-de", "DE-de"},
		{"lang fr-CA", "fr-CA"},
		{"lang zh-Hant-TW", "zh-Hant-TW"},
		{"lang private", "x-klingon"},
		{"lang extension", "en-US-u-ca-buddhist-x-foo"},
		{"lang grandfathered", "i-default"},
		{"lang und", "und"},
		{"lang star", "*"},
		{"lang q-value", "de;q=0.5"},
		{"lang list", "de,fr"},
		{"lang path", "../../de"},
	}
	return in
}

func allBytes(lo, hi byte) string {
	var b strings.Builder
	for c := lo; c < hi; c++ {
		b.WriteByte(c)
	}
	return b.String()
}

func allRunes(lo, hi rune) string {
	var b strings.Builder
	for r := lo; r < hi; r++ {
		b.WriteRune(r)
	}
	return b.String()
}

// hostileQueries are whole query strings: repeated and very many
// parameters, empty ones, odd separators.
func hostileQueries() []hostile {
	return []hostile{
		{"no query", ""},
		{"question mark only", "?"},
		{"key without value", "email"},
		{"empty values", "email=&type=&name=&lang=&next="},
		{"only separators", "&&&&"},
		{"empty keys", "=&=&=x"},
		{"repeated email, bad first", "email=%3Cscript%3E&email=someone%40btinternet.com"},
		{"repeated email, good first", "email=someone%40btinternet.com&email=%3Cscript%3E"},
		{"repeated type", "email=someone%40btinternet.com&type=pop&type=imap&type=exchange"},
		{"repeated name", "email=someone%40btinternet.com&name=A&name=%3Cb%3E"},
		{"repeated lang", "email=someone%40btinternet.com&lang=de&lang=%3Cscript%3E"},
		{"5000 params", strings.Repeat("x=1&", 5000) + "email=someone%40btinternet.com"},
		{"2000 emails", strings.Repeat("email=a&", 2000)},
		{"semicolon separator", "email=someone%40btinternet.com;type=pop"},
		{"bracket keys", "email[]=someone%40btinternet.com&email[0]=x"},
		{"upper-case key", "EMAIL=someone%40btinternet.com"},
		{"encoded key", "%65mail=someone%40btinternet.com"},
		{"NUL key", "email%00=someone%40btinternet.com"},
		{"bad escape in other key", "%zz=1&email=someone%40btinternet.com"},
		{"100 emoji name", "email=someone%40btinternet.com&name=" + strings.Repeat("%F0%9F%98%80", 100)},
		{"huge value", "email=" + strings.Repeat("a", 200<<10)},
	}
}

// hostileServer is a server with a real SQLite helpdesk, a link, an agent
// and a session, and the bodies of ordinary responses.
type hostileServer struct {
	testServer
	st      *store.Store
	token   string // of an active link for someone@btinternet.com
	session string // cookie value of a signed-in agent
	csrf    string // that session's CSRF token
	// refs are ordinary response bodies: a string they contain is page
	// text, not an echo of the input.
	refs []string
	// Counts for the log: requests, 200 downloads checked, and echo
	// checks of inputs with < > " ' or &.
	requests, downloads, echoChecks int
}

const (
	hostileEmail = "someone@btinternet.com"
	hostileName  = "Some One"
)

func newHostileServer(t *testing.T) *hostileServer {
	t.Helper()
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	h := &hostileServer{testServer: newTestServer(t, withHelpdesk(st)), st: st}
	h.token = h.addLink(t, hostileEmail, hostileName, "imap")

	token, hash, err := store.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := timetest.Fixed()
	h.session, h.csrf = token, "hostile-test-csrf"
	if err := st.CreateSession(context.Background(), store.Session{IDHash: hash, UserName: testAgent, CSRFToken: h.csrf,
		CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}

	for _, target := range []string{
		"/", "/?lang=de", "/?lang=fr", "/setup?email=someone%40btinternet.com", "/setup?email=someone%40btinternet.com&lang=fr",
		"/setup?email=bad", "/setup?email=someone%40nowhere.example", "/profile?email=bad", "/profile?email=bad&lang=de",
		"/api/v1/settings?email=bad", "/nope", "/admin/login", "/l/" + h.token, "/l/" + strings.Repeat("a", 22),
		"/static/nope", "/setup/qr.svg?email=someone%40btinternet.com", "/profile?email=someone%40outlook.com",
	} {
		for _, accept := range []string{"text/html", "application/json"} {
			req := httptest.NewRequest(http.MethodGet, target, nil)
			req.Header.Set("Accept", accept)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			h.refs = append(h.refs, rec.Body.String())
		}
	}
	return h
}

// addLink stores an active link that can be downloaded many times.
func (h *hostileServer) addLink(t *testing.T, email, name, typ string) string {
	t.Helper()
	token, hash, err := store.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	now := timetest.Fixed()
	if _, err := h.st.CreateLink(context.Background(), store.Link{TokenHash: hash, Email: email, Name: name, Type: typ,
		CreatedBy: testAgent, CreatedAt: now, ExpiresAt: now.Add(24 * time.Hour), MaxDownloads: 1 << 30}); err != nil {
		t.Fatalf("CreateLink(%q, %q): %v", email, name, err)
	}
	return token
}

// pageText reports whether s occurs in an ordinary response, so finding
// it in a body says nothing about escaping.
func (h *hostileServer) pageText(s string) bool {
	for _, r := range h.refs {
		if strings.Contains(r, s) {
			return true
		}
	}
	return false
}

// account is what a successful download must be for.
type account struct {
	email, name, typ string
}

// hostileEndpoint is a public endpoint and the ordinary query that a
// hostile value replaces.
type hostileEndpoint struct {
	name string
	path string
	base url.Values
	// perParam sends the hostile value to one parameter at a time, the
	// others keeping their ordinary values; otherwise to all at once (for
	// endpoints that read no more than lang and next).
	perParam bool
	// want is the account a 200 download is for, given the query.
	want func(q url.Values) account
}

// fromQuery is the account of a download's query: the name without the
// tabs and space separators around it (profile.ParseName).
func fromQuery(q url.Values) account {
	name := strings.TrimFunc(q.Get("name"), func(r rune) bool { return r == '\t' || unicode.Is(unicode.Zs, r) })
	return account{email: q.Get("email"), name: name, typ: q.Get("type")}
}

func (h *hostileServer) endpoints() []hostileEndpoint {
	ordinary := url.Values{"email": {hostileEmail}, "type": {"imap"}}
	link := func(url.Values) account { return account{hostileEmail, hostileName, "imap"} }
	l := "/l/" + h.token
	return []hostileEndpoint{
		{"form", "/", ordinary, true, nil},
		{"setup", "/setup", ordinary, true, nil},
		{"setup QR", "/setup/qr.svg", ordinary, true, nil},
		{"profile", "/profile", ordinary, true, fromQuery},
		{"API", "/api/v1/settings", ordinary, true, nil},
		{"link page", l, url.Values{}, false, nil},
		{"link profile", l + "/profile", url.Values{}, false, link},
		{"link QR", l + "/qr.svg", url.Values{}, false, nil},
		{"sign-in page", "/admin/login", url.Values{}, false, nil},
		{"static", "/static/style.css", url.Values{}, false, nil},
		{"brand CSS", "/brand.css", url.Values{}, false, nil},
		{"brand logo", "/brand/logo", url.Values{}, false, nil},
	}
}

// hostileParams are the query parameters of the public endpoints.
var hostileParams = []string{"email", "type", "name", "device", "lang", "next"}

// paramGroups are the sets of parameters that get the hostile value in
// one request.
func (ep hostileEndpoint) paramGroups() [][]string {
	if !ep.perParam {
		return [][]string{hostileParams}
	}
	var groups [][]string
	for _, p := range hostileParams {
		groups = append(groups, []string{p})
	}
	return groups
}

// hostileQuery is the query of ep with value in params: URL-encoded, and
// as raw text that the server decodes. raw is empty when it would decode
// to the same query.
func (ep hostileEndpoint) hostileQuery(params []string, value string) (encoded, raw string) {
	q := url.Values{}
	for k, v := range ep.base {
		q[k] = v
	}
	for _, p := range params {
		q.Set(p, value)
	}
	encoded = q.Encode()
	for _, p := range params {
		q.Del(p)
	}
	parts := []string{}
	if rest := q.Encode(); rest != "" {
		parts = append(parts, rest)
	}
	for _, p := range params {
		parts = append(parts, p+"="+value)
	}
	raw = strings.Join(parts, "&")
	if decoded, err := url.ParseQuery(raw); err == nil && decoded.Encode() == encoded {
		raw = ""
	}
	return encoded, raw
}

// request is a request for the given path and raw query, built field by
// field so that any bytes can be sent.
func request(method, path, rawPath, rawQuery string) *http.Request {
	req := httptest.NewRequest(method, "/", nil)
	req.URL.Path, req.URL.RawPath, req.URL.RawQuery = path, rawPath, rawQuery
	req.RequestURI = req.URL.RequestURI()
	return req
}

// serve runs req through the router and checks the response; typed are
// the values the client typed, which must never come back unescaped.
func (h *hostileServer) serve(t *testing.T, label string, req *http.Request, want func(url.Values) account, typed ...string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	h.requests++
	h.checkResponse(t, label, req, rec, want, typed)
	return rec
}

// scriptURLs are attribute starts that would run the input as a script.
var scriptURLs = []string{`href="javascript:`, `src="javascript:`, `action="javascript:`, `href="vbscript:`, `href="data:`, `src="data:text`}

func (h *hostileServer) checkResponse(t *testing.T, label string, req *http.Request, rec *httptest.ResponseRecorder, want func(url.Values) account, typed []string) {
	t.Helper()
	if rec.Code >= 500 {
		t.Errorf("%s: status %d, want < 500\n%.300s", label, rec.Code, rec.Body)
		return
	}
	for k, vs := range rec.Header() {
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n\x00") {
				t.Errorf("%s: header %s = %q holds a line break or NUL", label, k, v)
			}
		}
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != "" {
		checkDisposition(t, label, cd)
	}
	if loc := rec.Header().Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err != nil || u.Host != "" || u.Scheme != "" || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) {
			t.Errorf("%s: Location = %q leads off the site", label, loc)
		}
	}
	ct := rec.Header().Get("Content-Type")
	body := rec.Body.String()
	switch {
	case strings.HasPrefix(ct, "application/json"):
		if !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%s: invalid JSON body %.300q", label, body)
		}
		// encoding/json escapes these; a raw one means JSON written by hand.
		if strings.ContainsAny(body, "<>&") {
			t.Errorf("%s: JSON body holds an unescaped < > or &: %.300s", label, body)
		}
	case ct == profileContentType:
		if rec.Code == http.StatusOK && want != nil {
			h.downloads++
			checkDownload(t, label, rec.Body.Bytes(), rec.Header().Get("Content-Disposition"), want(req.URL.Query()))
		}
		return
	case strings.HasPrefix(ct, "text/html"), strings.HasPrefix(ct, "image/svg+xml"), strings.HasPrefix(ct, "text/plain"):
		for _, s := range typed {
			if !strings.ContainsAny(s, `<>"'&`) || h.pageText(s) {
				continue
			}
			h.echoChecks++
			if strings.Contains(body, s) {
				t.Errorf("%s: body echoes %.80q unescaped", label, s)
			}
		}
		if !utf8.ValidString(body) {
			t.Errorf("%s: body is not valid UTF-8", label)
		}
		lower := strings.ToLower(body)
		for _, u := range scriptURLs {
			if strings.Contains(lower, u) {
				t.Errorf("%s: body links to a script URL: %s…", label, u)
			}
		}
	}
	if rec.Code == http.StatusOK && want != nil && ct != profileContentType && strings.HasSuffix(req.URL.Path, "profile") {
		t.Errorf("%s: 200 download with Content-Type %q", label, ct)
	}
}

// checkDisposition checks a Content-Disposition header: an attachment
// whose file name has no path, quote or control character.
func checkDisposition(t *testing.T, label, cd string) {
	t.Helper()
	disp, params, err := mime.ParseMediaType(cd)
	if err != nil || disp != "attachment" {
		t.Errorf("%s: Content-Disposition %q: %q, %v", label, cd, disp, err)
		return
	}
	name := params["filename"]
	if name == "" || strings.ContainsAny(name, "/\\\"\x00") || strings.HasPrefix(name, ".") || !isPrintableASCII(name) {
		t.Errorf("%s: Content-Disposition file name %q is not a safe file name", label, name)
	}
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// checkDownload checks a 200 download: a signed profile that verifies and
// has no problems, for the normalised address, the type and the name.
func checkDownload(t *testing.T, label string, body []byte, cd string, want account) {
	t.Helper()
	addr, err := profile.ParseAddress(want.email)
	if err != nil {
		t.Errorf("%s: 200 download for an address that does not parse: %v", label, err)
		return
	}
	proto, err := profile.ParseProtocol(want.typ)
	if err != nil {
		t.Errorf("%s: 200 download for type %q: %v", label, want.typ, err)
		return
	}
	if proto == profile.Auto {
		proto = profile.IMAP // BT Mail's preferred kind on every device
	}
	v, err := signing.Verify(body, nil, timetest.Fixed())
	if err != nil || !v.SignatureOK {
		t.Errorf("%s: signing.Verify = %+v, %v; want a good signature", label, v, err)
		return
	}
	sum, err := profile.Parse(v.Content)
	if err != nil || len(sum.Problems) > 0 || len(sum.Payloads) != 1 || sum.Payloads[0].Mail == nil {
		t.Errorf("%s: profile.Parse = %+v, %v; want one mail payload without problems", label, sum, err)
		return
	}
	m := sum.Payloads[0].Mail
	wantType := map[profile.Protocol]string{profile.IMAP: "EmailTypeIMAP", profile.POP: "EmailTypePOP"}[proto]
	if m.Address != addr.String() || m.AccountType != wantType {
		t.Errorf("%s: profile for %q (%s), want %q (%s)", label, m.Address, m.AccountType, addr, wantType)
	}
	var root struct {
		PayloadContent []struct{ EmailAccountName string }
	}
	if _, err := plist.Unmarshal(v.Content, &root); err != nil || len(root.PayloadContent) != 1 {
		t.Errorf("%s: plist.Unmarshal: %v", label, err)
	} else if got := root.PayloadContent[0].EmailAccountName; want.name != "" && got != want.name {
		t.Errorf("%s: EmailAccountName = %q, want %q", label, got, want.name)
	}
	if _, params, _ := mime.ParseMediaType(cd); params["filename"] != profile.FileName(addr) {
		t.Errorf("%s: Content-Disposition %q, want file name %q", label, cd, profile.FileName(addr))
	}
}

// queryValues are the decoded values of a raw query: what the server
// sees, and so what could be echoed.
func queryValues(raw string) []string {
	q, _ := url.ParseQuery(raw)
	var out []string
	for k, vs := range q {
		out = append(out, k)
		out = append(out, vs...)
	}
	return out
}

func TestHostileInput(t *testing.T) {
	h := newHostileServer(t)
	inputs := hostileInputs()
	seen := map[string]bool{}
	for _, in := range inputs {
		if seen[in.name] {
			t.Fatalf("two inputs named %q", in.name)
		}
		seen[in.name] = true
	}
	if len(inputs) < 200 {
		t.Fatalf("%d hostile inputs, want at least 200", len(inputs))
	}
	t.Logf("%d hostile inputs, %d whole queries", len(inputs), len(hostileQueries()))

	// Every parameter of every endpoint: the value URL-encoded (the server
	// sees it as typed) and as raw query text (the server decodes it).
	for _, ep := range h.endpoints() {
		t.Run(ep.name, func(t *testing.T) {
			for _, in := range inputs {
				for _, params := range ep.paramGroups() {
					label := fmt.Sprintf("%s?%s=[%s]", ep.path, strings.Join(params, ","), in.name)
					encoded, raw := ep.hostileQuery(params, in.value)
					req := request(http.MethodGet, ep.path, "", encoded)
					req.Header.Set("Accept", "text/html,application/xhtml+xml")
					h.serve(t, label, req, ep.want, in.value)
					if raw != "" {
						req = request(http.MethodGet, ep.path, "", raw)
						req.Header.Set("Accept", "application/json")
						h.serve(t, label+" raw", req, ep.want, append(queryValues(raw), in.value)...)
					}
				}
			}
			for _, qs := range hostileQueries() {
				for _, accept := range []string{"text/html", "application/json"} {
					req := request(http.MethodGet, ep.path, "", qs.value)
					req.Header.Set("Accept", accept)
					h.serve(t, fmt.Sprintf("%s?[%s] %s", ep.path, qs.name, accept), req, ep.want, queryValues(qs.value)...)
				}
			}
		})
	}

	// The input as a path segment: decoded (as net/http hands it on) and
	// as the raw, still-encoded path Echo routes on.
	t.Run("path segments", func(t *testing.T) {
		for _, in := range inputs {
			for _, p := range []struct{ prefix, suffix string }{
				{"/", ""}, {"/setup/", ""}, {"/profile/", ""}, {"/api/v1/settings/", ""}, {"/l/", ""}, {"/l/", "/profile"},
				{"/l/", "/qr.svg"}, {"/l/" + h.token + "/", ""}, {"/static/", ""}, {"/brand/", ""}, {"/admin/login/", ""}, {"/", "/profile"},
			} {
				label := fmt.Sprintf("%s[%s]%s", p.prefix, in.name, p.suffix)
				h.serve(t, label, request(http.MethodGet, p.prefix+in.value+p.suffix, "", ""), nil, in.value)
				raw := p.prefix + in.value + p.suffix
				if decoded, err := url.PathUnescape(raw); err == nil && decoded != raw {
					h.serve(t, label+" raw", request(http.MethodGet, decoded, raw, ""), nil, in.value, decoded)
				}
				escaped := p.prefix + url.PathEscape(in.value) + p.suffix
				h.serve(t, label+" escaped", request(http.MethodGet, p.prefix+in.value+p.suffix, escaped, ""), nil, in.value)
			}
		}
	})

	t.Run("sign-in form", func(t *testing.T) { h.signInForm(t, inputs) })
	t.Run("headers", func(t *testing.T) { h.headers(t, inputs) })
	t.Run("stored links", func(t *testing.T) { h.storedLinks(t, inputs) })
	t.Run("helpdesk search", func(t *testing.T) { h.helpdeskSearch(t, inputs) })
	t.Logf("%d requests, %d downloads checked, %d echo checks", h.requests, h.downloads, h.echoChecks)
}

// signInForm posts each input as each field of the sign-in form. A
// failed sign-in costs an Argon2 hash, so after ten the address is
// blocked; a few inputs come from their own addresses to reach the page
// that shows the typed name again.
func (h *hostileServer) signInForm(t *testing.T, inputs []hostile) {
	page := httptest.NewRecorder()
	h.ServeHTTP(page, httptest.NewRequest(http.MethodGet, "/admin/login", nil))
	var cookie *http.Cookie
	for _, c := range page.Result().Cookies() {
		if c.Name == loginCSRFCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no sign-in CSRF cookie")
	}
	// Spend the default address's failed sign-ins up front (ten, then
	// the address is blocked): the page that answers a blocked address
	// still reads every field.
	for i := 0; i < 11; i++ {
		form := url.Values{"csrf": {cookie.Value}, "name": {fmt.Sprintf("spend%d", i)}, "password": {"wrong password"}}
		req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	echoed := 0
	for i, in := range inputs {
		for _, field := range []string{"name", "password", "next", "csrf"} {
			form := url.Values{"csrf": {cookie.Value}, "name": {"nobody"}, "password": {"wrong password"}, "next": {"/admin"}}
			form.Set(field, in.value)
			req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(cookie)
			if field == "name" && strings.ContainsAny(in.value, `<>"'&`) && echoed < 3 {
				echoed++
				req.RemoteAddr = fmt.Sprintf("198.51.100.%d:1234", i%250+1)
			}
			h.serve(t, fmt.Sprintf("POST /admin/login %s=[%s]", field, in.name), req, nil, in.value)
		}
	}
	if echoed == 0 {
		t.Error("no input reached the page that shows the typed name")
	}
}

// headers sends each input as the request headers that pages use: the
// User-Agent (device, audit trail), Accept-Language, Host and
// X-Forwarded-Proto (absolute URLs), Accept and Cookie.
func (h *hostileServer) headers(t *testing.T, inputs []hostile) {
	setup, l := "/setup?email=someone%40btinternet.com", "/l/"+h.token
	qr := "/setup/qr.svg?email=someone%40btinternet.com"
	cases := []struct {
		target  string
		headers []string
	}{
		{setup, []string{"User-Agent", "Accept-Language", "Accept", "Cookie"}}, {setup, []string{"Host"}},
		{setup, []string{"X-Forwarded-Proto"}}, {l, []string{"User-Agent", "Accept-Language"}}, {l, []string{"Host"}},
		{l + "/profile", []string{"User-Agent"}}, {qr, []string{"Host"}}, {qr, []string{"X-Forwarded-Proto"}}, {l + "/qr.svg", []string{"Host"}},
	}
	for _, in := range inputs {
		for _, c := range cases {
			req := httptest.NewRequest(http.MethodGet, c.target, nil)
			for _, header := range c.headers {
				req.Header.Set(header, in.value)
			}
			if c.headers[0] == "Host" {
				req.Host = in.value
			}
			var want func(url.Values) account
			if strings.HasSuffix(c.target, "/profile") {
				want = func(url.Values) account { return account{hostileEmail, hostileName, "imap"} }
			}
			h.serve(t, fmt.Sprintf("%s %s: [%s]", c.target, strings.Join(c.headers, ","), in.name), req, want, in.value)
		}
	}
}

// storedLinks makes a link for each input that the helpdesk accepts as an
// address or a name, then opens and downloads it: a stored value is
// shown escaped too.
func (h *hostileServer) storedLinks(t *testing.T, inputs []hostile) {
	made := 0
	for _, in := range inputs {
		for _, f := range []formValues{{Email: in.value}, {Email: hostileEmail, Name: in.value}} {
			req, err := parseAccountRequest(f)
			if err != nil {
				continue
			}
			if req.Proto == profile.Auto {
				req.Proto = profile.IMAP // as the helpdesk chooses for BT Mail
			}
			if _, err := h.finder.Find(context.Background(), req.Addr, req.Proto); err != nil {
				continue
			}
			made++
			token := h.addLink(t, req.Addr.String(), req.Name, string(req.Proto))
			want := func(url.Values) account { return account{req.Addr.String(), req.Name, string(req.Proto)} }
			for _, suffix := range []string{"", "/profile", "/qr.svg"} {
				r := httptest.NewRequest(http.MethodGet, "/l/"+token+suffix, nil)
				rec := h.serve(t, fmt.Sprintf("/l/{%s}%s", in.name, suffix), r, want, in.value, f.Email, f.Name)
				if rec.Code != http.StatusOK {
					t.Errorf("/l/{%s}%s: status %d, want 200", in.name, suffix, rec.Code)
				}
			}
		}
	}
	if made < 20 {
		t.Errorf("only %d inputs made a link; the list lost its valid-but-odd addresses and names", made)
	}
}

// helpdeskSearch sends each input as the query of the signed-in link
// list, whose page number is an offset into the database.
func (h *hostileServer) helpdeskSearch(t *testing.T, inputs []hostile) {
	for _, in := range inputs {
		// A bad state is refused before the search, so it goes alone.
		for _, params := range [][]string{{"q", "agent", "page"}, {"state"}} {
			q := url.Values{}
			for _, p := range params {
				q.Set(p, in.value)
			}
			req := request(http.MethodGet, "/admin", "", q.Encode())
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: h.session})
			h.serve(t, fmt.Sprintf("/admin?%s=[%s]", strings.Join(params, ","), in.name), req, nil, in.value)
		}
	}
}

// TestHostileLoopback sends hostile requests over a real connection, where
// net/http writes the headers: what a recorder would hide, such as a line
// break that splits a header, shows here.
func TestHostileLoopback(t *testing.T) {
	h := newHostileServer(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	raw := []struct {
		name, requestLine string
	}{
		{"encoded CRLF in address", "GET /profile?email=someone%0d%0aSet-Cookie:%20evil=1@btinternet.com HTTP/1.1"},
		{"encoded CRLF in name", "GET /profile?email=someone%40btinternet.com&name=x%0d%0aSet-Cookie:%20evil=1 HTTP/1.1"},
		{"encoded CRLF in path", "GET /l/x%0d%0aSet-Cookie:%20evil=1/profile HTTP/1.1"},
		{"encoded CRLF in next", "GET /admin/login?next=/admin%0d%0aSet-Cookie:%20evil=1 HTTP/1.1"},
		{"quoted local in file name", `GET /profile?email=%22x%3Bfilename%3Devil.exe%22%40btinternet.com HTTP/1.1`},
		{"quoted local with quote", `GET /profile?email=%22a%5C%22%3B%20filename%3D%5C%22evil.exe%22%40btinternet.com HTTP/1.1`},
		{"raw 0xFF in path", "GET /l/\xff\xfe/profile HTTP/1.1"},
		{"raw 0xFF in query", "GET /setup?email=\xff@btinternet.com HTTP/1.1"},
		{"raw UTF-8 in query", "GET /setup?email=someone@b\xc3\xbccher.de&name=R\xc3\xa9e HTTP/1.1"},
		{"encoded dot dot", "GET /static/..%2f..%2fgo.mod HTTP/1.1"},
		{"dot dot", "GET /static/../../go.mod HTTP/1.1"},
		{"double slash", "GET //evil.example/ HTTP/1.1"},
		{"absolute form", "GET http://evil.example/setup?email=someone%40btinternet.com HTTP/1.1"},
		{"raw angle brackets", `GET /setup?email=<script>alert(1)</script>@btinternet.com&name="><img> HTTP/1.1`},
		{"semicolon query", "GET /setup?email=someone%40btinternet.com;type=pop HTTP/1.1"},
		{"NUL escape", "GET /profile?email=someone%00@btinternet.com HTTP/1.1"},
		{"overlong path", "GET /" + strings.Repeat("a", 8000) + " HTTP/1.1"},
	}
	for _, tt := range raw {
		t.Run(tt.name, func(t *testing.T) {
			status, header, body := rawRequest(t, srv.Listener.Addr().String(), tt.requestLine+"\r\nHost: example.com\r\nConnection: close\r\n\r\n")
			if status >= 500 {
				t.Errorf("status %d, want < 500", status)
			}
			if header.Get("Set-Cookie") != "" && strings.Contains(header.Get("Set-Cookie"), "evil") {
				t.Errorf("injected header: Set-Cookie %q", header.Get("Set-Cookie"))
			}
			if header.Get("X-Injected") != "" {
				t.Error("injected header X-Injected")
			}
			if cd := header.Get("Content-Disposition"); cd != "" {
				checkDisposition(t, tt.name, cd)
				if _, params, _ := mime.ParseMediaType(cd); !strings.HasSuffix(params["filename"], ".mobileconfig") {
					t.Errorf("Content-Disposition = %q, want a .mobileconfig file name", cd)
				}
			}
			if strings.Contains(body, "<script>alert(1)</script>") || strings.Contains(body, `"><img>`) {
				t.Errorf("body echoes the input unescaped:\n%.500s", body)
			}
		})
	}

	// A hostile Host never reaches a handler through net/http, and a
	// redirect after sign-in stays on the site.
	t.Run("hostile Host", func(t *testing.T) {
		for _, host := range []string{`evil"><script>alert(1)</script>`, "evil.example\r\nX-Injected: 1", "a b", "\xff"} {
			status, header, _ := rawRequest(t, srv.Listener.Addr().String(),
				"GET /setup?email=someone%40btinternet.com HTTP/1.1\r\nHost: "+host+"\r\nConnection: close\r\n\r\n")
			if status >= 500 || header.Get("X-Injected") != "" {
				t.Errorf("Host %q: status %d, headers %v", host, status, header)
			}
		}
	})

	t.Run("sign-in redirect", func(t *testing.T) {
		client := srv.Client()
		client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		jar := map[string]string{}
		for _, next := range []string{"//evil.example", "/admin@evil.example", `/admin\..\..\evil`, "/admin/../..//evil.example",
			"/admin\r\nSet-Cookie: evil=1", "https://evil.example/admin", "/admin?x=\"><script>"} {
			res, err := client.Get(srv.URL + "/admin/login")
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(res.Body)
			res.Body.Close()
			for _, c := range res.Cookies() {
				jar[c.Name] = c.Value
			}
			form := url.Values{"csrf": {csrfOf(t, string(page))}, "name": {testAgent}, "password": {testPasswd}, "next": {next}}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: loginCSRFCookie, Value: jar[loginCSRFCookie]})
			res, err = client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			loc := res.Header.Get("Location")
			if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin") || strings.HasPrefix(loc, "//") ||
				strings.ContainsAny(loc, "\r\n\\") {
				t.Errorf("sign-in with next=%q: %d, Location %q", next, res.StatusCode, loc)
			}
			for _, c := range res.Cookies() {
				if c.Name == "evil" {
					t.Errorf("next=%q set a cookie", next)
				}
			}
		}
	})
}

// rawRequest writes req on a new connection and reads the response.
func rawRequest(t *testing.T, addr, req string) (int, http.Header, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(timetest.Wall().Add(10 * time.Second)) // the kernel's clock
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if !utf8.Valid(body) && strings.HasPrefix(res.Header.Get("Content-Type"), "text/") {
		t.Errorf("text body is not UTF-8")
	}
	return res.StatusCode, res.Header, string(body)
}
