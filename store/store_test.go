package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mailprofile/mailprofile/store/storetest"
)

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

// postgresAdmin and newPostgresDB are storetest's, under the names the
// tests use.
func postgresAdmin(t *testing.T) string { return storetest.AdminURL(t) }

func newPostgresDB(t *testing.T) string { return storetest.NewDatabase(t) }
