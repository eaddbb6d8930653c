package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/provider/discover"
	"github.com/mailprofile/mailprofile/provider/discover/dnstest"
)

// User-Agents beside browser_test.go's.
const (
	uaIPhoneOld = "Mozilla/5.0 (iPhone; CPU iPhone OS 11_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/11.0 Mobile/15E148 Safari/604.1"
	uaIPhone18  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)

// sharedTool runs ../shared/tools/verify-profile on a download, signed or
// not, with expect compared to the account payload of its PayloadType
// (the mail payload when it names none), which must be the only one.
func sharedTool(t *testing.T, body []byte, signed bool, expect map[string]any) {
	t.Helper()
	tool := filepath.Join("..", "..", "shared", "tools", "verify-profile")
	if _, err := os.Stat(tool); err != nil {
		t.Log("skipping the shared profile checker: ../shared is not beside this clone")
		return
	}
	python := pythonWithYAML(t)
	if python == "" {
		t.Skip("no python3 with PyYAML: run scripts/test, which installs python3-yaml")
	}
	f := filepath.Join(t.TempDir(), "p.mobileconfig")
	if err := os.WriteFile(f, body, 0o600); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(expect)
	args := []string{tool, f, "--expect", string(want)}
	if typ, ok := expect["PayloadType"].(string); ok {
		args = append(args, "--expect-types", typ)
	}
	if !signed {
		args = append(args, "--unsigned-ok")
	}
	out, err := exec.Command(python, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("verify-profile: %v\n%s", err, out)
	}
	var summary struct{ Signed bool }
	if err := json.Unmarshal(out, &summary); err != nil || summary.Signed != signed {
		t.Fatalf("verify-profile summary %s: signed %v, want %v", out, summary.Signed, signed)
	}
}

var (
	exchangeExpect = map[string]any{"PayloadType": "com.apple.eas.account", "Host": "outlook.office365.com", "OAuth": true, "SSL": true,
		"PreventMove": false, "SMIMEEnableEncryptionPerMessageSwitch": true, "EnableContactsUserOverridable": true}
	googleExpect = map[string]any{"PayloadType": "com.apple.google-oauth"}
)

// TestDownloadAccounts downloads, on an iPhone and without a type, the
// profile of each built-in provider that signs in on its own page, signed
// and unsigned, and checks it key by key with the shared checker.
func TestDownloadAccounts(t *testing.T) {
	signed := newTestServer(t, nil)
	unsigned := newTestServer(t, func(c *Config) { c.Signer = nil })
	tests := []struct {
		email  string
		expect map[string]any
	}{
		{"someone@outlook.com", exchangeExpect},
		{"someone@hotmail.co.uk", exchangeExpect},
		{"someone@onmicrosoft.com", exchangeExpect},
		{"someone@gmail.com", googleExpect},
	}
	for _, tt := range tests {
		t.Run(tt.email, func(t *testing.T) {
			expect := map[string]any{"EmailAddress": tt.email}
			for k, v := range tt.expect {
				expect[k] = v
			}
			for _, s := range []testServer{signed, unsigned} {
				isSigned := s.signer != nil
				rec := s.get(t, profileURL(tt.email, "", "Some One"), "User-Agent", uaIPhoneSafari)
				if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != profileContentType {
					t.Fatalf("GET /profile (signed %v): %d %s", isSigned, rec.Code, rec.Body)
				}
				body := rec.Body.Bytes()
				sharedTool(t, body, isSigned, expect)
				if isSigned {
					body = verifyProfile(t, body)
				}
				sum, err := profile.Parse(body)
				if err != nil || len(sum.Problems) > 0 || payloadAddress(sum.Payloads[0]) != tt.email {
					t.Errorf("profile = %+v, %v", sum, err)
				}
			}
		})
	}
}

// TestDownloadCustomDomain finds a domain whose mail Microsoft 365
// hosts through its MX, on a loopback DNS server, and gives an iPhone the
// Exchange profile: unsigned, as discovered settings are, unless the
// operator signs those too.
func TestDownloadCustomDomain(t *testing.T) {
	d, err := discover.New(newCatalog(t), discover.Config{
		DNSServer: dnstest.Serve(t,
			"office365-tenant.example. 60 IN MX 0 office365-tenant-example.mail.protection.outlook.com.",
			"corner-bakery.test. 60 IN MX 1 aspmx.l.google.com."),
		StepTimeout: 2 * time.Second,
		Budget:      5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		email  string
		expect map[string]any
	}{
		{"someone@office365-tenant.example", exchangeExpect},
		{"owner@corner-bakery.test", googleExpect},
	} {
		for _, signDiscovered := range []bool{false, true} {
			s := newDiscoveryServer(t, d, signDiscovered)
			rec := s.get(t, profileURL(tt.email, "", ""), "User-Agent", uaIPhoneSafari)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /profile %s: %d %s", tt.email, rec.Code, rec.Body)
			}
			expect := map[string]any{"EmailAddress": tt.email}
			for k, v := range tt.expect {
				expect[k] = v
			}
			sharedTool(t, rec.Body.Bytes(), signDiscovered, expect)
			rec = s.get(t, profileURL(tt.email, "", ""), "User-Agent", uaMacSafari, "Accept", "application/json")
			if tt.expect["PayloadType"] == "com.apple.eas.account" && rec.Code != http.StatusUnprocessableEntity {
				t.Errorf("GET /profile %s from a Mac: %d, want 422", tt.email, rec.Code)
			}
		}
	}
}

