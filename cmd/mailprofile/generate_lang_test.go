package main

import (
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/signing"
)

// TestGenerateLang: generate --lang writes the texts the device shows in
// that language, with the identifiers of the English profile.
func TestGenerateLang(t *testing.T) {
	envm := map[string]string{"MAILPROFILE_DATA_DIR": t.TempDir()}
	summary := func(t *testing.T, args ...string) (*profile.Summary, string) {
		t.Helper()
		r := runCmd(t, envm, append([]string{"generate", "--email", "someone@btinternet.com"}, args...)...)
		if r.code != 0 {
			t.Fatalf("generate %q: exit %d: %s", args, r.code, r.stderr)
		}
		// generate signs at the machine's time, with a certificate it made then.
		v, err := signing.Verify([]byte(r.stdout), nil, timetest.Wall())
		if err != nil {
			t.Fatal(err)
		}
		s, err := profile.Parse(v.Content)
		if err != nil {
			t.Fatal(err)
		}
		return s, string(v.Content)
	}
	en, _ := summary(t)
	for _, tt := range []struct{ lang, want string }{
		{"de", "Richtet das E-Mail-Konto someone@btinternet.com"},
		{"fr", "Configure le compte de messagerie someone@btinternet.com"},
	} {
		got, doc := summary(t, "--lang", tt.lang)
		if !strings.Contains(doc, tt.want) {
			t.Errorf("generate --lang %s: profile lacks %q:\n%s", tt.lang, tt.want, doc)
		}
		if got.Identifier != en.Identifier || got.UUID != en.UUID || got.Payloads[0].UUID != en.Payloads[0].UUID {
			t.Errorf("generate --lang %s: identifiers %s %s, want the English profile's %s %s", tt.lang, got.Identifier, got.UUID, en.Identifier, en.UUID)
		}
	}
	r := runCmd(t, envm, "generate", "--email", "someone@btinternet.com", "--lang", "xx")
	if r.code == 0 || !strings.Contains(r.stderr, `--lang: unknown language "xx": choose en, de, fr`) {
		t.Errorf("generate --lang xx: exit %d, stderr %q, want an error naming the languages", r.code, r.stderr)
	}
}
