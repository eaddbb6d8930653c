package main

import (
	"strings"
	"testing"

	"howett.net/plist"
)

// TestGenerateName: generate --name makes of a name what the web pages
// make of it (web/name_test.go): trimmed, none when only white space, and
// line separators and U+FEFF refused with the message of the other
// control characters.
func TestGenerateName(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr string
	}{
		{name: "spaces around", in: "  Ann  ", want: "Ann"},
		{name: "tab and ideographic space around", in: "\tAnn\u3000", want: "Ann"},
		{name: "only spaces", in: "   ", want: ""},
		{name: "line separator", in: "Ann\u2028", wantErr: "--name: the name contains a control character or line break"},
		{name: "paragraph separator", in: "\u2029", wantErr: "--name: the name contains a control character or line break"},
		{name: "BOM", in: "\ufeffAnn", wantErr: "--name: the name contains a control character or line break"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()},
				"generate", "--unsigned", "--email", "someone@btinternet.com", "--name", tt.in)
			if tt.wantErr != "" {
				if r.code != 1 || !strings.Contains(r.stderr, tt.wantErr) || r.stdout != "" {
					t.Errorf("generate --name %q: exit %d, stderr %q; want exit 1 and %q", tt.in, r.code, r.stderr, tt.wantErr)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("generate --name %q: exit %d: %s", tt.in, r.code, r.stderr)
			}
			var doc struct {
				PayloadContent []struct{ EmailAccountName *string }
			}
			if _, err := plist.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.PayloadContent) != 1 {
				t.Fatalf("generate --name %q: %v", tt.in, err)
			}
			got, ok := "", doc.PayloadContent[0].EmailAccountName != nil
			if ok {
				got = *doc.PayloadContent[0].EmailAccountName
			}
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("generate --name %q: EmailAccountName %q (present: %v), want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}
