package web

import (
	"net/http"
	"testing"

	"github.com/mailprofile/mailprofile/store"
)

// TestCodePage: /code is a public page in the visitor's language; a code
// that is not ten digits gets the one answer, by the field.
func TestCodePage(t *testing.T) {
	st := openStore(t, store.SQLite)
	s := newTestServer(t, withHelpdesk(st))
	rec := s.get(t, "/code", "Accept-Language", "fr-FR,fr")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /code: %d", rec.Code)
	}
	mustContain(t, "French /code", rec.Body.String(), `<html lang="fr">`, "Saisissez le code de votre assistance", `inputmode="numeric"`, `autocomplete="one-time-code"`)
	b := newClient(t, s)
	res := b.post("/code?lang=de", map[string][]string{"code": {"<script>"}})
	if res.Code != http.StatusBadRequest {
		t.Errorf("a bad code: %d, want 400", res.Code)
	}
	mustContain(t, "German answer", res.Body.String(), `<html lang="de">`, "Dieser Code funktioniert nicht", `aria-invalid="true"`)
	// Without a helpdesk there are no codes, and no page to type one.
	if got := newTestServer(t, nil).get(t, "/code"); got.Code != http.StatusNotFound {
		t.Errorf("GET /code without a helpdesk: %d, want 404", got.Code)
	}
}
