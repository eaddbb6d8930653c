package web

import (
	"bytes"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

const (
	trustedProxy = "192.0.2.10"
	setupTarget  = "/setup?email=someone%40btinternet.com&type=imap"
)

func withTrustedProxy(c *Config) {
	c.Helpdesk.TrustedProxies = []netip.Prefix{netip.MustParsePrefix(trustedProxy + "/32")}
}

// forwarded is a GET of target from peer carrying the X-Forwarded-Proto
// lines protos and X-Forwarded-For: 203.0.113.9.
func forwarded(target, peer string, protos ...string) *http.Request {
	return forward(httptest.NewRequest(http.MethodGet, target, nil), peer, protos...)
}

// forward makes req come from peer with the X-Forwarded-Proto lines
// protos and X-Forwarded-For: 203.0.113.9.
func forward(req *http.Request, peer string, protos ...string) *http.Request {
	req.RemoteAddr = peer
	for _, p := range protos {
		req.Header.Add("X-Forwarded-Proto", p)
	}
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	return req
}

// TestForwardedHeadersOnlyFromTrustedProxies holds every use of the
// forwarding headers to one rule: believed from --trusted-proxies only.
// Echo's default believes any loopback or private peer.
func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	tests := []struct {
		name       string
		peer       string
		protos     []string
		tls        bool
		wantScheme string
		wantIP     string
	}{
		{name: "loopback peer, not trusted", peer: "127.0.0.1:40000", protos: []string{"https"}, wantScheme: "http", wantIP: "127.0.0.1"},
		{name: "IPv6 loopback peer, not trusted", peer: "[::1]:40000", protos: []string{"https"}, wantScheme: "http", wantIP: "::1"},
		{name: "private peer, not trusted", peer: "10.0.0.5:40000", protos: []string{"HTTPS"}, wantScheme: "http", wantIP: "10.0.0.5"},
		{name: "public peer, not trusted", peer: "198.51.100.7:40000", protos: []string{"https"}, wantScheme: "http", wantIP: "198.51.100.7"},
		{name: "trusted proxy, https", peer: trustedProxy + ":40000", protos: []string{"https"}, wantScheme: "https", wantIP: "203.0.113.9"},
		{name: "trusted proxy, http", peer: trustedProxy + ":40000", protos: []string{"http"}, wantScheme: "http", wantIP: "203.0.113.9"},
		{name: "trusted proxy appends to the client's", peer: trustedProxy + ":40000", protos: []string{"https", "http"}, wantScheme: "http", wantIP: "203.0.113.9"},
		{name: "trusted proxy, list", peer: trustedProxy + ":40000", protos: []string{"http, https"}, wantScheme: "https", wantIP: "203.0.113.9"},
		{name: "TLS to us", peer: "198.51.100.7:40000", tls: true, wantScheme: "https", wantIP: "198.51.100.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, withTrustedProxy)
			do := func(target string) *httptest.ResponseRecorder {
				t.Helper()
				req := forwarded(target, tt.peer, tt.protos...)
				if tt.tls {
					req.TLS = &tls.ConnectionState{}
				}
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				return rec
			}
			wantHSTS := tt.wantScheme == "https"
			// The profile twice: the second answer comes from the fast path.
			for _, target := range []string{"/", setupTarget, "/nowhere", profileURL("someone@btinternet.com", "imap", ""), profileURL("someone@btinternet.com", "imap", "")} {
				if got := do(target).Header().Get("Strict-Transport-Security") != ""; got != wantHSTS {
					t.Errorf("GET %s: HSTS %v, want %v", target, got, wantHSTS)
				}
			}

			other := map[string]string{"http": "https", "https": "http"}[tt.wantScheme]
			page := do(setupTarget).Body.String()
			if !strings.Contains(page, tt.wantScheme+"://example.com/setup?") || strings.Contains(page, other+"://example.com/") {
				t.Errorf("GET %s: the page's own address is not %s://example.com/setup?…", setupTarget, tt.wantScheme)
			}
			want, err := site.QRSVG(tt.wantScheme + "://example.com/setup?email=someone%40btinternet.com&type=imap")
			if err != nil {
				t.Fatal(err)
			}
			if got := do("/setup/qr.svg?email=someone%40btinternet.com&type=imap").Body.Bytes(); !bytes.Equal(got, want) {
				t.Errorf("the QR code does not encode %s://example.com/setup?…", tt.wantScheme)
			}
			if logs := s.logs.String(); !strings.Contains(logs, `"remote_ip":"`+tt.wantIP+`"`) {
				t.Errorf("access log: want remote_ip %q in\n%s", tt.wantIP, logs)
			}
		})
	}
}

// TestLinkURLsFromUntrustedPeer checks the helpdesk's absolute URLs (the
// link handed out, its QR code, the customer's page) for an agent on the
// same host as the server, which is not a trusted proxy.
func TestLinkURLsFromUntrustedPeer(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	b.remote = "127.0.0.1:40000"
	if rec := b.signIn(testAgent, testPasswd); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", rec.Code)
	}
	form := url.Values{"csrf": {b.sessionCSRF()}, "email": {"someone@btinternet.com"}}
	req := forward(httptest.NewRequest(http.MethodPost, "/admin/links", strings.NewReader(form.Encode())), b.remote, "https")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := b.created(b.do(req))
	page := rec.Body.String()
	if strings.Contains(page, "https://example.com/l/") {
		t.Errorf("the new link is https:// for a peer that is not a trusted proxy")
	}
	m := linkRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no http://example.com/l/… link on the page")
	}
	token := tokenRE.FindStringSubmatch(m[1])[1]
	rec = b.do(forwarded("/l/"+token, b.remote, "https"))
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "https://example.com/") || !strings.Contains(rec.Body.String(), "http://example.com/l/"+token) {
		t.Errorf("GET /l/…: status %d; want the page's own address as http://example.com/l/…", rec.Code)
	}
	want, err := site.QRSVG("http://example.com/l/" + token)
	if err != nil {
		t.Fatal(err)
	}
	if got := b.do(forwarded("/l/"+token+"/qr.svg", b.remote, "https")).Body.Bytes(); !bytes.Equal(got, want) {
		t.Errorf("the link's QR code does not encode http://example.com/l/…")
	}
}
