package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeAccessLines: the real server, its log buffered as by default,
// writes one access line per request, each with the request's ID, status
// and size, whether the answer came before Echo (a download, the form, a
// health check) or through it (an error, a page Echo routes), in both
// formats.
func TestServeAccessLines(t *testing.T) {
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			s := startServer(t, filepath.Join(t.TempDir(), "data"), "--log-flush", "50ms", "--log-format", format)
			paths := []string{
				"/profile?email=someone%40btinternet.com&type=imap", // first download, before Echo
				"/profile?email=someone%40btinternet.com&type=imap", // repeat, from the cache
				"/",        // the form
				"/healthz", // health
				"/profile?email=x%0D%0A%40btinternet.com", // a 400, through Echo
				"/no-such-page", // a 404
			}
			for _, p := range paths {
				resp, body := s.get(t, p)
				id := resp.Header.Get("X-Request-Id")
				line := waitLogLine(t, s, id)
				want := map[string]any{"msg": "request", "level": "INFO", "method": "GET",
					"status": float64(resp.StatusCode), "bytes": float64(len(body)), "remote_ip": "127.0.0.1", "request_id": id}
				if path, _, _ := strings.Cut(p, "?"); path != "" {
					want["path"] = path
				}
				for k, v := range want {
					if line[k] != v {
						t.Errorf("GET %s: %s = %v, want %v (line %v)", p, k, line[k], v, line)
					}
				}
				if d, ok := line["duration_ms"].(float64); !ok || d < 0 {
					t.Errorf("GET %s: duration_ms = %v", p, line["duration_ms"])
				}
			}
		})
	}
}

// waitLogLine returns the access line with request ID id, as a map, once
// the buffered log has written it out.
func waitLogLine(t *testing.T, s *server, id string) map[string]any {
	t.Helper()
	for range 400 {
		for _, l := range strings.Split(s.logs.all(), "\n") {
			if !strings.Contains(l, id) {
				continue
			}
			if m, ok := parseLogLine(l); ok && m["msg"] == "request" {
				return m
			}
		}
		time.Sleep(25 * time.Millisecond) // the log is written every 50 ms
	}
	t.Fatalf("no access line with request ID %q in:\n%s", id, s.logs.all())
	return nil
}

// parseLogLine reads a JSON line, or a text line of key=value pairs
// (values without spaces or quotes, as access lines are), into a map
// whose numbers are float64, as encoding/json gives them.
func parseLogLine(l string) (map[string]any, bool) {
	m := map[string]any{}
	if strings.HasPrefix(l, "{") {
		return m, json.Unmarshal([]byte(l), &m) == nil
	}
	for _, f := range strings.Fields(l) {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, false
		}
		var n float64
		if err := json.Unmarshal([]byte(v), &n); err == nil {
			m[k] = n
		} else {
			m[k] = v
		}
	}
	return m, true
}
