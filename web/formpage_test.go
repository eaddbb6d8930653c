package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// TestFormPageShared checks that the form served from formPages is the
// page a fresh render gives, for each language and way of choosing it, in
// any order of requests: a server that saw only one request answers it
// as a server that saw them all, twice.
func TestFormPageShared(t *testing.T) {
	type req struct{ target, acceptLang string }
	reqs := []req{
		{"/", ""},
		{"/", "de-DE,de;q=0.9"},
		{"/", "fr"},
		{"/", "xx"},
		{"/?lang=de", ""},
		{"/?lang=de", "fr"},
		{"/?lang=fr", "de"},
		{"/?lang=en", "de"},
		{"/?lang=DE", ""},
		{"/?lang=zz", "fr"},
		{"/?email=someone%40example.org", "de"},
		{"/?email=other%40example.org&lang=fr", ""},
	}
	get := func(s testServer, r req) (int, http.Header, []byte) {
		rec := s.get(t, r.target, "Accept-Language", r.acceptLang)
		return rec.Code, withoutPerRequest(rec.Header()), rec.Body.Bytes()
	}
	all := newTestServer(t, nil)
	for range 2 {
		for _, r := range reqs {
			alone := newTestServer(t, nil)
			wantCode, wantHeader, want := get(alone, r) // a fresh render
			for i := range 2 {
				for _, s := range []testServer{alone, all} {
					code, header, got := get(s, r)
					if code != wantCode || !equalHeaders(header, wantHeader) || !bytes.Equal(got, want) {
						t.Fatalf("GET %s (Accept-Language %q), answer %d: %d %v\n%s\nwant the fresh render's %d %v\n%s",
							r.target, r.acceptLang, i, code, header, got, wantCode, wantHeader, want)
					}
				}
			}
		}
	}
	// The query still reaches the page where there is one.
	if body := all.get(t, "/?email=someone%40example.org").Body.String(); !strings.Contains(body, `value="someone@example.org"`) {
		t.Errorf("the form does not keep the address of its query")
	}
}
