package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateAccounts writes, without --type, the profile /profile gives
// each device: Exchange for Outlook.com and Microsoft 365 and Google for
// Gmail on iPhone, IMAP with an app password for Gmail on a Mac; each
// signed one passes the shared checker key by key.
func TestGenerateAccounts(t *testing.T) {
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
	tests := []struct {
		email, device string
		expect        map[string]any
	}{
		{"someone@outlook.com", "ios", map[string]any{"PayloadType": "com.apple.eas.account", "Host": "outlook.office365.com",
			"OAuth": true, "SSL": true, "EmailAddress": "someone@outlook.com", "UserName": "someone@outlook.com"}},
		{"someone@onmicrosoft.com", "ios", map[string]any{"PayloadType": "com.apple.eas.account", "Host": "outlook.office365.com", "OAuth": true}},
		{"someone@gmail.com", "ios", map[string]any{"PayloadType": "com.apple.google-oauth", "EmailAddress": "someone@gmail.com"}},
		{"someone@gmail.com", "macos", map[string]any{"PayloadType": "com.apple.mail.managed", "EmailAccountType": "EmailTypeIMAP",
			"IncomingMailServerHostName": "imap.gmail.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.email+" "+tt.device, func(t *testing.T) {
			r := runCmd(t, envm, "generate", "--email", tt.email, "--device", tt.device)
			if r.code != 0 {
				t.Fatalf("generate: exit %d: %s", r.code, r.stderr)
			}
			path := filepath.Join(t.TempDir(), "p.mobileconfig")
			if err := os.WriteFile(path, []byte(r.stdout), 0o600); err != nil {
				t.Fatal(err)
			}
			expect, _ := json.Marshal(tt.expect)
			sharedCheck(t, path, string(expect))
			r = runCmd(t, envm, "inspect", path)
			if r.code != 0 || !strings.Contains(r.stdout, tt.expect["PayloadType"].(string)) || !strings.Contains(r.stdout, "account:   ") {
				t.Errorf("inspect: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestLookupAccounts(t *testing.T) {
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
	r := runCmd(t, envm, "lookup", "someone@outlook.com")
	if r.code != 0 {
		t.Fatalf("lookup: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"imap:      not available: Outlook.com accepts only OAuth sign-in for IMAP",
		"exchange:  Outlook.com (from the built-in catalog (outlook.com.xml)",
		"exchange  outlook.office365.com:443 SSL/TLS, OAuth, username someone@outlook.com (iPhone and iPad only)", "preferred: exchange"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lookup output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCmd(t, envm, "lookup", "--json", "someone@gmail.com")
	var got struct {
		Preferred []string
		Results   []lookupResult
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("lookup --json: %v\n%s", err, r.stdout)
	}
	if strings.Join(got.Preferred, ",") != "google,imap,pop" || len(got.Results) != 4 || got.Results[3].Type != "google" ||
		got.Results[3].Error != "" || got.Results[3].Incoming != nil || got.Results[2].Error == "" {
		t.Errorf("lookup --json = %+v", got)
	}
}
