package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// badURLs are --database-url values whose password holds "hunter2" and
// "tailpiece", most of them malformed the ways a password with an @, /,
// ?, # or % that is not percent-encoded makes them. Nothing listens on
// 127.0.0.1:1, so the well-formed ones fail too, on connecting.
var badURLs = []string{
	"postgres://app:hunter2@tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2/tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2@tail/piece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2@tail:piece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2@tailpiece@127.0.0.1:99999/db",
	"postgres://app:12/hunter2tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgresql://app:hunter2?tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2#tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2%zztailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2%40tailpiece@127.0.0.1:1/db?connect_timeout=1&sslmode=bogus",
	"postgres://app:hunter2 tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app:hunter2tailpiece@[::1/db",
	"postgres://app:hunter2tailpiece@127.0.0.1:1/db?connect_timeout=1",
	"postgres://app@127.0.0.1:1/db?password=hunter2tailpiece&sslmode=bogus",
	"postgres://app@127.0.0.1:1/db?connect_timeout=1&password=hunter2%40tailpiece",
	"postgres://app@127.0.0.1:1/db?connect_timeout=1&sslpassword=hunter2tailpiece&sslmode=require&sslkey=/nonexistent",
	"mysql://app:12/hunter2tailpiece@host/db",
	"host=127.0.0.1 password=hunter2tailpiece",
}

// secretParts are the pieces of the passwords in badURLs: no error may
// show any of them.
var secretParts = []string{"hunter2", "tailpiece", "tail", "piece"}

func TestOpenNeverShowsPassword(t *testing.T) {
	for _, u := range badURLs {
		s, err := Open(context.Background(), u, "")
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) = nil error, want one", u)
			continue
		}
		for _, p := range secretParts {
			if strings.Contains(err.Error(), p) {
				t.Errorf("Open(%q) = %q, shows %q of the password", u, err, p)
			}
		}
		if !strings.Contains(err.Error(), "--database-url") && !errors.Is(err, ErrUnavailable) {
			t.Errorf("Open(%q) = %q, does not name --database-url", u, err)
		}
	}
}

func TestParsePostgresURL(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		wantPublic  string
		wantSecrets []string
		wantErr     string
	}{
		{name: "no password", in: "postgres://app@db.internal/mp?sslmode=verify-full", wantPublic: "postgres://app@db.internal/mp?sslmode=verify-full"},
		{name: "no user", in: "postgresql://db.internal:5433/mp", wantPublic: "postgresql://db.internal:5433/mp"},
		{name: "password", in: "postgres://app:s3cret@db/mp", wantPublic: "postgres://app:xxxxx@db/mp", wantSecrets: []string{"s3cret"}},
		{name: "encoded @ and /", in: "postgres://app:a%40b%2Fc@db/mp", wantPublic: "postgres://app:xxxxx@db/mp", wantSecrets: []string{"a%40b%2Fc", "a@b/c"}},
		{name: "? and # in the password", in: "postgres://app:a?b#c@db/mp?x=1", wantPublic: "postgres://app:xxxxx@db/mp?x=1", wantSecrets: []string{"a?b#c"}},
		{name: "password parameter", in: "postgres://app@db/mp?sslmode=require&password=p%2Bw&Password=x", wantPublic: "postgres://app@db/mp?sslmode=require&password=xxxxx&Password=x", wantSecrets: []string{"p%2Bw", "p+w"}},
		{name: "encoded key", in: "postgres://db/mp?pass%77ord=pw&sslpassword=kp", wantPublic: "postgres://db/mp?pass%77ord=xxxxx&sslpassword=xxxxx", wantSecrets: []string{"pw", "kp"}},
		{name: "two @", in: "postgres://app:a@b@db/mp", wantErr: "postgres://xxxxx@…: write an @ or / in the user name"},
		{name: "@ after /", in: "postgres://app:a/b@db/mp", wantErr: "postgres://xxxxx@…"},
		{name: "@ in a parameter", in: "postgres://db/mp?application_name=a@b", wantErr: "postgres://xxxxx@…"},
		{name: "other scheme", in: "mysql://app:pw@db/mp", wantErr: "must start with postgres://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePostgresURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parsePostgresURL(%q) = %+v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			secrets := slices.Compact(got.secrets)
			if err != nil || got.public != tt.wantPublic || !slices.Equal(secrets, tt.wantSecrets) {
				t.Errorf("parsePostgresURL(%q) = %q %q, %v; want %q %q", tt.in, got.public, secrets, err, tt.wantPublic, tt.wantSecrets)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	err := redact(errors.New("user=app password=ab abc"), "ab", "abc", "")
	if got, want := err.Error(), "user=app password=xxxxx xxxxx"; got != want {
		t.Errorf("redact() = %q, want %q", got, want)
	}
}
