package discover

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// mirror is the operator's ISPDB mirror on loopback (plain HTTP, as on a
// private network): it has no documents and keeps every request's path
// and query, as the wire carried them.
type mirror struct {
	url  string // the --ispdb-url to configure
	mu   sync.Mutex
	reqs []string // escaped path, then "?" and the raw query if any
}

func newMirror(t testing.TB) *mirror {
	t.Helper()
	m := &mirror{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := r.URL.EscapedPath()
		if r.URL.RawQuery != "" || r.URL.ForceQuery {
			got += "?" + r.URL.RawQuery
		}
		m.mu.Lock()
		m.reqs = append(m.reqs, got)
		m.mu.Unlock()
		http.NotFound(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	m.url = "http://127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + "/ispdb/"
	return m
}

// requests returns every request so far.
func (m *mirror) requests() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.reqs...)
}

// count is how many requests asked for path.
func (m *mirror) count(path string) int {
	n := 0
	for _, r := range m.requests() {
		if r == path {
			n++
		}
	}
	return n
}
