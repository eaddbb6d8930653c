package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/store"
)

var codeRE = regexp.MustCompile(`<p class="code"[^>]*>([0-9]{3} [0-9]{3} [0-9]{4})</p>`)

// makeCode asks for a short code on the link's page and returns it.
func (b *client) makeCode(page string) string {
	b.t.Helper()
	rec := b.post(page+"/code", url.Values{"csrf": {b.sessionCSRF()}})
	if rec.Code != http.StatusSeeOther {
		b.t.Fatalf("make code: %d\n%s", rec.Code, rec.Body)
	}
	m := codeRE.FindStringSubmatch(b.get(page).Body.String())
	if m == nil {
		b.t.Fatal("no short code on the link's page")
	}
	return m[1]
}

// typeCode posts a code to /code from the address remote.
func typeCode(t *testing.T, s http.Handler, remote, code string) *http.Response {
	t.Helper()
	c := newClient(t, s)
	c.remote = remote
	return c.post("/code", url.Values{"code": {code}}).Result()
}

// TestShortCode: a code read out on the phone leads to the link once,
// within its life; what the agent's browser did not make gets no code.
func TestShortCode(t *testing.T) {
	for _, dialect := range []string{store.SQLite, store.Postgres} {
		t.Run(dialect, func(t *testing.T) {
			st := openStore(t, dialect)
			addAgent(t, st)
			clk := timetest.NewClock()
			s := newTestServer(t, both(withHelpdesk(st), withClock(clk.Now)))
			b := newClient(t, s)
			b.signIn(testAgent, testPasswd)
			token := b.createLink(url.Values{"email": {"someone@btinternet.com"}})
			page := "/admin/links/1"
			code := b.makeCode(page)

			res := typeCode(t, s, "198.51.100.1:1", " "+strings.ReplaceAll(code, " ", "-")+" ")
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/l/"+token {
				t.Fatalf("POST /code with the code: %d to %q, want 303 to the link", res.StatusCode, res.Header.Get("Location"))
			}
			res = typeCode(t, s, "198.51.100.2:1", code)
			if res.StatusCode != http.StatusBadRequest {
				t.Errorf("the code again: %d, want 400", res.StatusCode)
			}
			mustContain(t, "audit trail", b.get(page).Body.String(), "short code made", "short code used")

			// A second code expires after ten minutes.
			code = b.makeCode(page)
			clk.Advance(10 * time.Minute)
			if res := typeCode(t, s, "198.51.100.3:1", code); res.StatusCode != http.StatusBadRequest {
				t.Errorf("an expired code: %d, want 400", res.StatusCode)
			}
			// Another agent's browser, which did not make the link, gets none.
			other := newClient(t, s)
			other.signIn(testAgent, testPasswd)
			if rec := other.post(page+"/code", url.Values{"csrf": {other.sessionCSRF()}}); rec.Code != http.StatusConflict {
				t.Errorf("a code from another browser: %d, want 409", rec.Code)
			}
		})
	}
}

// TestShortCodeLimits: 5 attempts in 15 minutes from one address, and 30
// a minute from all; past them 429 with Retry-After, and the right code
// is not even looked up.
func TestShortCodeLimits(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	clk := timetest.NewClock()
	s := newTestServer(t, both(withHelpdesk(st), withClock(clk.Now)))
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)
	b.createLink(url.Values{"email": {"someone@btinternet.com"}})
	code := b.makeCode("/admin/links/1")
	for i := range 5 {
		if res := typeCode(t, s, "198.51.100.9:1", "000 000 000"+string(rune('0'+i))); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("wrong code %d: %d, want 400", i, res.StatusCode)
		}
	}
	res := typeCode(t, s, "198.51.100.9:1", code)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "900" {
		t.Errorf("sixth attempt from one address: %d, Retry-After %q; want 429 and 900", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// The other addresses together: 30 a minute, these 5 included.
	for i := range 25 {
		typeCode(t, s, "203.0.113."+strconv.Itoa(i+1)+":1", "1111111111")
	}
	res = typeCode(t, s, "192.0.2.200:1", code)
	if res.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the 31st attempt in a minute, from a new address: %d, want 429", res.StatusCode)
	}
	clk.Advance(time.Minute)
	if res := typeCode(t, s, "192.0.2.200:1", code); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after the minute, the right code: %d, want 303", res.StatusCode)
	}
	// A code that is not ten digits costs nothing.
	for range 10 {
		if res := typeCode(t, s, "192.0.2.201:1", "12345"); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("a short code of five digits: %d, want 400", res.StatusCode)
		}
	}
}
