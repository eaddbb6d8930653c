package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestLinkAccountTypes checks that links hold Exchange and Google accounts,
// and that migration 0003 keeps what an older release stored: the links,
// their audit events and where the ids count on from.
func TestLinkAccountTypes(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dbURL, path := "", filepath.Join(t.TempDir(), "store.db")
			if dialect == Postgres {
				dbURL = newPostgresDB(t)
			}
			var (
				old *Store
				err error
			)
			if dialect == SQLite {
				old, err = openSQLite(path)
			} else {
				old, err = openPostgres(dbURL)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := old.migrateTo(ctx, 2); err != nil {
				t.Fatalf("migrateTo(2) = %v", err)
			}
			// The schema before 0003 refuses the new kinds.
			l := testLink(t, "someone@btinternet.com")
			before, err := old.CreateLink(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			ev := Event{LinkID: before.ID, At: t0.Add(time.Minute), Kind: EventOpened, UserAgent: "ua", Device: "iPhone"}
			if err := old.RecordOpen(ctx, before.ID, ev); err != nil {
				t.Fatal(err)
			}
			x := testLink(t, "someone@outlook.com")
			x.Type = TypeExchange
			if _, err := old.CreateLink(ctx, x); err == nil {
				t.Fatal("the old schema took an Exchange link; the test does not test the migration")
			}
			if dialect == SQLite { // a link and events made and deleted since: their ids are not given again
				if _, err := old.db.Exec("UPDATE sqlite_sequence SET seq = seq + 10"); err != nil {
					t.Fatal(err)
				}
			}
			old.Close()

			s, err := Open(ctx, dbURL, path)
			if err != nil {
				t.Fatalf("Open() with migration 0003 = %v", err)
			}
			defer s.Close()
			got, err := s.LinkByID(ctx, before.ID)
			if err != nil || got.Email != before.Email || got.Type != TypeIMAP || got.Opens != 1 {
				t.Errorf("link after the migration = %+v, %v; want %+v opened once", got, err, before)
			}
			if es, err := s.Events(ctx, before.ID); err != nil || len(es) != 2 || es[1].Kind != EventOpened || es[1].Device != "iPhone" {
				t.Errorf("events after the migration = %+v, %v; want created and opened", es, err)
			}
			for _, typ := range []string{TypeExchange, TypeGoogle} {
				l := testLink(t, "someone@example.com")
				l.Type = typ
				made, err := s.CreateLink(ctx, l)
				if err != nil {
					t.Fatalf("CreateLink(%s) = %v", typ, err)
				}
				back, err := s.LinkByTokenHash(ctx, l.TokenHash)
				if err != nil || back.Type != typ {
					t.Errorf("LinkByTokenHash() = %+v, %v; want type %s", back, err, typ)
				}
				if dialect == SQLite && made.ID <= before.ID+10 {
					t.Errorf("new link id %d, want past %d: the sequence was lost", made.ID, before.ID+10)
				}
			}
			// Deleting a link still takes its events with it.
			if dialect == SQLite {
				if _, err := s.db.Exec("DELETE FROM links WHERE id = ?", before.ID); err != nil {
					t.Fatal(err)
				}
				var n int
				if err := s.db.QueryRow("SELECT COUNT(*) FROM events WHERE link_id = ?", before.ID).Scan(&n); err != nil || n != 0 {
					t.Errorf("events of a deleted link = %d, %v; want 0 (ON DELETE CASCADE)", n, err)
				}
			}
		})
	}
}
