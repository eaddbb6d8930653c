package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// TestLinkServices checks that links keep the services they set up, and
// that migration 0005 keeps what an older release stored: a link made
// before it reads back with no services (mail only), its events intact.
func TestLinkServices(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			old, dbURL, path := openAtVersion(t, dialect, 4)
			// Written as the release before wrote it: without the column.
			before, err := createLinkBefore5(ctx, old, testLink(t, "someone@fastmail.com"))
			if err != nil {
				t.Fatal(err)
			}
			old.Close()

			s, err := Open(ctx, dbURL, path)
			if err != nil {
				t.Fatalf("Open() with migration 0005 = %v", err)
			}
			defer s.Close()
			got, err := s.LinkByTokenHash(ctx, before.TokenHash)
			if err != nil || got.Email != before.Email || got.Type != TypeIMAP || got.Services != "" {
				t.Errorf("old link after the migration = %+v, %v; want %s, imap, no services (mail only)", got, err, before.Email)
			}
			if err := s.RecordOpen(ctx, got.ID, Event{LinkID: got.ID, At: t0.Add(time.Minute), Kind: EventOpened}); err != nil {
				t.Fatal(err)
			}

			l := testLink(t, "other@fastmail.com")
			l.Services = "mail,calendar,contacts"
			made, err := s.CreateLink(ctx, l)
			if err != nil || made.Services != l.Services {
				t.Fatalf("CreateLink() = %+v, %v; want services %q", made, err, l.Services)
			}
			back, err := s.LinkByID(ctx, made.ID)
			if err != nil || back.Services != l.Services {
				t.Errorf("LinkByID() = %+v, %v; want services %q", back, err, l.Services)
			}
			var seen []string
			if err := s.AllEvents(ctx, time.Time{}, func(e Event, l Link) error {
				seen = append(seen, l.Email+" "+l.Services)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(seen) != 3 || seen[0] != "someone@fastmail.com " || seen[1] != "other@fastmail.com mail,calendar,contacts" {
				t.Errorf("events with their links = %q, want the new link's services", seen)
			}
			bad := testLink(t, "x@fastmail.com")
			bad.Services = "mail\x00"
			if _, err := s.CreateLink(ctx, bad); err == nil {
				t.Errorf("CreateLink(services %q) = nil, want an error", bad.Services)
			}
		})
	}
}

// createLinkBefore5 stores a link and its "created" event as CreateLink
// did before migration 0005, without the services column.
func createLinkBefore5(ctx context.Context, s *Store, l Link) (Link, error) {
	if err := l.validate(); err != nil {
		return Link{}, err
	}
	err := s.tx(ctx, "create link", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO links
			(token_hash, email, name, type, created_by, created_at, expires_at, max_downloads)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			l.TokenHash, l.Email, l.Name, l.Type, l.CreatedBy, s.t(l.CreatedAt), s.t(l.ExpiresAt), l.MaxDownloads).Scan(&l.ID)
		if err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, Event{LinkID: l.ID, At: l.CreatedAt, Kind: EventCreated, Actor: l.CreatedBy})
	})
	return l, err
}

// openAtVersion opens a new database of dialect with the migrations up to
// version only, as an older release left it; dbURL and path open it again.
func openAtVersion(t *testing.T, dialect string, version int) (old *Store, dbURL, path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "store.db")
	var err error
	if dialect == Postgres {
		dbURL = newPostgresDB(t)
		old, err = openPostgres(dbURL)
	} else {
		old, err = openSQLite(path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := old.migrateTo(context.Background(), version); err != nil {
		t.Fatalf("migrateTo(%d) = %v", version, err)
	}
	return old, dbURL, path
}
