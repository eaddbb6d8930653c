package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestLinksFilter(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		now := t0.Add(2 * time.Hour)
		// Made one minute apart, in this order, so newest first is the
		// reverse.
		seeds := []struct {
			email, by string
			life      time.Duration
			downloads int
			revoke    bool
		}{
			{email: "Alice@Example.com", by: "alice", life: time.Hour},                  // expired
			{email: "a_b@example.com", by: "alice", life: 24 * time.Hour},               // active
			{email: "axb@example.com", by: "bob", life: 24 * time.Hour, downloads: 3},   // used up
			{email: "100%@example.com", by: "bob", life: 24 * time.Hour, revoke: true},  // revoked
			{email: "carol@example.org", by: "bob", life: 24 * time.Hour, downloads: 1}, // active
		}
		for i, sd := range seeds {
			l := testLink(t, sd.email)
			l.CreatedBy = sd.by
			l.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
			l.ExpiresAt = l.CreatedAt.Add(sd.life)
			l, err := s.CreateLink(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			for range sd.downloads {
				if _, err := s.RecordDownload(ctx, l.TokenHash, t0.Add(10*time.Minute), Event{}); err != nil {
					t.Fatal(err)
				}
			}
			if sd.revoke {
				if err := s.Revoke(ctx, l.ID, "bob", t0.Add(10*time.Minute)); err != nil {
					t.Fatal(err)
				}
			}
		}
		tests := []struct {
			name   string
			filter LinkFilter
			want   []string
		}{
			{name: "all, newest first", filter: LinkFilter{}, want: []string{"carol@example.org", "100%@example.com", "axb@example.com", "a_b@example.com", "Alice@Example.com"}},
			{name: "email ignores case", filter: LinkFilter{Email: "aLICE@"}, want: []string{"Alice@Example.com"}},
			{name: "underscore is literal", filter: LinkFilter{Email: "a_b"}, want: []string{"a_b@example.com"}},
			{name: "percent is literal", filter: LinkFilter{Email: "%"}, want: []string{"100%@example.com"}},
			{name: "backslash is literal", filter: LinkFilter{Email: `\`}, want: nil},
			{name: "domain", filter: LinkFilter{Email: "example.org"}, want: []string{"carol@example.org"}},
			{name: "creator", filter: LinkFilter{CreatedBy: "alice"}, want: []string{"a_b@example.com", "Alice@Example.com"}},
			{name: "active", filter: LinkFilter{State: LinkActive, Now: now}, want: []string{"carol@example.org", "a_b@example.com"}},
			{name: "expired", filter: LinkFilter{State: LinkExpired, Now: now}, want: []string{"Alice@Example.com"}},
			{name: "used up", filter: LinkFilter{State: LinkUsedUp, Now: now}, want: []string{"axb@example.com"}},
			{name: "revoked", filter: LinkFilter{State: LinkRevoked, Now: now}, want: []string{"100%@example.com"}},
			{name: "everything expired later", filter: LinkFilter{State: LinkExpired, Now: t0.Add(48 * time.Hour)}, want: []string{"carol@example.org", "axb@example.com", "a_b@example.com", "Alice@Example.com"}},
			{name: "creator and state", filter: LinkFilter{CreatedBy: "bob", State: LinkActive, Now: now}, want: []string{"carol@example.org"}},
			{name: "limit", filter: LinkFilter{Limit: 2}, want: []string{"carol@example.org", "100%@example.com"}},
			{name: "limit and offset", filter: LinkFilter{Limit: 2, Offset: 2}, want: []string{"axb@example.com", "a_b@example.com"}},
			{name: "offset alone", filter: LinkFilter{Offset: 4}, want: []string{"Alice@Example.com"}},
		}
		for _, tt := range tests {
			ls, err := s.Links(ctx, tt.filter)
			if err != nil {
				t.Errorf("%s: Links() = %v", tt.name, err)
				continue
			}
			var got []string
			for _, l := range ls {
				got = append(got, l.Email)
				if tt.filter.State != 0 && l.State(tt.filter.Now) != tt.filter.State {
					t.Errorf("%s: %s is %v", tt.name, l.Email, l.State(tt.filter.Now))
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s: Links(%+v) = %q, want %q", tt.name, tt.filter, got, tt.want)
			}
		}
		if _, err := s.Links(ctx, LinkFilter{State: LinkActive}); err == nil {
			t.Errorf("Links() with a state and no Now = nil error, want one")
		}
	})
}
