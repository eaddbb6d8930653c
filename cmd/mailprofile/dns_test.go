package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/clientconf"
)

// operatorProviders is an operator's folder with example.net and
// example.org, for --providers.
func operatorProviders(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "example.xml"), `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1"><emailProvider id="example.net"><domain>example.net</domain><domain>example.org</domain><displayName>Example Mail</displayName>
<incomingServer type="imap"><hostname>imap.%EMAILDOMAIN%</hostname><port>993</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer>
<outgoingServer type="smtp"><hostname>smtp.example.net</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
<outgoingServer type="smtp"><hostname>smtp.example.net</hostname><port>465</port><socketType>SSL</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer>
</emailProvider></clientConfig>`, 0o644)
	return dir
}

func TestDNSCommand(t *testing.T) {
	providers := operatorProviders(t)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  string
	}{
		{name: "BT", args: []string{"dns", "--public-host", "setup.example.net", "btinternet.com"}, wantCode: 0, wantOut: []string{
			"autoconfig.btinternet.com. 3600 IN CNAME setup.example.net.\n",
			"_autodiscover._tcp.btinternet.com. 3600 IN SRV 0 0 443 setup.example.net.\n",
			`_ua-auto-config.btinternet.com. 3600 IN TXT "v=UAAC1; a=sha256; d=`,
			"_imaps._tcp.btinternet.com. 3600 IN SRV 0 1 993 mail.btinternet.com.\n",
			"_submission._tcp.btinternet.com. 3600 IN SRV 0 0 0 .\n",
		}},
		{name: "operator's domain, international form", args: []string{"dns", "--providers", providers, "--public-host", "Setup.Example.NET.", "EXAMPLE.org"}, wantCode: 0,
			wantOut: []string{"ua-auto-config.example.org. 3600 IN CNAME setup.example.net.\n", "_imaps._tcp.example.org. 3600 IN SRV 0 1 993 imap.example.org.\n"}},
		{name: "no PACC for Outlook.com", args: []string{"dns", "--public-host", "setup.example.net", "hotmail.com"}, wantCode: 0,
			wantOut: []string{"; no PACC records: ", "; no Autodiscover records: "}},
		{name: "no public host", args: []string{"dns", "btinternet.com"}, wantCode: 2, wantErr: "--public-host ($MAILPROFILE_PUBLIC_HOST): is required"},
		{name: "public host a URL", args: []string{"dns", "--public-host", "https://setup.example.net/", "btinternet.com"}, wantCode: 1, wantErr: "--public-host: "},
		{name: "no domain", args: []string{"dns", "--public-host", "setup.example.net"}, wantCode: 2, wantErr: "want exactly one domain"},
		{name: "domain not in the catalog", args: []string{"dns", "--public-host", "setup.example.net", "nowhere.example"}, wantCode: 1,
			wantErr: "nowhere.example is neither in the built-in catalog nor in --providers"},
		{name: "not a domain", args: []string{"dns", "--public-host", "setup.example.net", "<x>"}, wantCode: 1, wantErr: `"<x>" is not a domain name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}, tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Fatalf("mailprofile %s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.wantCode, tt.wantErr)
			}
			out := spaced(r.stdout)
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

// spaced is s with each run of spaces as one: the columns' width depends
// on the longest name.
func spaced(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

func TestDNSCommandJSON(t *testing.T) {
	r := runCmd(t, map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir(), "MAILPROFILE_PUBLIC_HOST": "setup.example.net"}, "dns", "--json", "btinternet.com")
	var z clientconf.Zone
	if err := json.Unmarshal([]byte(r.stdout), &z); err != nil || r.code != 0 {
		t.Fatalf("dns --json: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if z.Domain != "btinternet.com" || z.PublicHost != "setup.example.net" || len(z.Records) != 11 || len(z.CertificateNames) != 3 {
		t.Errorf("dns --json = %+v, want 11 records for btinternet.com", z)
	}
}

var txtDigest = regexp.MustCompile(`_ua-auto-config\.(\S+)\.\s+\d+ IN TXT\s+"v=UAAC1; a=sha256; d=([A-Za-z0-9+/=]+)"`)

// TestDNSDigestMatchesServer runs the real binary twice: `serve`, whose
// PACC document is fetched over HTTP as a client would, and `dns`, whose
// TXT record must carry the SHA-256 of exactly those bytes.
func TestDNSDigestMatchesServer(t *testing.T) {
	providers := operatorProviders(t)
	s := startServer(t, t.TempDir(), "--providers", providers)
	for _, domain := range []string{"btinternet.com", "example.org"} {
		req, err := http.NewRequest(http.MethodGet, s.base+"/.well-known/user-agent-configuration.json", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "ua-auto-config." + domain
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("PACC for %s: %d %q %v\n%s", domain, resp.StatusCode, resp.Header.Get("Content-Type"), err, body)
		}
		sum := sha256.Sum256(body)
		served := base64.StdEncoding.EncodeToString(sum[:])

		out, err := exec.Command(buildBinary(t), "dns", "--providers", providers, "--public-host", "setup.example.net", domain).Output()
		if err != nil {
			t.Fatalf("mailprofile dns %s: %v", domain, err)
		}
		m := txtDigest.FindStringSubmatch(string(out))
		if m == nil || m[1] != domain {
			t.Fatalf("mailprofile dns %s printed no _ua-auto-config TXT record:\n%s", domain, out)
		}
		if m[2] != served {
			t.Errorf("%s: TXT digest %s, but the served document's SHA-256 is %s", domain, m[2], served)
		}
	}
}
