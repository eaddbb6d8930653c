package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// leakyDatabaseURLs hold the password pieces "hunter2" and "tailpiece";
// nothing listens on 127.0.0.1:1.
var leakyDatabaseURLs = []string{
	"postgres://app:hunter2@tailpiece@127.0.0.1:1/db?connect_timeout=1", // an @ in the password
	"postgres://app:hunter2/tail@piece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:12/hunter2tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2@tailpiece@127.0.0.1:99999/db",
	"postgres://app:hunter2%zztailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app@127.0.0.1:1/db?password=hunter2tailpiece&sslmode=bogus",
	"postgres://app:hunter2tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"mysql://app:12/hunter2tailpiece@host/db",
	"host=127.0.0.1 password=hunter2tailpiece",
}

// noPassword fails t when out shows a piece of the passwords above.
func noPassword(t *testing.T, what, out string) {
	t.Helper()
	for _, p := range []string{"hunter2", "tailpiece", "tail", "piece"} {
		if strings.Contains(out, p) {
			t.Errorf("%s shows %q of the password:\n%s", what, p, out)
		}
	}
}

// TestDatabaseURLPasswordNeverShown runs the real binary with each URL:
// `user list` fails at once, serve refuses to start or logs the database
// as unreachable, and no output holds any piece of the password.
func TestDatabaseURLPasswordNeverShown(t *testing.T) {
	bin := buildBinary(t)
	for _, u := range leakyDatabaseURLs {
		cmd := exec.Command(bin, "user", "list", "--data-dir", t.TempDir())
		cmd.Env = binEnv("MAILPROFILE_DATABASE_URL=" + u)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "database-url") && !strings.Contains(string(out), "unavailable") {
			t.Errorf("user list with --database-url %q: %v, want a failure naming the database:\n%s", u, err, out)
		}
		noPassword(t, "user list with --database-url "+u, string(out))
	}

	// Refused at start. The old binary took the URL for an unreachable
	// database and kept serving: the deadline ends it then.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--database-url", leakyDatabaseURLs[0]).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "%40") {
		t.Errorf("serve with an @ in the database password: %v, want it refused with how to write the @:\n%s", err, out)
	}
	noPassword(t, "serve", string(out))

	// Well formed: serve starts and logs the database as unreachable.
	s := startServer(t, t.TempDir(), "--database-url", "postgres://app:hunter2tailpiece@127.0.0.1:1/db?connect_timeout=1&sslmode=disable")
	logs := s.logs.all()
	if !strings.Contains(logs, "helpdesk database unreachable") {
		t.Errorf("serve logs no unreachable database:\n%s", logs)
	}
	noPassword(t, "serve's log", logs)
}
