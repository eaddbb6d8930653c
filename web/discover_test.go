package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
	"github.com/mailprofile/mailprofile/signing"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// newDiscoverer is the real discovery engine in front of the built-in
// catalog, asking only the loopback DNS server.
func newDiscoverer(t *testing.T) *discover.Discoverer {
	t.Helper()
	d, err := discover.New(newCatalog(t), discover.Config{
		DNSServer:   dnstest.Serve(t, dnstest.XTest...),
		StepTimeout: 2 * time.Second,
		Budget:      5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// newDiscoveryServer is a signing server whose settings come from d.
func newDiscoveryServer(t *testing.T, d Finder, signDiscovered bool) testServer {
	t.Helper()
	return newTestServer(t, func(c *Config) {
		c.Finder = d
		c.ServiceName = "Example Mail"
		c.SignDiscovered = signDiscovered
		// A signer devices trust: these pages keep the plain wording.
		c.Signer, c.Roots = trustedSigner(t)
	})
}

// labelFinder is the real catalog with its answers labelled as found by
// another method, for the sources that need servers on the internet to
// find for real (autoconfig, ISPDB, MX, probing); provider/discover tests
// those against servers on loopback.
type labelFinder struct {
	catalog *provider.Catalog
	origin  provider.Origin
}

func (f labelFinder) Find(ctx context.Context, addr profile.Address, proto profile.Protocol) (provider.Settings, error) {
	s, err := f.catalog.Find(ctx, addr, proto)
	s.Origin = f.origin
	return s, err
}

func TestSignaturePolicy(t *testing.T) {
	d := newDiscoverer(t)
	tests := []struct {
		name           string
		email          string
		signDiscovered bool
		wantHost       string
		wantMethod     provider.Method
		wantConfidence provider.Confidence
		wantSigned     bool
	}{
		{name: "catalog", email: "someone@btinternet.com", wantHost: "mail.btinternet.com",
			wantMethod: provider.MethodCatalog, wantConfidence: provider.ConfidenceHigh, wantSigned: true},
		{name: "discovered", email: "someone@x.test", wantHost: "mail.x.test",
			wantMethod: provider.MethodSRV, wantConfidence: provider.ConfidenceMedium, wantSigned: false},
		{name: "discovered, operator signs", email: "someone@x.test", signDiscovered: true, wantHost: "mail.x.test",
			wantMethod: provider.MethodSRV, wantConfidence: provider.ConfidenceMedium, wantSigned: true},
		{name: "catalog, operator signs discovered", email: "someone@btinternet.com", signDiscovered: true, wantHost: "mail.btinternet.com",
			wantMethod: provider.MethodCatalog, wantConfidence: provider.ConfidenceHigh, wantSigned: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDiscoveryServer(t, d, tt.signDiscovered)

			rec := s.get(t, profileURL(tt.email, "imap", ""))
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /profile: status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != profileContentType {
				t.Errorf("Content-Type = %q, want %q", ct, profileContentType)
			}
			body := rec.Body.Bytes()
			if tt.wantSigned {
				body = verifyProfile(t, body)
			} else {
				if !bytes.HasPrefix(body, []byte("<?xml")) {
					t.Fatalf("profile starts %.20q, want an unsigned XML plist", body)
				}
				if _, err := signing.Verify(body, nil, timetest.Fixed()); err == nil {
					t.Error("signing.Verify accepted an unsigned profile")
				}
			}
			if got := incomingHost(t, body); got != tt.wantHost {
				t.Errorf("IncomingMailServerHostName = %q, want %q", got, tt.wantHost)
			}

			rec = s.get(t, "/api/v1/settings?email="+tt.email)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /api/v1/settings: status %d: %s", rec.Code, rec.Body)
			}
			var got apiSettings
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Accounts) != 2 || got.Signed != tt.wantSigned {
				t.Fatalf("settings = %+v, want two accounts, signed %v", got, tt.wantSigned)
			}
			for _, a := range got.Accounts {
				if a.Method != tt.wantMethod || a.Confidence != tt.wantConfidence || a.Signed != tt.wantSigned || a.Source == "" || a.Via == "" {
					t.Errorf("%s account: method %q, confidence %q, signed %v, source %q, via %q; want %q, %q, %v and a source and via",
						a.Type, a.Method, a.Confidence, a.Signed, a.Source, a.Via, tt.wantMethod, tt.wantConfidence, tt.wantSigned)
				}
			}
		})
	}
}

