package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// heldDiscoverer is discovery over a loopback DNS server that holds its
// answers back while told to: SRV records for en., de. and fr.slow.test
// and for slow.test.
func heldDiscoverer(t *testing.T) (*dnstest.Held, *discover.Discoverer) {
	t.Helper()
	var records []string
	for _, d := range []string{"slow.test", "en.slow.test", "de.slow.test", "fr.slow.test"} {
		records = append(records,
			"_imaps._tcp."+d+". 60 IN SRV 0 1 993 mail."+d+".",
			"_submissions._tcp."+d+". 60 IN SRV 0 1 465 smtp."+d+".")
	}
	held := dnstest.ServeHeld(t, records...)
	d, err := discover.New(newCatalog(t), discover.Config{
		DNSServer:   held.Addr,
		StepTimeout: 5 * time.Second,
		Budget:      10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return held, d
}

// fetchProfile downloads a profile with the client and returns its bytes.
func fetchProfile(t *testing.T, client *http.Client, u string) []byte {
	t.Helper()
	res, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != profileContentType {
		t.Fatalf("GET %s: %d %s: %.200s", u, res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	return body
}

func TestSuggestionLink(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name     string
		target   string
		wantLink string // "" for none
	}{
		{name: "review page", target: "/setup?email=someone%40gmial.com&type=imap&name=Ann+%3CX%3E",
			wantLink: `href="/setup?email=someone%40gmail.com&amp;name=Ann+%3CX%3E&amp;type=imap"`},
		{name: "review page in German", target: "/setup?email=someone%40btinternet.con&lang=de",
			wantLink: `href="/setup?email=someone%40btinternet.com&amp;lang=de"`},
		{name: "download", target: "/profile?email=someone%40btinterent.com&type=pop",
			wantLink: `href="/setup?email=someone%40btinternet.com&amp;type=pop"`},
		{name: "far from every domain", target: "/setup?email=someone%40nowhere.example"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, tt.target)
			if rec.Code != http.StatusNotFound {
				t.Fatalf("GET %s: status %d, want 404", tt.target, rec.Code)
			}
			body := rec.Body.String()
			if tt.wantLink == "" {
				if strings.Contains(body, `id="suggestion"`) {
					t.Errorf("GET %s suggests a domain:\n%s", tt.target, body)
				}
			} else if !strings.Contains(body, tt.wantLink) {
				t.Errorf("GET %s lacks the link %s:\n%s", tt.target, tt.wantLink, body)
			}
			if !strings.Contains(body, `id="manual-link"`) {
				t.Errorf("GET %s offers no manual route", tt.target)
			}
		})
	}
	rec := s.get(t, "/api/v1/settings?email=someone%40gmial.com")
	var got map[string]map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusNotFound {
		t.Fatalf("API: %d %s", rec.Code, rec.Body)
	}
}

func TestManualProfile(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.SignDiscovered = true }) // still never signed
	q := url.Values{"email": {"ann@nowhere.example"}, "type": {"imap"}, "name": {"Ann"},
		"in_host": {"Mail.Nowhere.Example"}, "in_port": {"993"}, "in_security": {"ssl"},
		"out_host": {"smtp.nowhere.example"}, "out_port": {"587"}, "out_security": {"starttls"}}
	rec := s.get(t, "/manual/profile?"+q.Encode())
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != profileContentType {
		t.Fatalf("GET /manual/profile: %d %s", rec.Code, rec.Body)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	body := rec.Body.Bytes()
	if !strings.HasPrefix(string(body), "<?xml") {
		t.Fatalf("manual profile starts %.20q, want unsigned", body)
	}
	sharedTool(t, body, false, map[string]any{
		"EmailAccountType": "EmailTypeIMAP", "EmailAddress": "ann@nowhere.example",
		"IncomingMailServerHostName": "mail.nowhere.example", "IncomingMailServerPortNumber": 993, "IncomingMailServerUseSSL": true,
		"OutgoingMailServerHostName": "smtp.nowhere.example", "OutgoingMailServerPortNumber": 587, "OutgoingMailServerUseSSL": true,
	})

	bad := []struct {
		name, key, value, field string
	}{
		{"loopback", "in_host", "127.0.0.1", "in_host"},
		{"private", "out_host", "10.0.0.1", "out_host"},
		{"IPv6", "in_host", "[::1]", "in_host"},
		{"local name", "out_host", "mail.localhost", "out_host"},
		{"port zero", "in_port", "0", "in_port"},
		{"port too big", "out_port", "65536", "out_port"},
		{"port not a number", "in_port", "99x", "in_port"},
		{"plain", "in_security", "plain", "in_security"},
		{"exchange", "type", "exchange", "type"},
		{"bad address", "email", "ann@", "email"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{}
			for k, vs := range q {
				v[k] = vs
			}
			v.Set(tt.key, tt.value)
			rec := s.get(t, "/manual/profile?"+v.Encode())
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("GET /manual/profile with %s=%q: status %d, want 400", tt.key, tt.value, rec.Code)
			}
			if want := `id="` + tt.field + `-error"`; !strings.Contains(rec.Body.String(), want) {
				t.Errorf("GET /manual/profile with %s=%q lacks %s:\n%s", tt.key, tt.value, want, rec.Body)
			}
			rec = s.get(t, "/manual/profile?"+v.Encode(), "Accept", "application/json")
			var got struct{ Error struct{ Field string } }
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusBadRequest || got.Error.Field != tt.field {
				t.Errorf("JSON: %d %s, want 400 naming %s", rec.Code, rec.Body, tt.field)
			}
		})
	}
}