// TestNotInstallable checks the 422s: a kind the device cannot install is
// never served, and the answer names what works there.
func TestNotInstallable(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		name, target, ua string
		want             string
	}{
		{"Exchange on a Mac", profileURL("someone@outlook.com", "", ""), uaMacSafari,
			"a configuration profile cannot set up a Microsoft Exchange account on a Mac (Apple's profile for it works on iPhone and iPad only): add Outlook.com in System Settings > Internet Accounts > Add Account > Microsoft Exchange"},
		{"Microsoft 365 on a Mac", profileURL("someone@onmicrosoft.com", "exchange", ""), uaMacSafari,
			"add Microsoft 365 in System Settings > Internet Accounts > Add Account > Microsoft Exchange"},
		{"Google on a Mac", profileURL("someone@gmail.com", "google", ""), uaMacSafari,
			"a configuration profile cannot set up a Google account on a Mac (Apple's profile for it works on iPhone and iPad only): add Gmail in System Settings > Internet Accounts > Add Account > Google, or choose IMAP (type imap) or POP3 (type pop)"},
		{"the device parameter over an iPhone", profileURL("someone@outlook.com", "", "") + "&device=macos", uaIPhoneSafari,
			"cannot set up a Microsoft Exchange account on a Mac"},
		{"Exchange on iOS 11", profileURL("someone@outlook.com", "exchange", ""), uaIPhoneOld,
			"a configuration profile cannot set up a Microsoft Exchange account on an iPhone or iPad with iOS 11 (it needs iOS 12 or later): add Outlook.com in Settings > Accounts & Passwords > Add Account > Outlook.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := s.get(t, tt.target, "User-Agent", tt.ua, "Accept", "application/json")
			var got struct {
				Error struct {
					Status         int
					Message, Field string
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, body %s", rec.Code, rec.Body)
			}
			if !strings.Contains(got.Error.Message, tt.want) || got.Error.Field != "type" {
				t.Errorf("error = %+v, want field type and %q", got.Error, tt.want)
			}
			// A browser gets the friendly steps, not an error.
			rec = s.get(t, tt.target, "User-Agent", tt.ua)
			body := rec.Body.String()
			if rec.Code != http.StatusUnprocessableEntity || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") ||
				strings.Contains(body, `class="error"`) || !strings.Contains(body, `data-hand`) {
				t.Errorf("HTML: status %d, want 422 with the steps and no error:\n%s", rec.Code, body)
			}
			if rec.Header().Get("Content-Disposition") != "" {
				t.Error("a refusal carries Content-Disposition")
			}
		})
	}
	// The device parameter also lets an iPad with a Mac's User-Agent in.
	rec := s.get(t, profileURL("someone@outlook.com", "", "")+"&device=ios", "User-Agent", uaMacSafari)
	if rec.Code != http.StatusOK {
		t.Errorf("device=ios from a Mac's User-Agent: %d, want 200", rec.Code)
	}
}

// TestPreferredKind checks what a missing type gives each device.
func TestPreferredKind(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		email, ua, device, want string
	}{
		{"someone@outlook.com", uaIPhoneSafari, "", "com.apple.eas.account"},
		{"someone@gmail.com", uaIPhoneSafari, "", "com.apple.google-oauth"},
		{"someone@gmail.com", uaMacSafari, "", "EmailTypeIMAP"},
		{"someone@gmail.com", uaMacSafari, "ios", "com.apple.google-oauth"},
		{"someone@gmail.com", uaIPhoneSafari, "macos", "EmailTypeIMAP"},
		{"someone@gmail.com", uaWindowsChrome, "", "com.apple.google-oauth"},
		{"someone@btinternet.com", uaIPhoneSafari, "", "EmailTypeIMAP"},
	}
	for _, tt := range tests {
		target := profileURL(tt.email, "", "")
		if tt.device != "" {
			target += "&device=" + tt.device
		}
		rec := s.get(t, target, "User-Agent", tt.ua)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", target, rec.Code)
			continue
		}
		sum, err := profile.Parse(verifyProfile(t, rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		got := sum.Payloads[0].Type
		if m := sum.Payloads[0].Mail; m != nil {
			got = m.AccountType
		}
		if got != tt.want {
			t.Errorf("%s (%s): %s, want %s", target, tt.ua[:20], got, tt.want)
		}
	}
}

