package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/clientconf"
	"github.com/mailprofile/mailprofile/profile"
)

// newClientServer is a test server that serves the documents for other
// mail clients from the built-in catalog.
func newClientServer(t testing.TB, modify func(*Config)) testServer {
	t.Helper()
	return newTestServer(t, func(c *Config) {
		c.Catalog = newCatalog(t)
		if modify != nil {
			modify(c)
		}
	})
}

// ask sends method target to host with body (may be nil) and the header
// pairs.
func (s testServer) ask(t testing.TB, method, host, target string, body io.Reader, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, body)
	req.Host = host
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// wantDocument checks a 200 answer: its type, caching and length, and
// that its bytes are want's.
func wantDocument(t *testing.T, rec *httptest.ResponseRecorder, contentType, cache string, want []byte) {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body)
	}
	h := rec.Header()
	if h.Get("Content-Type") != contentType || h.Get("Cache-Control") != cache || h.Get("Content-Length") != strconv.Itoa(len(want)) {
		t.Errorf("Content-Type %q, Cache-Control %q, Content-Length %q; want %q, %q, %d",
			h.Get("Content-Type"), h.Get("Cache-Control"), h.Get("Content-Length"), contentType, cache, len(want))
	}
	if !bytes.Equal(rec.Body.Bytes(), want) {
		t.Errorf("body:\n%s\nwant:\n%s", rec.Body, want)
	}
}

func btEntry(t *testing.T) clientconf.Entry {
	t.Helper()
	c := newCatalog(t)
	p, err := c.Lookup("btinternet.com")
	if err != nil {
		t.Fatal(err)
	}
	return clientconf.Entry{Provider: p, Domain: "btinternet.com", Domains: c.DomainsOf(p)}
}

func TestAutoconfigRoute(t *testing.T) {
	s := newClientServer(t, nil)
	placeholders, _ := clientconf.Autoconfig(btEntry(t), nil)
	addr := profile.Address{Local: "Someone", Domain: "btinternet.com"}
	filled, _ := clientconf.Autoconfig(btEntry(t), &addr)
	tests := []struct {
		name, host, target string
		want               []byte
		cache              string
	}{
		{name: "Thunderbird", host: "autoconfig.btinternet.com", target: "/mail/config-v1.1.xml?emailaddress=Someone%40btinternet.com", want: filled, cache: cachePrivate},
		{name: "emailAddress", host: "autoconfig.btinternet.com", target: "/mail/config-v1.1.xml?emailAddress=Someone%40btinternet.com", want: filled, cache: cachePrivate},
		{name: "K-9, no address", host: "autoconfig.btinternet.com", target: "/mail/config-v1.1.xml", want: placeholders, cache: cachePublic},
		{name: "empty address", host: "autoconfig.btinternet.com", target: "/mail/config-v1.1.xml?emailaddress=", want: placeholders, cache: cachePublic},
		{name: "host in capitals, port, final dot", host: "AutoConfig.BTinternet.com.:443", target: "/mail/config-v1.1.xml", want: placeholders, cache: cachePublic},
		{name: "well-known on autoconfig host", host: "autoconfig.btinternet.com", target: "/.well-known/autoconfig/mail/config-v1.1.xml", want: placeholders, cache: cachePublic},
		{name: "well-known on the domain", host: "btinternet.com", target: "/.well-known/autoconfig/mail/config-v1.1.xml", want: placeholders, cache: cachePublic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.ask(t, http.MethodGet, tt.host, tt.target, nil)
			wantDocument(t, rec, clientconf.AutoconfigContentType, tt.cache, tt.want)
		})
	}
}

