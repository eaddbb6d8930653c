package web

import (
	"crypto/x509"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/signing"
)

func TestWithPlatformVersion(t *testing.T) {
	mac := device{Kind: deviceMac}
	tests := []struct {
		name string
		dev  device
		hint string
		want int
	}{
		{name: "Sequoia", dev: mac, hint: `"15.1.0"`, want: 15},
		{name: "Ventura", dev: mac, hint: `"13.6.9"`, want: 13},
		{name: "Tahoe", dev: mac, hint: `"26.1.0"`, want: 26},
		{name: "Catalina", dev: mac, hint: `"10.15.7"`, want: 10},
		{name: "no hint", dev: mac, hint: "", want: 0},
		{name: "not quoted", dev: mac, hint: `15.1.0`, want: 0},
		{name: "garbage", dev: mac, hint: `"x.1"`, want: 0},
		{name: "too small", dev: mac, hint: `"0.1"`, want: 0},
		{name: "User-Agent wins", dev: device{Kind: deviceMac, MacOS: 12}, hint: `"15.0.0"`, want: 12},
		{name: "not a Mac", dev: device{Kind: deviceOther}, hint: `"15.0.0"`, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.dev.withPlatformVersion(tt.hint).MacOS; got != tt.want {
				t.Errorf("withPlatformVersion(%q).MacOS = %d, want %d", tt.hint, got, tt.want)
			}
		})
	}
}