// TestFastPathByDevice checks that a repeat download without a type is
// answered from the cache only for a device that installs the same kinds:
// the Mac that follows an iPhone gets the refusal, not the iPhone's
// Exchange profile.
func TestFastPathByDevice(t *testing.T) {
	s, cs, _ := newFastServer(t, nil)
	target := profileURL("someone@outlook.com", "", "")
	for i := range 2 {
		if rec := s.get(t, target, "User-Agent", uaIPhone18); rec.Code != http.StatusOK {
			t.Fatalf("iPhone download %d: %d", i, rec.Code)
		}
	}
	if n := cs.signs.Load(); n != 1 {
		t.Errorf("signatures = %d, want 1 (the repeat from the cache)", n)
	}
	for _, ua := range []string{uaMacSafari, uaIPhoneOld} {
		if rec := s.get(t, target, "User-Agent", ua); rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s after an iPhone: %d, want 422", ua[:30], rec.Code)
		}
	}
	if rec := s.get(t, target+"&device=ios", "User-Agent", uaMacSafari); rec.Code != http.StatusOK {
		t.Errorf("device=ios from a Mac: %d, want 200", rec.Code)
	}
	if rec := s.get(t, profileURL("someone@outlook.com", "exchange", ""), "User-Agent", uaMacSafari); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("type=exchange from a Mac: %d, want 422", rec.Code)
	}
}

// TestSwitchingKind checks that one address's profiles of every kind
// share the top-level identifier, so a new one replaces the installed one.
func TestSwitchingKind(t *testing.T) {
	s := newTestServer(t, nil)
	var ids []string
	for _, typ := range []string{"google", "imap", "pop"} {
		rec := s.get(t, profileURL("someone@gmail.com", typ, ""), "User-Agent", uaIPhoneSafari)
		sum, err := profile.Parse(verifyProfile(t, rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sum.Identifier)
	}
	if ids[0] != ids[1] || ids[1] != ids[2] {
		t.Errorf("identifiers by kind = %q, want one", ids)
	}
}

func TestAPIAccounts(t *testing.T) {
	s := newTestServer(t, nil)
	get := func(q, ua string) apiSettings {
		t.Helper()
		rec := s.get(t, "/api/v1/settings?"+q, "User-Agent", ua)
		var got apiSettings
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("GET /api/v1/settings?%s: %d %s", q, rec.Code, rec.Body)
		}
		return got
	}
	kinds := func(a apiSettings) string {
		var ks []string
		for _, acct := range a.Accounts {
			ks = append(ks, acct.Type+":"+strings.Join(acct.Devices, "+"))
		}
		return strings.Join(ks, ",")
	}
	out := get("email=someone%40outlook.com", uaIPhoneSafari)
	if kinds(out) != "exchange:ios" || out.Preferred != "exchange" || out.Unavailable["imap"] == "" || out.Unavailable["google"] != "" {
		t.Errorf("Outlook.com: %+v", out)
	}
	if ex := out.Accounts[0]; ex.Incoming == nil || ex.Incoming.Host != "outlook.office365.com" || ex.Incoming.Authentication != "OAuth" ||
		ex.Outgoing != nil || ex.ProfileURL != "/profile?email=someone%40outlook.com&type=exchange" {
		t.Errorf("Outlook.com Exchange account = %+v", ex)
	}
	if out := get("email=someone%40outlook.com", uaMacSafari); out.Preferred != "" {
		t.Errorf("Outlook.com from a Mac: preferred %q, want none", out.Preferred)
	}
	out = get("email=someone%40gmail.com", uaMacSafari)
	if kinds(out) != "google:ios,imap:ios+macos,pop:ios+macos" || out.Preferred != "imap" || out.Accounts[0].Incoming != nil {
		t.Errorf("Gmail from a Mac: %+v", out)
	}
	if out := get("email=someone%40gmail.com&device=ios", uaMacSafari); out.Preferred != "google" {
		t.Errorf("Gmail, device=ios: preferred %q", out.Preferred)
	}
	if out := get("email=someone%40btinternet.com", uaIPhoneSafari); kinds(out) != "imap:ios+macos,pop:ios+macos" || len(out.Unavailable) != 0 {
		t.Errorf("BT: %+v", out)
	}
	if out := get("email=someone%40gmail.com&type=google", uaIPhoneSafari); kinds(out) != "google:ios" {
		t.Errorf("Gmail, type=google: %+v", out)
	}
	rec := s.get(t, "/api/v1/settings?"+url.Values{"email": {"someone@btinternet.com"}, "type": {"exchange"}}.Encode())
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "BT Mail offers no Microsoft Exchange account") {
		t.Errorf("BT, type=exchange: %d %s", rec.Code, rec.Body)
	}
	if rec := s.get(t, "/api/v1/settings?email=someone%40btinternet.com&device=watch"); rec.Code != http.StatusBadRequest {
		t.Errorf("device=watch: %d, want 400", rec.Code)
	}
}
