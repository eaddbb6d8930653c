package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateServices writes a Fastmail profile with calendars and
// contacts, which passes the shared checker, and checks the refusals of
// --services.
func TestGenerateServices(t *testing.T) {
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
	r := runCmd(t, envm, "generate", "--email", "someone@fastmail.com", "--type", "imap", "--services", "mail,calendar,contacts")
	if r.code != 0 {
		t.Fatalf("generate --services: exit %d: %s", r.code, r.stderr)
	}
	path := filepath.Join(t.TempDir(), "p.mobileconfig")
	if err := os.WriteFile(path, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	expect, _ := json.Marshal(map[string]any{"PayloadType": "com.apple.caldav.account", "CalDAVHostName": "caldav.fastmail.com",
		"CalDAVUsername": "someone@fastmail.com", "CalDAVUseSSL": true})
	sharedCheck(t, path, string(expect))
	r = runCmd(t, envm, "inspect", path)
	for _, want := range []string{"com.apple.mail.managed", "com.apple.caldav.account", "com.apple.carddav.account"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("inspect: exit %d, want %s in\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}

	r = runCmd(t, envm, "lookup", "someone@fastmail.com")
	for _, want := range []string{"  calendar  https://caldav.fastmail.com/, username someone@fastmail.com (--services calendar)",
		"  contacts  https://carddav.fastmail.com/, username someone@fastmail.com (--services contacts)"} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("lookup: exit %d, want %q in\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--email", "someone@fastmail.com", "--services", "mail,fax"},
			`--services: unknown service "fax": choose from mail, calendar and contacts`},
		{[]string{"--email", "someone@btinternet.com", "--services", "calendar"},
			"--services: BT Mail does not offer calendar beside its IMAP account: choose from mail"},
	} {
		r := runCmd(t, envm, append([]string{"generate"}, tt.args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("generate %q: exit %d, stderr %q; want an error saying %q and no profile", tt.args, r.code, r.stderr, tt.want)
		}
	}
}
