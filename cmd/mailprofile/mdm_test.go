package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"howett.net/plist"
)

func TestMDMCommand(t *testing.T) {
	data := t.TempDir()
	envm := map[string]string{"MAILPROFILE_DATA_DIR": data}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  []string
		wantErr  string
	}{
		{name: "Jamf Pro", args: []string{"mdm", "--vendor", "jamf-pro", "--domain", "btinternet.com", "--type", "imap"},
			wantOut: []string{"<string>$EMAIL</string>", "<string>$FULLNAME</string>", "<string>local.mailprofile.mdm.jamf-pro.btinternet.com.imap</string>"}},
		{name: "Intune", args: []string{"mdm", "--vendor", "intune", "--domain", "BTinternet.com", "--type", "imap"},
			wantOut: []string{"<key>IncomingMailServerUsername</key>\n<string>{{mail}}</string>"}},
		{name: "generic", args: []string{"mdm", "--vendor", "generic", "--address-variable", "%mail%", "--local-part-variable", "%uid%", "--domain", "web.de", "--type", "pop"},
			wantOut: []string{"<key>IncomingMailServerUsername</key>\n<string>%uid%</string>", "<string>%mail%</string>"}},
		{name: "no local part on Jamf Pro", args: []string{"mdm", "--vendor", "jamf-pro", "--domain", "web.de", "--type", "imap"}, wantCode: 1,
			wantErr: "Jamf Pro cannot fill IncomingMailServerUsername: WEB.DE signs in with the part of the address before the @, and Jamf Pro has no variable for it"},
		{name: "no vendor", args: []string{"mdm", "--domain", "btinternet.com", "--type", "imap"}, wantCode: 2, wantErr: "--vendor ($MAILPROFILE_VENDOR): is required: jamf-pro,"},
		{name: "no type", args: []string{"mdm", "--vendor", "kandji", "--domain", "btinternet.com"}, wantCode: 2, wantErr: "--type ($MAILPROFILE_TYPE): is required"},
		{name: "unknown vendor", args: []string{"mdm", "--vendor", "jamf", "--domain", "btinternet.com", "--type", "imap"}, wantCode: 1, wantErr: `--vendor: unknown vendor "jamf"`},
		{name: "generic without variable", args: []string{"mdm", "--vendor", "generic", "--domain", "btinternet.com", "--type", "imap"}, wantCode: 1, wantErr: "--address-variable: the generic vendor needs"},
		{name: "variables for another vendor", args: []string{"mdm", "--vendor", "kandji", "--address-variable", "$X", "--domain", "btinternet.com", "--type", "imap"}, wantCode: 2, wantErr: "are for --vendor generic only"},
		{name: "unknown domain", args: []string{"mdm", "--vendor", "kandji", "--domain", "nowhere.example", "--type", "imap"}, wantCode: 1, wantErr: "nowhere.example is neither in the built-in catalog nor in --providers"},
		{name: "kind the provider lacks", args: []string{"mdm", "--vendor", "kandji", "--domain", "btinternet.com", "--type", "exchange"}, wantCode: 1, wantErr: "BT Mail"},
		{name: "markup in a variable", args: []string{"mdm", "--vendor", "generic", "--address-variable", "<x>", "--domain", "btinternet.com", "--type", "imap"}, wantCode: 1, wantErr: "cannot stand in a profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, envm, tt.args...)
			if r.code != tt.wantCode || !strings.Contains(r.stderr, tt.wantErr) {
				t.Fatalf("mailprofile %s: exit %d, stderr %q; want %d and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.wantCode, tt.wantErr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("output lacks %q:\n%s", w, r.stdout)
				}
			}
			if r.code == 0 {
				var m map[string]any
				if _, err := plist.Unmarshal([]byte(r.stdout), &m); err != nil {
					t.Errorf("the template is no plist: %v", err)
				}
			}
		})
	}
	// -o writes the same bytes to a file; the identifiers are the data
	// folder's, so a second run gives the same template.
	out := filepath.Join(t.TempDir(), "t.mobileconfig")
	if r := runCmd(t, envm, "mdm", "--vendor", "jamf-pro", "--domain", "btinternet.com", "--type", "imap", "-o", out); r.code != 0 {
		t.Fatalf("mdm -o: exit %d: %s", r.code, r.stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if again := runCmd(t, envm, "mdm", "--vendor", "jamf-pro", "--domain", "btinternet.com", "--type", "imap"); again.stdout != string(got) {
		t.Error("two runs give two templates")
	}
}

func TestDDMCommand(t *testing.T) {
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
	const cred = "https://mdm.example.com/credential"
	r := runCmd(t, envm, "ddm", "--domain", "btinternet.com", "--type", "imap", "--credential-url", cred)
	if r.code != 0 {
		t.Fatalf("ddm: exit %d: %s", r.code, r.stderr)
	}
	var set []struct{ Type, Identifier, ServerToken string }
	if err := json.Unmarshal([]byte(r.stdout), &set); err != nil || len(set) != 3 {
		t.Fatalf("ddm printed %d declarations, %v:\n%s", len(set), err, r.stdout)
	}
	if set[0].Identifier != "local.mailprofile.ddm.btinternet.com.imap.account" || set[0].Type != "com.apple.configuration.account.mail" {
		t.Errorf("first declaration %+v", set[0])
	}

	dir := filepath.Join(t.TempDir(), "decl")
	if r := runCmd(t, envm, "ddm", "--domain", "btinternet.com", "--type", "imap", "--credential-url", cred, "-o", dir); r.code != 0 {
		t.Fatalf("ddm -o DIR: exit %d: %s", r.code, r.stderr)
	}
	for _, d := range set {
		b, err := os.ReadFile(filepath.Join(dir, d.Identifier+".json"))
		if err != nil || !strings.Contains(string(b), d.ServerToken) {
			t.Errorf("%s.json: %v %s", d.Identifier, err, b)
		}
	}
	file := filepath.Join(t.TempDir(), "set.json")
	if r := runCmd(t, envm, "ddm", "--domain", "gmail.com", "--type", "google", "-o", file); r.code != 0 {
		t.Fatalf("ddm -o FILE.json: exit %d: %s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "com.apple.configuration.account.google") {
		t.Errorf("set.json: %v %s", err, b)
	}

	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"ddm", "--domain", "btinternet.com", "--type", "pop"}, "--credential-url: the account signs in with a password"},
		{[]string{"ddm", "--domain", "btinternet.com", "--type", "pop", "--credential-url", "https://u:secret@x.example/c"}, "--credential-url: want an https URL without user or fragment"},
		{[]string{"ddm", "--domain", "nowhere.example", "--type", "imap"}, "neither in the built-in catalog"},
	} {
		r := runCmd(t, envm, tt.args...)
		if r.code != 1 || !strings.Contains(r.stderr, tt.wantErr) || strings.Contains(r.stderr, "secret") {
			t.Errorf("mailprofile %s: exit %d, stderr %q; want 1 and %q", strings.Join(tt.args, " "), r.code, r.stderr, tt.wantErr)
		}
	}
}
