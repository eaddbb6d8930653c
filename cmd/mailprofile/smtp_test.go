package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSMTPFlags: the relay's settings are checked at start, their errors
// name the flag and never show the password, and the password comes from
// a file or the environment as well as the URL.
func TestSMTPFlags(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pwFile, []byte("from-the-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		wantErr  string
		wantPass string
	}{
		{name: "password in the URL", args: []string{"--smtp-url", "smtp://u:in-the-url@relay.example", "--smtp-from", "Helpdesk <h@example.com>"}, wantPass: "in-the-url"},
		{name: "password in a file", args: []string{"--smtp-url", "smtps://u@relay.example", "--smtp-password-file", pwFile, "--smtp-from", "h@example.com"}, wantPass: "from-the-file"},
		{name: "password in the environment", args: []string{"--smtp-url", "smtp://u@relay.example", "--smtp-from", "h@example.com"},
			env: map[string]string{envSMTPPassword: "from-the-env"}, wantPass: "from-the-env"},
		{name: "no From", args: []string{"--smtp-url", "smtp://u:in-the-url@relay.example"}, wantErr: "--smtp-from"},
		{name: "plain http", args: []string{"--smtp-url", "http://u:in-the-url@relay.example", "--smtp-from", "h@example.com"}, wantErr: "--smtp-url"},
		{name: "no host", args: []string{"--smtp-url", "smtp://u:in-the-url@", "--smtp-from", "h@example.com"}, wantErr: "no host"},
		{name: "From without the URL", args: []string{"--smtp-from", "h@example.com"}, wantErr: "needs --smtp-url"},
		{name: "a bad Reply-To", args: []string{"--smtp-url", "smtp://u:in-the-url@relay.example", "--smtp-from", "h@example.com", "--smtp-reply-to", "not an address"}, wantErr: "--smtp-reply-to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
			cfg, _, err := parseConfig("serve", tt.args, env, &bytes.Buffer{})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseConfig(%q) = %v, want an error naming %q", tt.args, err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "in-the-url") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			hc, err := smtpMail(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if hc.Mail.Mailer == nil || hc.Mail.From.Address == "" {
				t.Fatalf("smtpMail = %+v, want a mailer and a From", hc.Mail)
			}
			if got := mailerPassword(hc); got != tt.wantPass {
				t.Errorf("password = %q, want %q", got, tt.wantPass)
			}
		})
	}
}
