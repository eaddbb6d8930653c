package store

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestOpenTwiceKeepsData(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dbURL, path := "", filepath.Join(t.TempDir(), "store.db")
			if dialect == Postgres {
				dbURL = newPostgresDB(t)
			}
			ctx := context.Background()
			s, err := Open(ctx, dbURL, path)
			if err != nil {
				t.Fatalf("Open() = %v", err)
			}
			if err := s.CreateUser(ctx, "alice", "hash", t0); err != nil {
				t.Fatalf("CreateUser() = %v", err)
			}
			s.Close()

			s, err = Open(ctx, dbURL, path)
			if err != nil {
				t.Fatalf("second Open() = %v", err)
			}
			defer s.Close()
			if got := s.Dialect(); got != dialect {
				t.Errorf("Dialect() = %q, want %q", got, dialect)
			}
			if _, err := s.User(ctx, "alice"); err != nil {
				t.Errorf("User() after reopening = %v, want the user", err)
			}
			ms, err := loadMigrations(dialect)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			if err := s.db.QueryRow("SELECT COUNT(*) FROM schema_migrations").Scan(&n); err != nil {
				t.Fatalf("count schema_migrations: %v", err)
			}
			if n != len(ms) {
				t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
			}
		})
	}
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := loadMigrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones: every change needs both", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].name != pg[i].name {
			t.Errorf("migration %d is %q on SQLite, %q on PostgreSQL", i, lite[i].name, pg[i].name)
		}
	}
}

func TestSQLiteFileIsPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := Open(context.Background(), "", path)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	defer s.Close()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := fi.Mode().Perm(); mode != 0o600 {
		t.Errorf("database file mode = %v, want 0600", mode)
	}
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v, want wal", mode, err)
	}
	var fk int
	if err := s.rdb.QueryRow("PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys on the read pool = %d, %v, want 1", fk, err)
	}
}

func TestSQLitePathWithQuestionMark(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd ?name#.db")
	s, err := Open(context.Background(), "", path)
	if err != nil {
		t.Fatalf("Open(%q) = %v", path, err)
	}
	s.Close()
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at %q: %v", path, err)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name        string
		databaseURL string
		sqlitePath  string
		want        string // in the message
		unavailable bool
	}{
		{name: "unknown scheme", databaseURL: "mysql://u:sekrit-pw@db/x", want: "--database-url"},
		{name: "not a URL", databaseURL: "postgres://u:sekrit-pw@[::1/x", want: "--database-url"},
		{name: "nothing listening", databaseURL: "postgres://u:sekrit-pw@127.0.0.1:1/x?connect_timeout=2&sslmode=disable", want: "unavailable", unavailable: true},
		{name: "sqlite folder missing", sqlitePath: "/nonexistent/folder/store.db", want: "/nonexistent/folder/store.db"},
		{name: "no sqlite path", want: "--database-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(context.Background(), tt.databaseURL, tt.sqlitePath)
			if err == nil {
				s.Close()
				t.Fatalf("Open(%q, %q) = nil error, want one", tt.databaseURL, tt.sqlitePath)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open() = %v, want a message with %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "sekrit-pw") {
				t.Errorf("Open() = %v, shows the password", err)
			}
			if got := errors.Is(err, ErrUnavailable); got != tt.unavailable {
				t.Errorf("errors.Is(Open(), ErrUnavailable) = %v, want %v (%v)", got, tt.unavailable, err)
			}
		})
	}
}

func TestUnavailableWhenDatabaseGoes(t *testing.T) {
	dbURL := newPostgresDB(t)
	ctx := context.Background()
	s, err := Open(ctx, dbURL, "")
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	defer s.Close()
	admin, err := sql.Open("pgx", postgresAdmin(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	u, _ := url.Parse(dbURL)
	if _, err := admin.Exec("DROP DATABASE " + strings.TrimPrefix(u.Path, "/") + " WITH (FORCE)"); err != nil {
		t.Fatalf("DROP DATABASE = %v", err)
	}
	if err := s.Ping(ctx); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Ping() = %v, want ErrUnavailable", err)
	}
	if _, err := s.LinkByID(ctx, 1); !errors.Is(err, ErrUnavailable) {
		t.Errorf("LinkByID() = %v, want ErrUnavailable", err)
	}
}

func TestOpenConcurrentlyOnPostgres(t *testing.T) {
	dbURL := newPostgresDB(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := Open(context.Background(), dbURL, "")
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open() #%d = %v, want nil", i, err)
		}
	}
}

func TestTwoInstancesShareOnePostgres(t *testing.T) {
	dbURL := newPostgresDB(t)
	ctx := context.Background()
	a, err := Open(ctx, dbURL, "")
	if err != nil {
		t.Fatalf("Open(a) = %v", err)
	}
	defer a.Close()
	b, err := Open(ctx, dbURL, "")
	if err != nil {
		t.Fatalf("Open(b) = %v", err)
	}
	defer b.Close()

	l, err := a.CreateLink(ctx, testLink(t, "bob@example.com"))
	if err != nil {
		t.Fatalf("a.CreateLink() = %v", err)
	}
	if got, err := b.LinkByTokenHash(ctx, l.TokenHash); err != nil || got.ID != l.ID {
		t.Errorf("b.LinkByTokenHash() = %v, %v, want link %d", got.ID, err, l.ID)
	}
	if _, err := b.RecordDownload(ctx, l.TokenHash, t0, Event{}); err != nil {
		t.Fatalf("b.RecordDownload() = %v", err)
	}
	if got, err := a.LinkByID(ctx, l.ID); err != nil || got.Downloads != 1 {
		t.Errorf("a.LinkByID().Downloads = %d, %v, want 1", got.Downloads, err)
	}

	se := testSession(t, "alice")
	if err := a.CreateSession(ctx, se); err != nil {
		t.Fatalf("a.CreateSession() = %v", err)
	}
	if got, err := b.Session(ctx, se.IDHash); err != nil || got.UserName != "alice" {
		t.Errorf("b.Session() = %+v, %v, want alice's", got, err)
	}
	if err := b.DeleteSession(ctx, se.IDHash); err != nil {
		t.Fatalf("b.DeleteSession() = %v", err)
	}
	if _, err := a.Session(ctx, se.IDHash); !errors.Is(err, ErrNotFound) {
		t.Errorf("a.Session() after b signed out = %v, want ErrNotFound", err)
	}
}