// TestManualKnownDomain sends a catalog domain's visitor to the review
// page: the operator's settings are known, and typed ones must not
// replace them under the operator's name.
func TestManualKnownDomain(t *testing.T) {
	s := newTestServer(t, nil)
	for _, target := range []string{"/manual?email=a%40btinternet.com&type=pop", "/manual/profile?email=a%40btinternet.com&type=pop&in_host=evil.example"} {
		rec := s.get(t, target)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/setup?email=a%40btinternet.com&type=pop" {
			t.Errorf("GET %s: %d to %q, want 303 to the review page", target, rec.Code, rec.Header().Get("Location"))
		}
	}
}

func TestManualPrefill(t *testing.T) {
	s := newDiscoveryServer(t, newDiscoverer(t), false)
	tests := []struct{ name, target, want string }{
		{"guess", "/manual?email=a%40nowhere.example&type=pop", `value="pop.nowhere.example"`},
		{"discovered", "/manual?email=a%40x.test&type=imap", `value="mail.x.test"`},
		{"typed before", "/manual?email=a%40nowhere.example&in_host=imap.example.net", `value="imap.example.net"`},
		{"escaped", "/manual?email=a%40nowhere.example&in_host=%22%3E%3Cb%3Ex", `value="&#34;&gt;&lt;b&gt;x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, tt.target)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), tt.want) {
				t.Errorf("GET %s: %d, want %s in:\n%s", tt.target, rec.Code, tt.want, rec.Body)
			}
		})
	}
}

// TestLookingPage asks for a new domain while its DNS server holds the
// answers: the answer is at once a page that refreshes itself, not a
// request that hangs, and the review page once the lookup is done.
func TestLookingPage(t *testing.T) {
	held, d := heldDiscoverer(t)
	s := newTestServer(t, func(c *Config) {
		c.Finder = d
		c.DiscoveryWait = time.Millisecond
	})
	target := "/setup?email=someone%40slow.test&type=imap"
	held.Hold()
	rec := s.get(t, target)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `<meta http-equiv="refresh"`) || !strings.Contains(body, `id="looking"`) {
		t.Fatalf("GET %s while the DNS server holds: %d\n%s", target, rec.Code, body)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if strings.Contains(body, "<script") {
		t.Error("the page that waits needs a script")
	}
	// A second visit joins the same lookup instead of starting one.
	if rec := s.get(t, target); !strings.Contains(rec.Body.String(), `id="looking"`) {
		t.Fatalf("second visit: %d", rec.Code)
	}
	held.Let()
	s.looking.waitFor("slow.test")
	rec = s.get(t, target)
	if rec.Code != http.StatusOK || !strings.Contains(withoutBreaks(rec.Body.String()), "mail.slow.test") {
		t.Fatalf("GET %s after the answers: %d\n%s", target, rec.Code, rec.Body)
	}
}