func TestAutoconfigRouteRefuses(t *testing.T) {
	s := newClientServer(t, nil)
	tests := []struct {
		name, host, target string
		wantStatus         int
	}{
		{name: "unknown domain", host: "autoconfig.unknown.example", target: "/mail/config-v1.1.xml", wantStatus: http.StatusNotFound},
		{name: "not an autoconfig host", host: "btinternet.com", target: "/mail/config-v1.1.xml", wantStatus: http.StatusNotFound},
		{name: "the server's own name", host: "127.0.0.1:8080", target: "/mail/config-v1.1.xml", wantStatus: http.StatusNotFound},
		{name: "host with markup", host: "autoconfig.<b>.example", target: "/mail/config-v1.1.xml", wantStatus: http.StatusNotFound},
		{name: "OAuth only, still described", host: "autoconfig.outlook.com", target: "/mail/config-v1.1.xml", wantStatus: http.StatusOK},
		{name: "invalid address", host: "autoconfig.btinternet.com", target: "/mail/config-v1.1.xml?emailaddress=%3Cscript%3E", wantStatus: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.ask(t, http.MethodGet, tt.host, tt.target, nil)
			if rec.Code != tt.wantStatus {
				t.Fatalf("GET %s on %s: status %d, want %d: %s", tt.target, tt.host, rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantStatus == http.StatusOK {
				return
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type %q, want text/plain", ct)
			}
			if b := rec.Body.String(); strings.Contains(b, "<") || strings.Contains(b, "unknown") || strings.Contains(b, "script") {
				t.Errorf("body %q repeats the request", b)
			}
		})
	}
}

func TestPACCRoute(t *testing.T) {
	s := newClientServer(t, nil)
	want, err := clientconf.PACC(btEntry(t))
	if err != nil {
		t.Fatal(err)
	}
	rec := s.ask(t, http.MethodGet, "ua-auto-config.btinternet.com", paccPath, nil)
	wantDocument(t, rec, clientconf.PACCContentType, cachePublic, want)
	// The digest `mailprofile dns` prints is the served bytes'.
	sum := sha256.Sum256(rec.Body.Bytes())
	if got, want := clientconf.PACCDigest(want), "v=UAAC1; a=sha256; d="+base64.StdEncoding.EncodeToString(sum[:]); got != want {
		t.Errorf("PACCDigest = %q, digest of the served bytes %q", got, want)
	}
	var doc struct {
		Protocols map[string]struct{ Host string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"imap", "pop3", "submit"} {
		if doc.Protocols[k].Host != "mail.btinternet.com" {
			t.Errorf("PACC %s host %q, want mail.btinternet.com", k, doc.Protocols[k].Host)
		}
	}
	for _, host := range []string{"ua-auto-config.gmail.com", "ua-auto-config.outlook.com", "ua-auto-config.unknown.example", "autoconfig.btinternet.com", "btinternet.com"} {
		rec := s.ask(t, http.MethodGet, host, paccPath, nil)
		var body struct {
			Error struct {
				Status  int
				Message string
			}
		}
		if rec.Code != http.StatusNotFound || json.Unmarshal(rec.Body.Bytes(), &body) != nil || body.Error.Status != http.StatusNotFound ||
			!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("PACC on %s: %d %q %s, want a JSON 404", host, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
}

// TestClientRoutesOff: without a catalog there are no such routes.
func TestClientRoutesOff(t *testing.T) {
	s := newTestServer(t, nil)
	rec := s.ask(t, http.MethodGet, "autoconfig.btinternet.com", autoconfigPath, nil)
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "clientConfig") {
		t.Errorf("autoconfig without a catalog: %d %s, want 404", rec.Code, rec.Body)
	}
}

// autodiscoverFault is the part of an Autodiscover error a client reads.
type autodiscoverFault struct {
	XMLName  xml.Name
	Response struct {
		Error struct {
			ErrorCode string
			Message   string
		}
	}
}

func readFault(t *testing.T, rec *httptest.ResponseRecorder) autodiscoverFault {
	t.Helper()
	var f autodiscoverFault
	if err := xml.Unmarshal(rec.Body.Bytes(), &f); err != nil {
		t.Fatalf("not an Autodiscover document: %v\n%s", err, rec.Body)
	}
	if f.XMLName.Local != "Autodiscover" || rec.Header().Get("Content-Type") != clientconf.AutodiscoverContentType {
		t.Errorf("answer %s in %q, want Autodiscover in %q", f.XMLName.Local, rec.Header().Get("Content-Type"), clientconf.AutodiscoverContentType)
	}
	return f
}

// TestClientUnknownDomain: a domain outside the catalog gets a 404 in
// each format's own shape, naming nothing of the request.
func TestClientUnknownDomain(t *testing.T) {
	s := newClientServer(t, nil)
	tests := []struct {
		format, method, host, target, body string
		wantType                           string
		wantBody                           string
	}{
		{"autoconfig", http.MethodGet, "autoconfig.nowhere.example", autoconfigPath + "?emailaddress=fred%40nowhere.example", "",
			"text/plain; charset=UTF-8", "No settings are published for this address or domain.\n"},
		{"autoconfig well-known", http.MethodGet, "nowhere.example", autoconfigWellKnown, "",
			"text/plain; charset=UTF-8", "No settings are published for this address or domain.\n"},
		{"Autodiscover", http.MethodPost, "autodiscover.nowhere.example", "/autodiscover/autodiscover.xml", autodiscoverBody("fred@nowhere.example", ""),
			clientconf.AutodiscoverContentType, "<ErrorCode>500</ErrorCode>"},
		{"Autodiscover v2", http.MethodGet, "autodiscover.nowhere.example", autodiscoverV2Path + "/v1.0/fred@nowhere.example?Protocol=AutodiscoverV1", "",
			clientconf.AutodiscoverV2ContentType, `{"ErrorCode":"UserNotFound","ErrorMessage":"No settings are published for this address or domain."}`},
		{"PACC", http.MethodGet, "ua-auto-config.nowhere.example", paccPath, "",
			"application/json", `{"error":{"message":"No settings are published for this address or domain.","status":404}}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			rec := s.ask(t, tt.method, tt.host, tt.target, body)
			if rec.Code != http.StatusNotFound || rec.Header().Get("Content-Type") != tt.wantType || rec.Header().Get("Cache-Control") != cachePrivate {
				t.Errorf("status %d, Content-Type %q, Cache-Control %q; want 404, %q, %q", rec.Code, rec.Header().Get("Content-Type"),
					rec.Header().Get("Cache-Control"), tt.wantType, cachePrivate)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) || strings.Contains(rec.Body.String(), "nowhere") {
				t.Errorf("body %q, want %q and nothing of the request", rec.Body, tt.wantBody)
			}
		})
	}
}
