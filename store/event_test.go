package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestEvents(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		l, err := s.CreateLink(ctx, testLink(t, "bob@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		longUA := "Mozilla/5.0 \xff\x00" + strings.Repeat("é", 600)
		if err := s.RecordOpen(ctx, l.ID, Event{At: t0.Add(time.Minute), UserAgent: longUA, Device: "iPhone", Actor: ""}); err != nil {
			t.Fatalf("RecordOpen() = %v", err)
		}
		if _, err := s.RecordDownload(ctx, l.TokenHash, t0.Add(2*time.Minute), Event{Device: "iPhone"}); err != nil {
			t.Fatalf("RecordDownload() = %v", err)
		}
		if err := s.Revoke(ctx, l.ID, "carol", t0.Add(3*time.Minute)); err != nil {
			t.Fatalf("Revoke() = %v", err)
		}
		es, err := s.Events(ctx, l.ID)
		if err != nil {
			t.Fatalf("Events() = %v", err)
		}
		var kinds []string
		for i, e := range es {
			kinds = append(kinds, e.Kind)
			if e.LinkID != l.ID || e.ID == 0 || e.At.Location() != time.UTC {
				t.Errorf("event %d = %+v, want link %d, an ID and a UTC time", i, e, l.ID)
			}
		}
		if want := []string{EventCreated, EventOpened, EventDownloaded, EventRevoked}; !slices.Equal(kinds, want) {
			t.Fatalf("Events() kinds = %q, want %q", kinds, want)
		}
		ua := es[1].UserAgent
		if len(ua) > 512 || !utf8.ValidString(ua) || strings.Contains(ua, "\x00") || !strings.HasPrefix(ua, "Mozilla/5.0 \uFFFD") {
			t.Errorf("stored User-Agent = %q (%d bytes), want valid UTF-8 without NUL, cut to 512 bytes", ua, len(ua))
		}
		if es[0].Actor != "alice" || es[3].Actor != "carol" || es[2].Actor != "" {
			t.Errorf("actors = %q, %q, %q, want alice, visitor, carol", es[0].Actor, es[2].Actor, es[3].Actor)
		}
		if es, err := s.Events(ctx, l.ID+100); err != nil || len(es) != 0 {
			t.Errorf("Events(unknown) = %v, %v, want none", es, err)
		}
	})
}

func TestAllEventsAndPurge(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var links []Link
		for i, email := range []string{"a@example.com", "b@example.com"} {
			l := testLink(t, email)
			l.CreatedAt = t0.Add(time.Duration(i) * time.Hour) // a at t0, b at t0+1h
			l.ExpiresAt = l.CreatedAt.Add(24 * time.Hour)
			l, err := s.CreateLink(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			links = append(links, l)
		}
		if err := s.RecordOpen(ctx, links[0].ID, Event{At: t0.Add(2 * time.Hour)}); err != nil {
			t.Fatal(err)
		}

		walk := func(since time.Time) []string {
			t.Helper()
			var got []string
			err := s.AllEvents(ctx, since, func(e Event, l Link) error {
				if e.LinkID != l.ID {
					t.Errorf("AllEvents() gave event of link %d with link %d", e.LinkID, l.ID)
				}
				got = append(got, l.Email+" "+e.Kind)
				return nil
			})
			if err != nil {
				t.Fatalf("AllEvents() = %v", err)
			}
			return got
		}
		tests := []struct {
			name  string
			since time.Time
			want  []string
		}{
			{name: "all", want: []string{"a@example.com created", "b@example.com created", "a@example.com opened"}},
			{name: "since b", since: t0.Add(time.Hour), want: []string{"b@example.com created", "a@example.com opened"}},
			{name: "future", since: t0.Add(24 * time.Hour), want: nil},
		}
		for _, tt := range tests {
			if got := walk(tt.since); !slices.Equal(got, tt.want) {
				t.Errorf("%s: AllEvents(%v) = %q, want %q", tt.name, tt.since, got, tt.want)
			}
		}
		stop := errors.New("stop")
		calls := 0
		err := s.AllEvents(ctx, time.Time{}, func(Event, Link) error { calls++; return stop })
		if !errors.Is(err, stop) || calls != 1 {
			t.Errorf("AllEvents() with a failing fn = %v after %d calls, want stop after 1", err, calls)
		}

		n, err := s.PurgeEvents(ctx, t0.Add(90*time.Minute))
		if err != nil || n != 2 {
			t.Errorf("PurgeEvents(t0+90m) = %d, %v, want 2", n, err)
		}
		if got, want := walk(time.Time{}), []string{"a@example.com opened"}; !slices.Equal(got, want) {
			t.Errorf("after PurgeEvents, AllEvents() = %q, want %q", got, want)
		}
		if _, err := s.LinkByID(ctx, links[1].ID); err != nil {
			t.Errorf("LinkByID() after PurgeEvents = %v, want the link kept", err)
		}
	})
}
