package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailprofile/mailprofile/store"
)

func TestUserCommands(t *testing.T) {
	data := t.TempDir()
	envm := map[string]string{"MAILPROFILE_DATA_DIR": data}
	const pw = "a long enough password\n"
	steps := []struct {
		args  []string
		input string
		code  int
		want  string
	}{
		{[]string{"user", "add", "alice"}, pw, 0, "added alice"},
		{[]string{"user", "add", "bob", "--data-dir", data}, pw, 0, "added bob"}, // flags after the name
		{[]string{"user", "add", "alice"}, pw, 1, `the helpdesk account "alice" exists already`},
		{[]string{"user", "add", "carol"}, "short\n", 1, "at least 12"},
		{[]string{"user", "add", "carol"}, "", 1, "no password on standard input"},
		{[]string{"user", "add", "bad\x01name"}, pw, 1, "user name"},
		{[]string{"user", "list"}, "", 0, "alice"},
		{[]string{"user", "passwd", "alice"}, "another long password\n", 0, "changed the password of alice"},
		{[]string{"user", "passwd", "nobody"}, pw, 1, `no helpdesk account "nobody"`},
		{[]string{"user", "remove", "bob"}, "", 0, "removed bob"},
		{[]string{"user", "remove", "bob"}, "", 1, `no helpdesk account "bob"`},
		{[]string{"user", "frob"}, "", 2, `unknown user command "frob"`},
		{[]string{"user"}, "", 2, "usage:"},
	}
	for _, st := range steps {
		r := runCmdInput(t, envm, st.input, st.args...)
		if r.code != st.code || !strings.Contains(r.stdout+r.stderr, st.want) {
			t.Errorf("%q: exit %d, output %q; want %d and %q", st.args, r.code, r.stdout+r.stderr, st.code, st.want)
		}
	}
	r := runCmd(t, envm, "user", "list")
	if strings.Contains(r.stdout, "bob") || !strings.Contains(r.stdout, "never") {
		t.Errorf("user list after remove:\n%s", r.stdout)
	}
	// The stored hash checks against the new password, not the old one.
	st, err := store.Open(context.Background(), "", filepath.Join(data, databaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.User(context.Background(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := store.CheckPassword(u.PasswordHash, "another long password"); !ok {
		t.Error("new password does not check")
	}
	if ok, _ := store.CheckPassword(u.PasswordHash, strings.TrimSpace(pw)); ok {
		t.Error("old password still checks")
	}
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Errorf("hash %q is not argon2id", u.PasswordHash)
	}
}

// TestServeWithDatabaseDown starts serve against a PostgreSQL address where
// nothing listens: the public pages work and the helpdesk answers 503.
func TestServeWithDatabaseDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	s := startServer(t, t.TempDir(), "--database-url", "postgres://mailprofile@"+addr+"/mailprofile?sslmode=disable&connect_timeout=1")
	for path, want := range map[string]int{"/": 200, "/profile?email=someone%40btinternet.com": 200, "/readyz": 200, "/admin/login": 503, "/l/aaaaaaaaaaaaaaaaaaaaaa": 503} {
		resp, err := http.Get(s.base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s: %d, want %d\n%s", path, resp.StatusCode, want, body)
		}
	}
	if logs := s.logs.all(); !strings.Contains(logs, "helpdesk database unreachable") || strings.Contains(logs, "password") {
		t.Errorf("logs:\n%s", logs)
	}
}
