package provider

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

// ispdbDir holds the unmodified Thunderbird ISPDB files in shared/, which
// sits beside the clone.
const ispdbDir = "../../shared/data/ispdb"

func ispdbFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(ispdbDir, "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("../shared/data/ispdb not found: shared/ is not beside this clone")
	}
	return files
}

func parseISPDBFile(t *testing.T, path string) []*Provider {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse(%s) error = %v", filepath.Base(path), err)
	}
	return ps
}

func TestISPDBParses(t *testing.T) {
	files := ispdbFiles(t)
	var servers, warnings int
	for _, path := range files {
		for _, p := range parseISPDBFile(t, path) {
			servers += len(p.Incoming) + len(p.Outgoing)
			for _, w := range p.Warnings {
				warnings++
				t.Logf("%s: %s", filepath.Base(path), w)
			}
		}
	}
	t.Logf("%d files, %d imap/pop3/smtp servers kept, %d warnings", len(files), servers, warnings)
	// Every file should come through whole: the ISPDB is curated.
	if warnings != 0 {
		t.Errorf("ISPDB files gave %d warnings, want 0", warnings)
	}
	// The whole folder also loads as an operator catalog.
	c, err := NewCatalog(Builtin(), os.DirFS(ispdbDir))
	if err != nil {
		t.Fatalf("NewCatalog(Builtin(), ispdb) error = %v", err)
	}
	if c.Len() < 900 {
		t.Errorf("NewCatalog(Builtin(), ispdb).Len() = %d, want at least 900 domains", c.Len())
	}
}

// firstUsable is the test's own reading of the mapping rules: the first
// SSL or STARTTLS server of typ that lists an expressible method before
// running out.
func firstUsable(servers []Server, typ string) (Server, bool) {
	for _, s := range servers {
		if s.Type != typ || (s.SocketType != "SSL" && s.SocketType != "STARTTLS") {
			continue
		}
		for _, a := range s.Auth {
			switch a {
			case "password-cleartext", "password-encrypted", "NTLM", "none":
				return s, true
			case "client-IP-address":
				if typ == "smtp" {
					return s, true
				}
			}
		}
	}
	return Server{}, false
}

func hasType(servers []Server, typ string) bool {
	for _, s := range servers {
		if s.Type == typ {
			return true
		}
	}
	return false
}

