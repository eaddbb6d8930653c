package web

import (
	"html"
	"strings"
	"testing"
)

// TestNotesLanguage: a provider's note on the review page is in the
// page's language, the provider's link kept.
func TestNotesLanguage(t *testing.T) {
	s := newTestServer(t, nil)
	tests := []struct {
		target string
		header []string
		want   string
	}{
		{"/setup?email=someone%40gmail.com&type=imap&lang=de", nil,
			"Gmail nimmt bei diesem Profil nur ein App-Passwort an: Aktivieren Sie die Bestätigung in zwei Schritten"},
		{"/setup?email=someone%40gmail.com&type=imap", []string{"Accept-Language", "fr"},
			"Gmail n’accepte qu’un mot de passe d’application avec ce profil"},
		{"/setup?email=someone%40gmail.com&type=imap&lang=de", nil, `Mehr dazu: <a class="url" href="https://myaccount.google.com/apppasswords">`},
		{"/setup?email=someone%40yandex.ru&type=imap&lang=fr", nil, "Activez l’accès IMAP dans Yandex Mail"},
		{"/setup?email=someone%40gmail.com&type=imap&lang=en", nil,
			"Gmail accepts only an app password from this profile"},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			rec := s.get(t, tt.target, append([]string{"User-Agent", uaMacSafari}, tt.header...)...)
			if body := html.UnescapeString(rec.Body.String()); rec.Code != 200 || !strings.Contains(body, tt.want) {
				t.Errorf("GET %s: status %d, page lacks %q", tt.target, rec.Code, tt.want)
			}
		})
	}
}
