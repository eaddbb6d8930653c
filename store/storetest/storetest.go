// Package storetest gives tests a fresh PostgreSQL database on the server
// that scripts/test starts. It does not import store, so the store's own
// tests use it too.
package storetest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create test databases
)

// EnvDatabaseURL names the PostgreSQL server the tests use: a superuser
// URL, set by scripts/test, under which each test creates its own
// database.
const EnvDatabaseURL = "MAILPROFILE_TEST_DATABASE_URL"

// AdminURL returns the test server's URL, or skips the test when there is
// none; on CI, where there must be one, it fails the test instead.
func AdminURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvDatabaseURL)
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(EnvDatabaseURL + " not set on CI: .ci/run must start PostgreSQL (see scripts/test)")
		}
		t.Skip(EnvDatabaseURL + " not set: run scripts/test, which starts PostgreSQL")
	}
	return u
}

// NewDatabase creates a database with a random name on the test server,
// drops it when the test ends, and returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL(t)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("sql.Open(%s) = %v", EnvDatabaseURL, err)
	}
	t.Cleanup(func() { db.Close() })
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
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
		t.Fatalf("url.Parse(%s) = %v", EnvDatabaseURL, err)
	}
	u.Path = "/" + name
	return u.String()
}
