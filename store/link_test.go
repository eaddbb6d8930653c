package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// testLink returns a valid link for email, made by alice at t0, valid for a
// week and three downloads, with a fresh token.
func testLink(t *testing.T, email string) Link {
	t.Helper()
	_, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	return Link{TokenHash: hash, Email: email, Type: TypeIMAP, CreatedBy: "alice",
		CreatedAt: t0, ExpiresAt: t0.Add(7 * 24 * time.Hour), MaxDownloads: 3}
}

func TestLinkState(t *testing.T) {
	base := Link{ExpiresAt: t0.Add(time.Hour), MaxDownloads: 3}
	tests := []struct {
		name   string
		modify func(*Link)
		now    time.Time
		want   LinkState
	}{
		{name: "fresh", now: t0, want: LinkActive},
		{name: "one download left", modify: func(l *Link) { l.Downloads = 2 }, now: t0, want: LinkActive},
		{name: "used up", modify: func(l *Link) { l.Downloads = 3 }, now: t0, want: LinkUsedUp},
		{name: "expired at the instant", now: t0.Add(time.Hour), want: LinkExpired},
		{name: "expired wins over used up", modify: func(l *Link) { l.Downloads = 3 }, now: t0.Add(2 * time.Hour), want: LinkExpired},
		{name: "revoked", modify: func(l *Link) { l.RevokedAt = t0 }, now: t0, want: LinkRevoked},
		{name: "revoked wins over expired and used up", modify: func(l *Link) { l.RevokedAt = t0; l.Downloads = 3 }, now: t0.Add(2 * time.Hour), want: LinkRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := base
			if tt.modify != nil {
				tt.modify(&l)
			}
			if got := l.State(tt.now); got != tt.want {
				t.Errorf("State() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLinkStateNames(t *testing.T) {
	for _, st := range []LinkState{0, LinkActive, LinkExpired, LinkRevoked, LinkUsedUp} {
		got, err := ParseLinkState(st.String())
		if err != nil || got != st {
			t.Errorf("ParseLinkState(%q) = %v, %v, want %v", st.String(), got, err, st)
		}
	}
	if _, err := ParseLinkState("gone"); err == nil {
		t.Errorf("ParseLinkState(%q) = nil error, want one", "gone")
	}
}

func TestCreateLink(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		in := testLink(t, "bob@example.com")
		in.Name = "Bob <Builder> & \"Sons\""
		in.CreatedAt = time.Date(2026, 5, 1, 14, 0, 0, 123456789, time.FixedZone("CEST", 2*3600))
		in.ExpiresAt = in.CreatedAt.Add(time.Hour)
		in.Downloads, in.Opens, in.RevokedAt = 5, 5, t0 // ignored
		l, err := s.CreateLink(ctx, in)
		if err != nil {
			t.Fatalf("CreateLink() = %v", err)
		}
		if l.ID == 0 || l.Downloads != 0 || l.Opens != 0 || !l.RevokedAt.IsZero() {
			t.Errorf("CreateLink() = %+v, want an ID and zero counters", l)
		}
		for _, get := range []struct {
			name string
			f    func() (Link, error)
		}{
			{name: "LinkByID", f: func() (Link, error) { return s.LinkByID(ctx, l.ID) }},
			{name: "LinkByTokenHash", f: func() (Link, error) { return s.LinkByTokenHash(ctx, in.TokenHash) }},
		} {
			got, err := get.f()
			if err != nil {
				t.Fatalf("%s() = %v", get.name, err)
			}
			if !equalLinks(got, l) {
				t.Errorf("%s() = %+v, want %+v", get.name, got, l)
			}
			if got.CreatedAt.Location() != time.UTC || !got.CreatedAt.Equal(in.CreatedAt.Truncate(time.Microsecond)) {
				t.Errorf("%s().CreatedAt = %v, want %v in UTC", get.name, got.CreatedAt, in.CreatedAt)
			}
		}
		if _, err := s.LinkByID(ctx, l.ID+100); !errors.Is(err, ErrNotFound) {
			t.Errorf("LinkByID(unknown) = %v, want ErrNotFound", err)
		}
		if _, err := s.LinkByTokenHash(ctx, HashToken("forged")); !errors.Is(err, ErrNotFound) {
			t.Errorf("LinkByTokenHash(forged) = %v, want ErrNotFound", err)
		}
		if _, err := s.CreateLink(ctx, in); !errors.Is(err, ErrExists) {
			t.Errorf("CreateLink() with a taken token = %v, want ErrExists", err)
		}
		es, err := s.Events(ctx, l.ID)
		if err != nil || len(es) != 1 || es[0].Kind != EventCreated || es[0].Actor != "alice" || !es[0].At.Equal(l.CreatedAt) {
			t.Errorf("Events() = %+v, %v, want one created event by alice", es, err)
		}
	})
}

func TestCreateLinkRejects(t *testing.T) {
	s := newStore(t, SQLite)
	tests := []struct {
		name   string
		modify func(*Link)
	}{
		{name: "short token hash", modify: func(l *Link) { l.TokenHash = l.TokenHash[:8] }},
		{name: "no email", modify: func(l *Link) { l.Email = "" }},
		{name: "bad type", modify: func(l *Link) { l.Type = "jmap" }},
		{name: "no downloads", modify: func(l *Link) { l.MaxDownloads = 0 }},
		{name: "expires before created", modify: func(l *Link) { l.ExpiresAt = l.CreatedAt }},
		{name: "no creator", modify: func(l *Link) { l.CreatedBy = "" }},
		{name: "control character in name", modify: func(l *Link) { l.Name = "Bob\x00" }},
		{name: "invalid UTF-8 email", modify: func(l *Link) { l.Email = "b\xffb@example.com" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLink(t, "bob@example.com")
			tt.modify(&l)
			if _, err := s.CreateLink(context.Background(), l); err == nil {
				t.Errorf("CreateLink() = nil error, want one")
			}
		})
	}
	if ls, err := s.Links(context.Background(), LinkFilter{}); err != nil || len(ls) != 0 {
		t.Errorf("Links() = %d links, %v, want none", len(ls), err)
	}
}

func TestCreateLinksAllOrNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a, b := testLink(t, "a@example.com"), testLink(t, "b@example.com")
		dup := testLink(t, "c@example.com")
		dup.TokenHash = a.TokenHash
		bad := testLink(t, "d@example.com")
		bad.Type = "smtp"

		tests := []struct {
			name      string
			links     []Link
			wantIndex int
			wantIs    error
		}{
			{name: "duplicate token in the database", links: []Link{a, b, dup}, wantIndex: 2, wantIs: ErrExists},
			{name: "invalid row", links: []Link{a, bad, b}, wantIndex: 1},
		}
		for _, tt := range tests {
			_, err := s.CreateLinks(ctx, tt.links)
			var re *RowError
			if !errors.As(err, &re) || re.Index != tt.wantIndex {
				t.Errorf("%s: CreateLinks() = %v, want a *RowError for row %d", tt.name, err, tt.wantIndex)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("%s: CreateLinks() = %v, want %v", tt.name, err, tt.wantIs)
			}
			if ls, err := s.Links(ctx, LinkFilter{}); err != nil || len(ls) != 0 {
				t.Errorf("%s: Links() = %d links, %v, want none kept", tt.name, len(ls), err)
			}
		}

		ls, err := s.CreateLinks(ctx, []Link{a, b})
		if err != nil || len(ls) != 2 || ls[0].ID == 0 || ls[1].ID == ls[0].ID {
			t.Fatalf("CreateLinks() = %+v, %v, want two links with IDs", ls, err)
		}
		for _, l := range ls {
			if es, _ := s.Events(ctx, l.ID); len(es) != 1 {
				t.Errorf("Events(%d) = %d events, want the created one", l.ID, len(es))
			}
		}
	})
}

