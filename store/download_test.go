package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestRecordDownload(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		mk := func(modify func(*Link)) Link {
			t.Helper()
			l := testLink(t, "bob@example.com")
			l.MaxDownloads = 1
			if modify != nil {
				modify(&l)
			}
			l, err := s.CreateLink(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		usedUp := mk(nil)
		if _, err := s.RecordDownload(ctx, usedUp.TokenHash, t0, Event{}); err != nil {
			t.Fatal(err)
		}
		revoked := mk(nil)
		if err := s.Revoke(ctx, revoked.ID, "carol", t0); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name      string
			hash      []byte
			now       time.Time
			wantState LinkState // 0: want success
			wantErr   error
		}{
			{name: "active", hash: mk(nil).TokenHash, now: t0},
			{name: "just before expiry", hash: mk(func(l *Link) { l.ExpiresAt = t0.Add(time.Hour) }).TokenHash, now: t0.Add(time.Hour - time.Microsecond)},
			{name: "at expiry", hash: mk(func(l *Link) { l.ExpiresAt = t0.Add(time.Hour) }).TokenHash, now: t0.Add(time.Hour), wantState: LinkExpired, wantErr: ErrGone},
			{name: "used up", hash: usedUp.TokenHash, now: t0, wantState: LinkUsedUp, wantErr: ErrGone},
			{name: "revoked", hash: revoked.TokenHash, now: t0, wantState: LinkRevoked, wantErr: ErrGone},
			{name: "revoked and expired", hash: revoked.TokenHash, now: t0.Add(30 * 24 * time.Hour), wantState: LinkRevoked, wantErr: ErrGone},
			{name: "unknown", hash: HashToken("forged"), now: t0, wantErr: ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before, _ := s.LinkByTokenHash(ctx, tt.hash)
				beforeEvents, _ := s.Events(ctx, before.ID)
				e := Event{UserAgent: "Mozilla/5.0 (iPhone)", Device: "iPhone"}
				l, err := s.RecordDownload(ctx, tt.hash, tt.now, e)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("RecordDownload() = %v, want %v", err, tt.wantErr)
				}
				var gone *GoneError
				if tt.wantState != 0 && (!errors.As(err, &gone) || gone.State != tt.wantState) {
					t.Errorf("RecordDownload() = %v, want a *GoneError with state %v", err, tt.wantState)
				}
				after, _ := s.LinkByTokenHash(ctx, tt.hash)
				afterEvents, _ := s.Events(ctx, after.ID)
				if tt.wantErr != nil {
					if after.Downloads != before.Downloads || len(afterEvents) != len(beforeEvents) {
						t.Errorf("failed RecordDownload() changed the link: downloads %d -> %d, events %d -> %d",
							before.Downloads, after.Downloads, len(beforeEvents), len(afterEvents))
					}
					return
				}
				if l.Downloads != before.Downloads+1 || after.Downloads != l.Downloads {
					t.Errorf("RecordDownload() downloads = %d (stored %d), want %d", l.Downloads, after.Downloads, before.Downloads+1)
				}
				last := afterEvents[len(afterEvents)-1]
				if last.Kind != EventDownloaded || !last.At.Equal(tt.now) || last.Device != "iPhone" || last.UserAgent != e.UserAgent || last.Actor != "" {
					t.Errorf("last event = %+v, want downloaded from the iPhone at %v", last, tt.now)
				}
			})
		}
	})
}

func TestRecordDownloadConcurrent(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			// Two instances on one database race, as two servers (or a
			// server and the command line) would.
			s, other := openTwice(t, dialect)
			testConcurrentDownloads(t, []*Store{s, other})
		})
	}
}

// openTwice opens two stores on one new database of the dialect.
func openTwice(t *testing.T, dialect string) (*Store, *Store) {
	t.Helper()
	dbURL, path := "", filepath.Join(t.TempDir(), "store.db")
	if dialect == Postgres {
		dbURL = newPostgresDB(t)
	}
	var stores [2]*Store
	for i := range stores {
		s, err := Open(context.Background(), dbURL, path)
		if err != nil {
			t.Fatalf("Open() #%d = %v", i, err)
		}
		t.Cleanup(func() { s.Close() })
		stores[i] = s
	}
	return stores[0], stores[1]
}

func testConcurrentDownloads(t *testing.T, stores []*Store) {
	t.Helper()
	s := stores[0]
	ctx := context.Background()
	l, err := s.CreateLink(ctx, testLink(t, "bob@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = stores[i%len(stores)].RecordDownload(ctx, l.TokenHash, t0, Event{})
		}()
	}
	close(start)
	wg.Wait()
	ok, gone := 0, 0
	for _, err := range errs {
		var g *GoneError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &g) && g.State == LinkUsedUp:
			gone++
		default:
			t.Errorf("RecordDownload() = %v, want nil or used up", err)
		}
	}
	if ok != l.MaxDownloads || gone != n-l.MaxDownloads {
		t.Errorf("RecordDownload() succeeded %d times, used up %d, want %d and %d", ok, gone, l.MaxDownloads, n-l.MaxDownloads)
	}
	got, _ := s.LinkByID(ctx, l.ID)
	es, _ := s.Events(ctx, l.ID)
	if got.Downloads != l.MaxDownloads || len(es) != 1+l.MaxDownloads {
		t.Errorf("after the race, downloads = %d and %d events, want %d and %d", got.Downloads, len(es), l.MaxDownloads, 1+l.MaxDownloads)
	}
}

func TestRecordOpen(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		l, err := s.CreateLink(ctx, testLink(t, "bob@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if err := s.RecordOpen(ctx, l.ID, Event{At: t0.Add(time.Duration(i+1) * time.Minute), Device: "Mac"}); err != nil {
				t.Fatalf("RecordOpen() = %v", err)
			}
		}
		got, _ := s.LinkByID(ctx, l.ID)
		if got.Opens != 2 {
			t.Errorf("Opens = %d, want 2", got.Opens)
		}
		if err := s.RecordOpen(ctx, l.ID+100, Event{At: t0}); !errors.Is(err, ErrNotFound) {
			t.Errorf("RecordOpen(unknown) = %v, want ErrNotFound", err)
		}
		if err := s.RecordOpen(ctx, l.ID, Event{}); err == nil {
			t.Errorf("RecordOpen() without a time = nil error, want one")
		}
		if got, _ := s.LinkByID(ctx, l.ID); got.Opens != 2 {
			t.Errorf("Opens after a failed RecordOpen = %d, want 2", got.Opens)
		}
	})
}
