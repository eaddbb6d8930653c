package provider

import (
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
)

var germanNotes = NoteTexts{See: "Siehe {url}", Visit: "Folgen Sie vorher {url}", PrefersOAuth: "{provider} bevorzugt OAuth."}

func TestNotesIn(t *testing.T) {
	servers := server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "password-cleartext") +
		server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "", "password-cleartext")
	oauth := server("incomingServer", "imap", "imap.example.com", "993", "SSL", "", "OAuth2", "password-cleartext") +
		server("outgoingServer", "smtp", "smtp.example.com", "465", "SSL", "", "password-cleartext")
	tests := []struct {
		name   string
		config string
		lang   string
		want   []string
	}{
		{"lang attribute", servers + `<enable visiturl="https://example.com/imap"><instruction>Turn IMAP on</instruction>` +
			`<instruction lang="de">Schalten Sie IMAP ein</instruction></enable>`, "de",
			[]string{"Schalten Sie IMAP ein. Siehe https://example.com/imap"}},
		{"xml:lang attribute", servers + `<enable><instruction>Turn IMAP on.</instruction>` +
			`<instruction xml:lang="fr">Activez IMAP.</instruction></enable>`, "fr", []string{"Activez IMAP."}},
		{"English fallback", servers + `<enable><instruction>Turn IMAP on.</instruction>` +
			`<instruction lang="fr">Activez IMAP.</instruction></enable>`, "de", []string{"Turn IMAP on."}},
		{"page only", servers + `<enable visiturl="https://example.com/imap"/>`, "de", []string{"Folgen Sie vorher https://example.com/imap"}},
		{"OAuth preferred", oauth, "de", []string{"Example bevorzugt OAuth."}},
		{"none", servers, "de", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := parseOne(t, config(`<displayName>Example</displayName>`+tt.config))
			s, err := p.Settings(profile.Address{Local: "fred", Domain: "example.com"}, profile.IMAP)
			if err != nil {
				t.Fatalf("Settings() error = %v", err)
			}
			got := s.NotesIn(tt.lang, germanNotes)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("NotesIn(%q) = %q, want %q", tt.lang, got, tt.want)
			}
			if en := s.NotesIn("en", EnglishNotes); strings.Join(en, "|") != strings.Join(s.Notes, "|") {
				t.Errorf("NotesIn(en) = %q, want Notes %q", en, s.Notes)
			}
		})
	}
}

// TestCatalogNotesTranslated: every built-in provider's instruction has a
// German and a French version.
func TestCatalogNotesTranslated(t *testing.T) {
	c := builtinCatalog(t)
	for _, p := range c.Providers() {
		if p.Enable == nil || len(p.Enable.Instructions) == 0 {
			continue
		}
		en := p.Enable.Text("en")
		for _, lang := range []string{"de", "fr"} {
			if got := p.Enable.Text(lang); got == en || got == "" {
				t.Errorf("%s: instruction in %s = %q, want a translation of %q", p.ID, lang, got, en)
			}
		}
	}
}