// TestClientHintRequest: a Mac is asked for its macOS version, at once
// (Critical-CH) so that the first page is already right; other devices
// are not, so that no Chromium retries their request for nothing.
func TestClientHintRequest(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name, ua, hint string
		ask            bool
		want, absent   string
	}{
		{name: "Mac Chrome, first request", ua: uaMacChrome, ask: true, want: "General &gt; Device Management", absent: ""},
		{name: "Mac Chrome 13 with the hint", ua: uaMacChrome, hint: `"13.6.0"`, ask: true, want: "Privacy &amp; Security &gt; Profiles", absent: "<strong>General &gt; Device Management</strong>"},
		{name: "Mac Chrome 15 with the hint", ua: uaMacChrome, hint: `"15.1.0"`, ask: true, want: "General &gt; Device Management", absent: `id="mac-version"`},
		{name: "iPhone", ua: uaIPhoneIOS18, ask: false, want: "Profile Downloaded"},
		{name: "Android", ua: uaAndroid, ask: false, want: `data-device="other"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := []string{"User-Agent", tt.ua}
			if tt.hint != "" {
				h = append(h, hintPlatformVersion, tt.hint)
			}
			rec := s.get(t, "/setup?email=someone%40btinternet.com&type=imap", h...)
			if rec.Code != http.StatusOK {
				t.Fatalf("status = %d", rec.Code)
			}
			if got := strings.Join(rec.Header().Values("Vary"), ", "); !strings.Contains(got, hintPlatformVersion) {
				t.Errorf("Vary = %q, want it to name %s", got, hintPlatformVersion)
			}
			for _, name := range []string{"Accept-CH", "Critical-CH"} {
				if got, want := rec.Header().Get(name), map[bool]string{true: hintPlatformVersion}[tt.ask]; got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			body := rec.Body.String()
			mustContain(t, "page", body, tt.want)
			if tt.absent != "" && strings.Contains(body, tt.absent) {
				t.Errorf("page has %q", tt.absent)
			}
		})
	}
}

func TestSignerVerified(t *testing.T) {
	chain, trusted := trustedSigner(t)
	self := newSigner(t)
	tests := []struct {
		name   string
		signer Signer
		roots  *x509.CertPool
		at     time.Time
		want   bool
	}{
		{name: "CA in the roots", signer: chain, roots: trusted, at: timetest.Fixed(), want: true},
		{name: "CA not in the roots", signer: chain, roots: x509.NewCertPool(), at: timetest.Fixed(), want: false},
		{name: "expired", signer: chain, roots: trusted, at: timetest.Fixed().Add(72 * time.Hour), want: false},
		{name: "self-signed", signer: self, roots: trusted, at: timetest.Fixed(), want: false},
		{name: "unsigned", signer: nil, roots: trusted, at: timetest.Fixed(), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signerVerified(tt.signer, tt.roots, tt.at, slog.New(slog.DiscardHandler)); got != tt.want {
				t.Errorf("signerVerified() = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAppleWording: the texts say what Apple's screens and Mail do, in
// every language: the real place of profiles on a Mac, and POP as Apple
// Mail does it (a copy stays on the server; a Mac removes it after a week).
func TestAppleWording(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		lang       string
		again, pop []string
		notPop     string
	}{
		{"en", []string{"System Settings > General > Device Management", "Privacy & Security > Profiles"}, []string{"leaves a copy on the server", "a week"}, "downloaded to this one device and removed from the server"},
		{"de", []string{"Systemeinstellungen > Allgemein > Geräteverwaltung", "Datenschutz & Sicherheit > Profile"}, []string{"lässt eine Kopie auf dem Server", "eine Woche"}, "vom Server gelöscht."},
		{"fr", []string{"Réglages Système > Général > Gestion de l’appareil", "Confidentialité et sécurité > Profils"}, []string{"en laisse une copie sur le serveur", "une semaine"}, "et supprimés du serveur"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			m := s.messages[tt.lang]
			mustContain(t, "again.certificate", m["again.certificate"], tt.again...)
			body := s.get(t, "/?lang="+tt.lang).Body.String()
			mustContain(t, "form", body, tt.pop...)
			if strings.Contains(body, tt.notPop) {
				t.Errorf("form says %q", tt.notPop)
			}
		})
	}
}

// trustedSigner is a signer with a CA chain, and a pool of roots that
// trusts it: a device shows what it signs as "Verified".
func trustedSigner(t testing.TB) (Signer, *x509.CertPool) {
	t.Helper()
	s, root := newChainSignerRoot(t, "ecdsa")
	pool := x509.NewCertPool()
	pool.AddCert(root)
	return s, pool
}

// swapSigner stands for cmd's signer that a SIGHUP reloads: the same
// value, a new leaf.
type swapSigner struct{ atomic.Pointer[signing.Signer] }

func (s *swapSigner) Sign(b []byte) ([]byte, error) { return s.Load().Sign(b) }
func (s *swapSigner) Fingerprint() string           { return s.Load().Fingerprint() }
func (s *swapSigner) VerifyChain(roots *x509.CertPool, now time.Time) error {
	return s.Load().VerifyChain(roots, now)
}

// TestSignerReloadedVerified: a reloaded certificate from a trusted CA
// turns the page's wording to "Verified" without a restart, and back.
func TestSignerReloadedVerified(t *testing.T) {
	chain, trusted := trustedSigner(t)
	self := newSigner(t)
	swap := &swapSigner{}
	swap.Store(self)
	s := newTestServer(t, func(c *Config) { c.Signer, c.Roots = swap, trusted })
	page := func() string {
		t.Helper()
		return s.get(t, "/setup?email=someone%40btinternet.com&type=imap", "User-Agent", uaIPhoneIOS18).Body.String()
	}
	for _, step := range []struct {
		name     string
		signer   *signing.Signer
		verified bool
	}{
		{name: "self-signed at start", signer: self, verified: false},
		{name: "reloaded with a CA's", signer: chain.(*signing.Signer), verified: true},
		{name: "reloaded with the self-signed again", signer: self, verified: false},
	} {
		swap.Store(step.signer)
		if got := !strings.Contains(page(), "Not Verified"); got != step.verified {
			t.Errorf("%s: page verified = %v, want %v", step.name, got, step.verified)
		}
	}
}

// TestOtherDeviceAppPassword: on Android, Gmail's default kind signs in on
// Google's page, but the settings shown to enter by hand are IMAP's,
// which take only an app password: the page says so.
func TestOtherDeviceAppPassword(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name, query string
		want        []string
	}{
		{name: "Gmail, Google by default", query: "email=someone%40gmail.com", want: []string{`id="app-password"`, `href="https://myaccount.google.com/apppasswords"`,
			"Enter it in your mail app as the password", "The app password, not your usual password", `data-kind="IMAP"`}},
		{name: "Gmail, IMAP", query: "email=someone%40gmail.com&type=imap", want: []string{`id="app-password"`, "The app password, not your usual password"}},
		{name: "BT, no app password", query: "email=someone%40btinternet.com", want: []string{"Your mail password"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := s.get(t, "/setup?"+tt.query, "User-Agent", uaAndroid).Body.String()
			mustContain(t, "page", body, tt.want...)
			if strings.Contains(body, "before you download the profile") {
				t.Error("Android's page speaks of installing the profile before the app password")
			}
		})
	}
}