// incomingHost decodes a plist profile and returns its mail payload's
// incoming server.
func incomingHost(t *testing.T, doc []byte) string {
	t.Helper()
	var p struct {
		PayloadContent []struct {
			IncomingMailServerHostName string
		}
	}
	if _, err := plist.Unmarshal(doc, &p); err != nil {
		t.Fatalf("plist.Unmarshal: %v", err)
	}
	if len(p.PayloadContent) != 1 {
		t.Fatalf("profile has %d payloads, want 1", len(p.PayloadContent))
	}
	return p.PayloadContent[0].IncomingMailServerHostName
}

func TestAPIRawJSONNamesOrigin(t *testing.T) {
	s := newDiscoveryServer(t, newDiscoverer(t), false)
	rec := s.get(t, "/api/v1/settings?email=someone@x.test&type=imap")
	var got struct {
		Accounts []map[string]any `json:"accounts"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got.Accounts) != 1 {
		t.Fatalf("GET /api/v1/settings = %s (%v)", rec.Body, err)
	}
	want := map[string]any{"method": "srv", "confidence": "medium", "signed": false, "via": "SRV records of x.test", "source": "DNS SRV records of x.test"}
	for k, v := range want {
		if got.Accounts[0][k] != v {
			t.Errorf("accounts[0][%q] = %v, want %v", k, got.Accounts[0][k], v)
		}
	}
}

func TestReviewPageSource(t *testing.T) {
	d := newDiscoverer(t)
	tests := []struct {
		name           string
		target         string
		signDiscovered bool
		want           []string
		absent         []string
	}{
		{
			name:   "catalog",
			target: "/setup?email=someone@btinternet.com&type=imap",
			want: []string{`data-method="catalog" data-confidence="high" data-signed="true"`,
				"Where these settings come from", "These settings come from this service’s own list of mail providers.", "How sure we are: high.",
				`<p class="muted" id="signature">This service has checked these settings and signed the profile`},
			absent: []string{`id="check-servers"`, "Unsigned", "Where we looked"},
		},
		{
			name:   "discovered",
			target: "/setup?email=someone@x.test&type=imap",
			want: []string{`data-method="srv" data-confidence="medium" data-signed="false"`,
				`<section id="check-servers" class="card"`, "Check the server names before you install",
				"We found these servers automatically and have not checked them",
				"Your device will show the profile as “Unsigned” or “Not Verified”",
				"Make sure the server names below belong to your mail provider",
				"These settings were found automatically in the domain’s SRV records", "How sure we are: medium.",
				"Where we looked: SRV records of x.test", "<td>mail.x.test</td>", "<td>smtp.x.test</td>"},
			absent: []string{`id="signature"`, "has checked these settings"},
		},
		{
			name:           "discovered, operator signs",
			target:         "/setup?email=someone@x.test&type=imap",
			signDiscovered: true,
			want: []string{`data-method="srv" data-confidence="medium" data-signed="true"`,
				"The profile is signed although its servers were found automatically", "<td>mail.x.test</td>"},
			absent: []string{`id="check-servers"`, "Not Verified"},
		},
		{
			name:   "discovered, in German",
			target: "/setup?email=someone@x.test&type=imap&lang=de",
			want: []string{"Prüfen Sie vor der Installation die Servernamen", "„Nicht signiert“ oder „Nicht überprüft“",
				"Diese Einstellungen wurden automatisch in den SRV-Einträgen der Domain gefunden", "Verlässlichkeit: mittel."},
			absent: []string{"Unsigned"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newDiscoveryServer(t, d, tt.signDiscovered)
			rec := s.get(t, tt.target, "User-Agent", uaIPhoneSafari)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d: %s", rec.Code, rec.Body)
			}
			body := withoutBreaks(rec.Body.String())
			mustContain(t, "page", body, tt.want...)
			for _, a := range tt.absent {
				if strings.Contains(body, a) {
					t.Errorf("page has %q", a)
				}
			}
			// The servers to check come before the download button;
			// otherwise after the steps.
			table, button := strings.Index(body, `<table class="settings"`), strings.Index(body, `id="download"`)
			if first := table < button; first != strings.Contains(body, "check-servers") {
				t.Errorf("settings table before the download button = %v, want it only when asked to check the servers", first)
			}
		})
	}
}

func TestReviewPageMethods(t *testing.T) {
	tests := []struct {
		origin provider.Origin
		want   []string
	}{
		{provider.Origin{Method: provider.MethodAutoconfig, Confidence: provider.ConfidenceHigh, Via: "https://autoconfig.btinternet.com/mail/config-v1.1.xml"},
			[]string{"your mail provider’s own settings file (autoconfig)", "How sure we are: high.", "Where we looked: https://autoconfig.btinternet.com/mail/config-v1.1.xml"}},
		{provider.Origin{Method: provider.MethodISPDB, Confidence: provider.ConfidenceHigh, Via: "https://autoconfig.thunderbird.net/v1.1/btinternet.com"},
			[]string{"Thunderbird’s database of mail providers", "How sure we are: high."}},
		{provider.Origin{Method: provider.MethodMX, Confidence: provider.ConfidenceMedium, Via: "MX mx.example.net: ISPDB"},
			[]string{"the domain’s mail server records (MX) point to a known mail provider", "How sure we are: medium."}},
		{provider.Origin{Method: provider.MethodProbe, Confidence: provider.ConfidenceLow, Via: "probing btinternet.com"},
			[]string{"by a connection test", "How sure we are: low.", "nothing confirms they belong to your provider"}},
		{provider.Origin{Method: "carrier-pigeon", Confidence: "dubious"},
			[]string{"<p>These settings were found automatically.</p>"}},
		// What was asked is shown escaped.
		{provider.Origin{Method: provider.MethodAutoconfig, Confidence: provider.ConfidenceHigh, Via: `https://x.test/?a=<b>&c="d"`},
			[]string{"Where we looked: https://x.test/?a=&lt;b&gt;&amp;c=&#34;d&#34;"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.origin.Method), func(t *testing.T) {
			s := newDiscoveryServer(t, labelFinder{newCatalog(t), tt.origin}, false)
			rec := s.get(t, "/setup?email=someone@btinternet.com", "User-Agent", uaMacSafari)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d: %s", rec.Code, rec.Body)
			}
			body := rec.Body.String()
			mustContain(t, "page", body, append(tt.want, `id="check-servers"`, "“Unsigned” or “Not Verified”")...)
			if strings.Contains(body, "<b>") {
				t.Error("page has an unescaped <b>")
			}
		})
	}
}

// TestOriginMessages checks that every method and confidence discovery
// reports has its words in every language.
func TestOriginMessages(t *testing.T) {
	cat, err := site.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"origin.other", "sign.catalog", "sign.discovered", "sign.discovered_unsigned", "setup.unsigned"}
	for _, m := range []provider.Method{provider.MethodCatalog, provider.MethodAutoconfig, provider.MethodISPDB,
		provider.MethodMX, provider.MethodSRV, provider.MethodProbe} {
		keys = append(keys, "origin."+string(m))
	}
	for _, c := range []provider.Confidence{provider.ConfidenceHigh, provider.ConfidenceMedium, provider.ConfidenceLow} {
		keys = append(keys, "confidence."+string(c))
	}
	for _, lang := range []string{"en", "de", "fr"} {
		for _, k := range keys {
			if cat[lang][k] == "" {
				t.Errorf("messages/%s.json lacks %s", lang, k)
			}
		}
	}
}
