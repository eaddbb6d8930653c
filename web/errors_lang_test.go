package web

import (
	"html"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/profile"
	"github.com/mailprofile/mailprofile/web/internal/site"
)

// TestErrorPagesLanguage: error details are in the page's language, with
// no English beside them.
func TestErrorPagesLanguage(t *testing.T) {
	s := newTestServer(t, nil)
	limited := newTestServer(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 1 })
	limited.get(t, "/")
	tests := []struct {
		name, target, want string
	}{
		{"bad domain", "/setup?email=fred%40localhost&lang=de", `"localhost" ist kein vollständiger Domainname`},
		{"bad domain fr", "/setup?email=fred%40exa_mple.com&lang=fr", "n’est pas un nom de domaine valide"},
		{"bad name", "/setup?email=fred%40btinternet.com&name=" + strings.Repeat("x", 101) + "&lang=fr", "Le nom compte 101 caractères ; la limite est de 100."},
		{"long local part", "/profile?email=" + strings.Repeat("a", 65) + "%40btinternet.com&lang=de", "Der Teil vor dem @ ist 65 Zeichen lang"},
		{"rate limit", "/setup?email=fred%40btinternet.com&lang=de", "Zu viele Anfragen von Ihrer Adresse."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := s
			if tt.name == "rate limit" {
				srv = limited
			}
			body := html.UnescapeString(srv.get(t, tt.target).Body.String())
			if !strings.Contains(body, tt.want) {
				t.Errorf("GET %s: page lacks %q", tt.target, tt.want)
			}
			if strings.Contains(body, `<span lang="en">`) {
				t.Errorf("GET %s: page holds an English detail", tt.target)
			}
		})
	}
}

// TestNotInstallableLanguage: the refusal of a kind the device cannot
// install is in the visitor's language.
func TestNotInstallableLanguage(t *testing.T) {
	cat, err := site.LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang string
		err  *notInstallableError
		want string
	}{
		{"de", &notInstallableError{Kind: profile.Exchange, Device: device{Kind: deviceMac}, Provider: "Outlook.com", Option: "Outlook.com",
			Instead: []profile.Protocol{profile.IMAP}},
			"Fügen Sie Outlook.com unter Systemeinstellungen > Internetaccounts > Account hinzufügen > Outlook.com hinzu. Oder wählen Sie IMAP."},
		{"fr", &notInstallableError{Kind: profile.Exchange, Device: device{Kind: deviceIOS, IOS: 11}, Provider: "Microsoft 365", Option: "Microsoft Exchange"},
			"sous iOS 11 : il faut iOS 12 ou une version ultérieure. Ajoutez Microsoft 365 dans Réglages > Comptes et mots de passe > Ajouter un compte > Microsoft Exchange."},
	}
	for _, tt := range tests {
		got := site.LocalError(cat.ForLang(tt.lang), tt.err, tt.err.Error(), "type")
		if got.Detail != "" || !strings.Contains(got.Text, tt.want) {
			t.Errorf("LocalError(%s, %v) = %+v, want it to contain %q and no English", tt.lang, tt.err, got, tt.want)
		}
	}
}
