package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create test databases
)

// testDatabaseURL names the PostgreSQL server the tests use: a superuser URL,
// set by scripts/test, under which each test creates its own database.
const testDatabaseURL = "MAILPROFILE_TEST_DATABASE_URL"

// t0 is the fixed "now" of the tests.
var t0 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func TestMain(m *testing.M) {
	argonParams = argonCost{memory: 64, time: 1, threads: 1} // keep the suite fast
	os.Exit(m.Run())
}

// eachDB runs fn once on a fresh SQLite store and once on a fresh PostgreSQL
// store, in parallel subtests named after the dialect.
func eachDB(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			fn(t, newStore(t, dialect))
		})
	}
}

// newStore opens a store on a new, empty database of the dialect and closes
// it when the test ends.
func newStore(t *testing.T, dialect string) *Store {
	t.Helper()
	var s *Store
	var err error
	if dialect == SQLite {
		s, err = Open(context.Background(), "", filepath.Join(t.TempDir(), "store.db"))
	} else {
		s, err = Open(context.Background(), newPostgresDB(t), "")
	}
	if err != nil {
		t.Fatalf("Open(%s) = %v", dialect, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// postgresAdmin returns the test server's URL, or skips the test when there
// is none (fails on CI, where there must be one).
func postgresAdmin(t *testing.T) string {
	t.Helper()
	u := os.Getenv(testDatabaseURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(testDatabaseURL + " not set on CI: .ci/run must start PostgreSQL (see scripts/test)")
		}
		t.Skip(testDatabaseURL + " not set: run scripts/test, which starts PostgreSQL")
	}
	return u
}

// newPostgresDB creates a database with a random name on the test server,
// drops it when the test ends, and returns its URL.
func newPostgresDB(t *testing.T) string {
	t.Helper()
	admin := postgresAdmin(t)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("sql.Open(%s) = %v", testDatabaseURL, err)
	}
	t.Cleanup(func() { db.Close() })
	b := make([]byte, 6)
	rand.Read(b)
	name := "mailprofile_test_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("CREATE DATABASE = %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("DROP DATABASE = %v", err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("url.Parse(%s) = %v", testDatabaseURL, err)
	}
	u.Path = "/" + name
	return u.String()
}