func TestRevoke(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		l, err := s.CreateLink(ctx, testLink(t, "bob@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		at := t0.Add(time.Hour)
		if err := s.Revoke(ctx, l.ID, "carol", at); err != nil {
			t.Fatalf("Revoke() = %v", err)
		}
		if err := s.Revoke(ctx, l.ID, "dave", at.Add(time.Hour)); err != nil {
			t.Errorf("Revoke() twice = %v, want nil", err)
		}
		got, _ := s.LinkByID(ctx, l.ID)
		if got.State(at) != LinkRevoked || got.RevokedBy != "carol" || !got.RevokedAt.Equal(at) {
			t.Errorf("after Revoke, link = %+v, want revoked by carol at %v", got, at)
		}
		es, _ := s.Events(ctx, l.ID)
		if len(es) != 2 || es[1].Kind != EventRevoked || es[1].Actor != "carol" {
			t.Errorf("Events() = %+v, want created then one revoked by carol", es)
		}
		if err := s.Revoke(ctx, l.ID+100, "carol", at); !errors.Is(err, ErrNotFound) {
			t.Errorf("Revoke(unknown) = %v, want ErrNotFound", err)
		}
	})
}

// equalLinks compares links field by field, times with Equal.
func equalLinks(a, b Link) bool {
	return a.ID == b.ID && bytes.Equal(a.TokenHash, b.TokenHash) && a.Email == b.Email && a.Name == b.Name &&
		a.Type == b.Type && a.CreatedBy == b.CreatedBy && a.CreatedAt.Equal(b.CreatedAt) && a.ExpiresAt.Equal(b.ExpiresAt) &&
		a.MaxDownloads == b.MaxDownloads && a.Downloads == b.Downloads && a.Opens == b.Opens &&
		a.RevokedAt.Equal(b.RevokedAt) && a.RevokedBy == b.RevokedBy
}
