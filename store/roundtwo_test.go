package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestAgentLanguage(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if got, err := s.AgentLanguage(ctx, "bob"); err != nil || got != "" {
			t.Fatalf("AgentLanguage(bob) before = %q, %v, want none", got, err)
		}
		for _, lang := range []string{"de", "fr", ""} {
			if err := s.SetAgentLanguage(ctx, "bob", lang, t0); err != nil {
				t.Fatal(err)
			}
			if got, err := s.AgentLanguage(ctx, "bob"); err != nil || got != lang {
				t.Errorf("AgentLanguage(bob) = %q, %v, want %q", got, err, lang)
			}
		}
		if err := s.SetAgentLanguage(ctx, "bob\x00", "de", t0); err == nil {
			t.Error("SetAgentLanguage with a NUL in the name = nil, want an error")
		}
	})
}

func TestCodeSingleUse(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		l, err := s.CreateLink(ctx, testLink(t, "someone@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		c := Code{MAC: []byte("mac-1"), LinkID: l.ID, Sealed: []byte("sealed"), CreatedBy: "alice", CreatedAt: t0, ExpiresAt: t0.Add(10 * time.Minute)}
		if err := s.CreateCode(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateCode(ctx, c); !errors.Is(err, ErrExists) {
			t.Errorf("CreateCode(live code again) = %v, want ErrExists", err)
		}
		if _, err := s.RedeemCode(ctx, []byte("mac-2"), t0, Event{}); !errors.Is(err, ErrNotFound) {
			t.Errorf("RedeemCode(unknown) = %v, want ErrNotFound", err)
		}
		got, err := s.RedeemCode(ctx, c.MAC, t0.Add(time.Minute), Event{Device: "iPhone"})
		if err != nil || got.LinkID != l.ID || string(got.Sealed) != "sealed" {
			t.Fatalf("RedeemCode = %+v, %v", got, err)
		}
		if _, err := s.RedeemCode(ctx, c.MAC, t0.Add(2*time.Minute), Event{}); !errors.Is(err, ErrNotFound) {
			t.Errorf("RedeemCode(used) = %v, want ErrNotFound", err)
		}
		// A used code's MAC may be drawn again; an expired one cannot be used.
		c.CreatedAt, c.ExpiresAt = t0.Add(3*time.Minute), t0.Add(5*time.Minute)
		if err := s.CreateCode(ctx, c); err != nil {
			t.Fatalf("CreateCode(after use) = %v", err)
		}
		if _, err := s.RedeemCode(ctx, c.MAC, t0.Add(5*time.Minute), Event{}); !errors.Is(err, ErrNotFound) {
			t.Errorf("RedeemCode(expired) = %v, want ErrNotFound", err)
		}
		es, err := s.Events(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range es {
			kinds = append(kinds, e.Kind)
		}
		if got, want := fmt.Sprint(kinds), "[created code_made code_used code_made]"; got != want {
			t.Errorf("events = %s, want %s", got, want)
		}
	})
}

func TestCodeAttemptLimits(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		lim := CodeLimits{PerSource: 2, SourceWindow: 15 * time.Minute, Global: 3, GlobalWindow: time.Minute}
		for i, tt := range []struct {
			source string
			at     time.Time
			want   time.Time // zero: allowed
		}{
			{source: "a", at: t0},
			{source: "a", at: t0},
			{source: "a", at: t0, want: t0.Add(15 * time.Minute)}, // the source's limit
			{source: "b", at: t0},
			{source: "c", at: t0, want: t0.Add(time.Minute)}, // the global limit
			{source: "c", at: t0.Add(time.Minute)},           // a new global window
			{source: "a", at: t0.Add(2 * time.Minute), want: t0.Add(15 * time.Minute)},
		} {
			err := s.ReserveCodeAttempt(ctx, tt.source, tt.at, lim)
			var te *ThrottledError
			switch {
			case tt.want.IsZero() && err != nil:
				t.Errorf("attempt %d from %s: %v, want allowed", i, tt.source, err)
			case !tt.want.IsZero() && (!errors.As(err, &te) || !te.Until.Equal(tt.want)):
				t.Errorf("attempt %d from %s: %v, want throttled until %v", i, tt.source, err, tt.want)
			}
		}
		if _, err := s.DeleteStaleCodes(ctx, t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.ReserveCodeAttempt(ctx, "a", t0.Add(time.Hour), lim); err != nil {
			t.Errorf("after the windows: %v", err)
		}
	})
}

func TestEmailLimits(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		l, err := s.CreateLink(ctx, testLink(t, "someone@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		lim := EmailLimits{PerAgent: 3, AgentWindow: time.Hour, PerRecipient: 2, RecipientWindow: 24 * time.Hour}
		id, err := s.BeginEmail(ctx, l.ID, "alice", "one@example.com", t0, lim)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishEmail(ctx, id, false, "421 4.3.0 try later"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BeginEmail(ctx, l.ID, "alice", "one@example.com", t0.Add(time.Minute), lim); err != nil {
			t.Fatal(err)
		}
		var te *ThrottledError
		if _, err := s.BeginEmail(ctx, l.ID, "bob", "one@example.com", t0.Add(2*time.Minute), lim); !errors.As(err, &te) || !te.Until.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("third send to one recipient: %v, want throttled for a day from the first", err)
		}
		if _, err := s.BeginEmail(ctx, l.ID, "alice", "two@example.com", t0.Add(3*time.Minute), lim); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BeginEmail(ctx, l.ID, "alice", "three@example.com", t0.Add(4*time.Minute), lim); !errors.As(err, &te) || !te.Until.Equal(t0.Add(time.Hour)) {
			t.Errorf("fourth send by one agent: %v, want throttled for an hour from the first", err)
		}
		es, err := s.Events(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e := es[1]; e.Kind != EventEmailFail || e.Recipient != "one@example.com" || e.Detail != "421 4.3.0 try later" || e.Actor != "alice" {
			t.Errorf("failed send's event = %+v", e)
		}
		if len(es) != 4 || es[2].Kind != EventEmailed || es[2].Detail != "sending" {
			t.Errorf("events = %+v, want created, the failed send and two sends under way", es)
		}
	})
}

func TestAuditPage(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		mk := func(email, by string, at time.Time) Link {
			l := testLink(t, email)
			l.CreatedBy, l.CreatedAt, l.ExpiresAt = by, at, at.Add(time.Hour)
			l, err := s.CreateLink(ctx, l)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		a := mk("ann@example.com", "alice", t0)
		mk("bert@example.com", "bob", t0.Add(time.Hour))
		mk("cara@example.com", "alice", t0.Add(48*time.Hour))
		if err := s.Revoke(ctx, a.ID, "bob", t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			f    AuditFilter
			want string
		}{
			{name: "all, newest first", f: AuditFilter{}, want: "cara:created ann:revoked bert:created ann:created"},
			{name: "by agent: their links and their acts", f: AuditFilter{Agent: "bob"}, want: "ann:revoked bert:created"},
			{name: "by address", f: AuditFilter{Email: "ANN@"}, want: "ann:revoked ann:created"},
			{name: "by date", f: AuditFilter{From: t0.Add(time.Hour), To: t0.Add(24 * time.Hour)}, want: "ann:revoked bert:created"},
			{name: "page 2", f: AuditFilter{Limit: 2, Offset: 2}, want: "bert:created ann:created"},
			{name: "past the end", f: AuditFilter{Offset: 4}, want: ""},
		}
		for _, tt := range tests {
			es, err := s.AuditPage(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range es {
				local, _, _ := strings.Cut(e.Link.Email, "@")
				got = append(got, local+":"+e.Kind)
			}
			if g := fmt.Sprint(got); g != "["+tt.want+"]" {
				t.Errorf("%s: AuditPage = %s, want [%s]", tt.name, g, tt.want)
			}
		}
	})
}
