package main

import (
	"strings"
	"testing"

	"howett.net/plist"

	"github.com/mailprofile/mailprofile/internal/nametest"
)

// TestGenerateName: generate --name makes of a name what the web pages
// make of it (nametest.Cases): trimmed, none when only white space, and
// line separators and U+FEFF refused with the message of the other
// control characters.
func TestGenerateName(t *testing.T) {
	for _, tt := range nametest.Cases {
		t.Run(tt.Name, func(t *testing.T) {
			r := runCmd(t, map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()},
				"generate", "--unsigned", "--email", "someone@btinternet.com", "--name", tt.In)
			if tt.WantErr != "" {
				if want := "--name: " + tt.WantErr; r.code != 1 || !strings.Contains(r.stderr, want) || r.stdout != "" {
					t.Errorf("generate --name %q: exit %d, stderr %q; want exit 1 and %q", tt.In, r.code, r.stderr, want)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("generate --name %q: exit %d: %s", tt.In, r.code, r.stderr)
			}
			var doc struct {
				PayloadContent []struct{ EmailAccountName *string }
			}
			if _, err := plist.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.PayloadContent) != 1 {
				t.Fatalf("generate --name %q: %v", tt.In, err)
			}
			got, ok := "", doc.PayloadContent[0].EmailAccountName != nil
			if ok {
				got = *doc.PayloadContent[0].EmailAccountName
			}
			if ok != (tt.Want != "") || got != tt.Want {
				t.Errorf("generate --name %q: EmailAccountName %q (present: %v), want %q", tt.In, got, ok, tt.Want)
			}
		})
	}
}
