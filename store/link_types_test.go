package store

import (
	"context"
	"testing"
	"time"
)

// TestLinkAccountTypes checks that links hold Exchange and Google accounts,
// and that migration 0004 keeps what an older release stored: the links,
// their audit events (those of 0003's email and short codes included),
// the short codes, and where the ids count on from.
func TestLinkAccountTypes(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			old, dbURL, path := openAtVersion(t, dialect, 3)
			// The schema before 0004 refuses the new kinds.
			l := testLink(t, "someone@btinternet.com")
			before, err := createLinkBefore5(ctx, old, l)
			if err != nil {
				t.Fatal(err)
			}
			ev := Event{LinkID: before.ID, At: t0.Add(time.Minute), Kind: EventOpened, UserAgent: "ua", Device: "iPhone"}
			if err := old.RecordOpen(ctx, before.ID, ev); err != nil {
				t.Fatal(err)
			}
			sent, err := old.BeginEmail(ctx, before.ID, "alice", "customer@example.net", t0.Add(2*time.Minute),
				EmailLimits{PerAgent: 10, AgentWindow: time.Hour, PerRecipient: 10, RecipientWindow: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if err := old.FinishEmail(ctx, sent, true, "250 2.0.0 queued"); err != nil {
				t.Fatal(err)
			}
			code := Code{MAC: []byte("code-mac"), LinkID: before.ID, Sealed: []byte("sealed"), CreatedBy: "alice",
				CreatedAt: t0.Add(3 * time.Minute), ExpiresAt: t0.Add(13 * time.Minute)}
			if err := old.CreateCode(ctx, code); err != nil {
				t.Fatal(err)
			}
			x := testLink(t, "someone@outlook.com")
			x.Type = TypeExchange
			if _, err := createLinkBefore5(ctx, old, x); err == nil {
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
				t.Fatalf("Open() with migration 0004 = %v", err)
			}
			defer s.Close()
			got, err := s.LinkByID(ctx, before.ID)
			if err != nil || got.Email != before.Email || got.Type != TypeIMAP || got.Opens != 1 {
				t.Errorf("link after the migration = %+v, %v; want %+v opened once", got, err, before)
			}
			es, err := s.Events(ctx, before.ID)
			if err != nil || len(es) != 4 || es[1].Kind != EventOpened || es[1].Device != "iPhone" ||
				es[2].Kind != EventEmailed || es[2].Recipient != "customer@example.net" || es[2].Detail != "250 2.0.0 queued" || es[3].Kind != EventCodeMade {
				t.Errorf("events after the migration = %+v, %v; want created, opened, emailed with its recipient and answer, code made", es, err)
			}
			if got, err := s.RedeemCode(ctx, code.MAC, t0.Add(4*time.Minute), Event{LinkID: before.ID, At: t0.Add(4 * time.Minute), Kind: EventCodeUsed}); err != nil || string(got.Sealed) != "sealed" {
				t.Errorf("RedeemCode() after the migration = %+v, %v; want the stored code", got, err)
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
