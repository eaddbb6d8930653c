package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/internal/timetest"
	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web/helpdesk"
)

// TestLongQueryNotEchoed: a page echoes only the parameters it knows,
// each within its bound, however long the query. A 40 KB query used to
// come back three times in the language links (a 127 KB page).
func TestLongQueryNotEchoed(t *testing.T) {
	s := newTestServer(t, nil)
	const size = 40 << 10
	long := strings.Repeat("x", size)
	many := strings.Repeat("email=a%40b.c&", size/len("email=a%40b.c&"))
	tests := []struct {
		name   string
		target string // the page without the long query
		query  string // what the long query adds
		status int
	}{
		{name: "unknown parameter on the form", target: "/?type=pop", query: "&junk=" + long, status: http.StatusOK},
		{name: "unknown parameter on the review page", target: "/setup?email=someone%40btinternet.com", query: "&junk=" + long, status: http.StatusOK},
		{name: "long address", target: "/setup?email=", query: long, status: http.StatusBadRequest},
		{name: "long name (95 KB encoded)", target: "/setup?email=someone%40btinternet.com&name=", query: url.QueryEscape(strings.Repeat("é ", size/3)), status: http.StatusBadRequest},
		{name: "long type", target: "/setup?email=someone%40btinternet.com&type=", query: long, status: http.StatusBadRequest},
		{name: "long device", target: "/setup?email=someone%40btinternet.com&device=", query: long, status: http.StatusBadRequest},
		{name: "long device on a download", target: "/profile?email=someone%40outlook.com&device=", query: long, status: http.StatusBadRequest},
		{name: "long language", target: "/?lang=", query: long, status: http.StatusOK},
		{name: "repeated address", target: "/?", query: many, status: http.StatusOK},
		{name: "download error page", target: "/profile?email=bad&type=", query: long, status: http.StatusBadRequest},
		{name: "not found page", target: "/nowhere?email=a", query: "&junk=" + long, status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			short := s.get(t, tt.target)
			rec := s.get(t, tt.target+tt.query)
			if rec.Code != tt.status {
				t.Fatalf("GET %s…: status %d, want %d", tt.target, rec.Code, tt.status)
			}
			t.Logf("GET %s + %d bytes: %d bytes (%d without)", tt.target, len(tt.query), rec.Body.Len(), short.Body.Len())
			// The long value, or a value just over its bound, may cost
			// its error message and a few kilobytes; never the query again.
			if grew := rec.Body.Len() - short.Body.Len(); grew > 4<<10 {
				t.Errorf("GET %s + %d bytes: page %d bytes, %d more than without; want at most 4 KiB more", tt.target, len(tt.query), rec.Body.Len(), grew)
			}
		})
	}
}

// TestNearlyValidQueryEchoed: a value a little over its field's limit is
// still refilled, so that the person can shorten it.
func TestNearlyValidQueryEchoed(t *testing.T) {
	s := newTestServer(t, nil)
	name := strings.Repeat("x", 101)
	rec := s.get(t, "/setup?email=someone%40btinternet.com&type=pop&name="+name)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", rec.Code)
	}
	mustContain(t, "form", rec.Body.String(),
		`value="`+name+`"`, "The name is 101 characters long; the limit is 100.",
		`href="/setup?email=someone%40btinternet.com&amp;lang=de&amp;name=`+name+`&amp;type=pop"`)
}

// TestLongQueryNotEchoedOnAdmin: the helpdesk's links to the next page
// carry the search as the search fields show it (trimmed, bounded), not
// the raw query.
func TestLongQueryNotEchoedOnAdmin(t *testing.T) {
	st := openStore(t, store.SQLite)
	addAgent(t, st)
	links := make([]store.Link, helpdesk.LinksPerPage+1)
	for i := range links {
		_, hash, err := store.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		links[i] = store.Link{TokenHash: hash, Email: fmt.Sprintf("user%d@btinternet.com", i), Type: "imap", CreatedBy: testAgent,
			CreatedAt: timetest.Fixed(), ExpiresAt: timetest.Fixed().Add(time.Hour), MaxDownloads: 1}
	}
	if _, err := st.CreateLinks(context.Background(), links); err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, withHelpdesk(st))
	b := newClient(t, s)
	b.signIn(testAgent, testPasswd)
	pad := url.QueryEscape(strings.Repeat(" ", 40<<10))
	short := b.get("/admin?q=btinternet&agent=" + testAgent)
	rec := b.get("/admin?q=btinternet" + pad + "&agent=" + pad + testAgent + pad)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `href="/admin?agent=alice&amp;page=2&amp;q=btinternet"`) {
		t.Fatalf("status %d, want 200 and a link to page 2", rec.Code)
	}
	t.Logf("GET /admin with 80 KB of white space in the search: %d bytes (%d without)", rec.Body.Len(), short.Body.Len())
	if rec.Body.Len() != short.Body.Len() {
		t.Errorf("GET /admin with 80 KB of white space in the search: page %d bytes, want %d as without", rec.Body.Len(), short.Body.Len())
	}
}
