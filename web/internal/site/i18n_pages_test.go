package site

import (
	"net/http"
	"testing"
)

func TestPageError(t *testing.T) {
	cat, err := LoadCatalog()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang   string
		status int
		msg    string
		want   FieldError
	}{
		{"de", http.StatusBadRequest, "This address is too long for a QR code.", FieldError{Text: "Diese Adresse ist zu lang für einen QR-Code."}},
		{"fr", http.StatusTooManyRequests, "Too many requests from your address. Please wait a moment and try again.",
			FieldError{Text: "Trop de requêtes depuis votre adresse. Patientez un instant, puis réessayez."}},
		{"de", http.StatusMethodNotAllowed, "Method Not Allowed", FieldError{Text: "Diese Seite lässt sich so nicht verwenden."}},
		{"en", http.StatusBadRequest, "This address is too long for a QR code.", FieldError{Text: "This address is too long for a QR code."}},
		// A message of someone else's keeps its English beside the lead.
		{"de", http.StatusBadRequest, "something unforeseen", FieldError{Text: "Die Anfrage konnte nicht ausgeführt werden.", Detail: "Something unforeseen."}},
	}
	for _, tt := range tests {
		if got := PageError(cat.ForLang(tt.lang), tt.status, tt.msg); got != tt.want {
			t.Errorf("PageError(%s, %d, %q) = %+v, want %+v", tt.lang, tt.status, tt.msg, got, tt.want)
		}
	}
}