func TestISPDBSettings(t *testing.T) {
	files := ispdbFiles(t)
	counts := map[string][]string{}
	for _, path := range files {
		name := filepath.Base(path)
		for _, p := range parseISPDBFile(t, path) {
			proto, typ := profile.IMAP, "imap"
			if !hasType(p.Incoming, "imap") {
				proto, typ = profile.POP, "pop3"
				counts["POP-only"] = append(counts["POP-only"], p.ID)
				addr := profile.Address{Local: "Fred", Domain: p.Domains[0]}
				if _, err := p.Settings(addr, profile.IMAP); !errors.Is(err, ErrNoProtocol) {
					t.Errorf("%s: Settings(%q, imap) error = %v, want ErrNoProtocol", name, addr, err)
				}
			}
			in, inOK := firstUsable(p.Incoming, typ)
			out, outOK := firstUsable(p.Outgoing, "smtp")
			for _, d := range p.Domains {
				addr := profile.Address{Local: "Fred.Bloggs", Domain: d}
				got, err := p.Settings(addr, proto)
				if inOK && outOK {
					if err != nil {
						t.Errorf("%s: Settings(%q) error = %v, want servers %s and %s", name, addr, err, in.Hostname, out.Hostname)
						continue
					}
					checkServer(t, name, addr, got.Incoming, in)
					checkServer(t, name, addr, got.Outgoing, out)
					continue
				}
				if !errors.Is(err, ErrOAuthOnly) && !errors.Is(err, ErrNoProtocol) && !errors.Is(err, ErrNoSecureServer) {
					t.Errorf("%s: Settings(%q) = %+v, %v, want a typed error", name, addr, got, err)
				}
			}
			_, err := p.Settings(profile.Address{Local: "Fred", Domain: p.Domains[0]}, proto)
			switch {
			case err == nil:
				counts["ok"] = append(counts["ok"], p.ID)
			case errors.Is(err, ErrOAuthOnly):
				counts["OAuth-only"] = append(counts["OAuth-only"], p.ID)
			case errors.Is(err, ErrNoSecureServer):
				counts["no-secure"] = append(counts["no-secure"], p.ID+" ("+err.Error()+")")
			case errors.Is(err, ErrNoProtocol):
				counts["no-protocol"] = append(counts["no-protocol"], p.ID+" ("+err.Error()+")")
			}
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "ok" || k == "POP-only" {
			t.Logf("%s: %d", k, len(counts[k]))
			continue
		}
		t.Logf("%s: %d: %s", k, len(counts[k]), strings.Join(counts[k], "; "))
	}
}

func checkServer(t *testing.T, file string, addr profile.Address, got profile.Server, want Server) {
	t.Helper()
	wantUser := strings.NewReplacer("%EMAILADDRESS%", addr.String(), "%EMAILLOCALPART%", addr.Local,
		"%EMAILDOMAIN%", addr.Domain).Replace(want.Username)
	if want.Username == "" {
		wantUser = addr.String()
	}
	wantHost := strings.ReplaceAll(want.Hostname, "%EMAILDOMAIN%", addr.Domain)
	if got.Host != wantHost || got.Port != want.Port || !got.UseSSL || got.Username != wantUser {
		t.Errorf("%s: Settings(%q) %s server = %+v, want %s:%d UseSSL with username %q",
			file, addr, want.Type, got, wantHost, want.Port, wantUser)
	}
}

func TestISPDBKnownProviders(t *testing.T) {
	ispdbFiles(t) // skips when absent
	c, err := NewCatalog(os.DirFS(ispdbDir))
	if err != nil {
		t.Fatalf("NewCatalog(ispdb) error = %v", err)
	}
	tests := []struct {
		domain   string
		proto    profile.Protocol
		sentinel error        // nil: success
		auth     profile.Auth // on success
		host     string       // on success
	}{
		{domain: "hotmail.com", proto: profile.IMAP, sentinel: ErrOAuthOnly},
		{domain: "outlook.com", proto: profile.POP, sentinel: ErrOAuthOnly},
		{domain: "onmicrosoft.com", proto: profile.IMAP, sentinel: ErrOAuthOnly},
		{domain: "mit.edu", proto: profile.IMAP, sentinel: ErrOAuthOnly},
		{domain: "googlemail.com", proto: profile.IMAP, auth: profile.AuthPassword, host: "imap.gmail.com"},
		{domain: "yahoo.co.jp", proto: profile.IMAP, sentinel: ErrNoProtocol},
		{domain: "yahoo.co.jp", proto: profile.POP, auth: profile.AuthPassword, host: "pop.mail.yahoo.co.jp"},
		{domain: "btinternet.com", proto: profile.IMAP, auth: profile.AuthPassword, host: "mail.btinternet.com"},
		{domain: "me.com", proto: profile.POP, sentinel: ErrNoProtocol},
		{domain: "inbox.eu", proto: profile.IMAP, auth: profile.AuthPassword, host: "mail.inbox.eu"},
	}
	for _, tt := range tests {
		t.Run(tt.domain+"/"+string(tt.proto), func(t *testing.T) {
			p := lookup(t, c, tt.domain)
			got, err := p.Settings(profile.Address{Local: "fred", Domain: tt.domain}, tt.proto)
			if tt.sentinel != nil {
				if !errors.Is(err, tt.sentinel) {
					t.Errorf("Settings(%q) = %+v, %v, want %v", tt.domain, got, err, tt.sentinel)
				}
				return
			}
			if err != nil || got.Incoming.Auth != tt.auth || got.Incoming.Host != tt.host {
				t.Errorf("Settings(%q) = %+v, %v, want %s with %s", tt.domain, got.Incoming, err, tt.host, tt.auth)
			}
		})
	}
}
