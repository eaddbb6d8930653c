package store

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"
)

// testSession returns a valid session for user, created at t0 and expiring
// eight hours later, with a fresh id.
func testSession(t *testing.T, user string) Session {
	t.Helper()
	_, hash, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	csrf, _, err := NewToken()
	if err != nil {
		t.Fatal(err)
	}
	return Session{IDHash: hash, UserName: user, CSRFToken: csrf, CreatedAt: t0, LastSeen: t0, ExpiresAt: t0.Add(8 * time.Hour)}
}

func TestSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		se := testSession(t, "alice")
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatalf("CreateSession() = %v", err)
		}
		if err := s.CreateSession(ctx, se); !errors.Is(err, ErrExists) {
			t.Errorf("CreateSession() again = %v, want ErrExists", err)
		}
		got, err := s.Session(ctx, se.IDHash)
		if err != nil {
			t.Fatalf("Session() = %v", err)
		}
		if !bytes.Equal(got.IDHash, se.IDHash) || got.UserName != se.UserName || got.CSRFToken != se.CSRFToken ||
			!got.CreatedAt.Equal(se.CreatedAt) || !got.LastSeen.Equal(se.LastSeen) || !got.ExpiresAt.Equal(se.ExpiresAt) {
			t.Errorf("Session() = %+v, want %+v", got, se)
		}

		later := t0.Add(10*time.Minute + 123456789*time.Nanosecond)
		if err := s.TouchSession(ctx, se.IDHash, later); err != nil {
			t.Fatalf("TouchSession() = %v", err)
		}
		got, _ = s.Session(ctx, se.IDHash)
		if want := later.Truncate(time.Microsecond); !got.LastSeen.Equal(want) || got.LastSeen.Location() != time.UTC {
			t.Errorf("LastSeen after TouchSession = %v, want %v in UTC", got.LastSeen, want)
		}
		if err := s.TouchSession(ctx, HashToken("unknown"), later); !errors.Is(err, ErrNotFound) {
			t.Errorf("TouchSession(unknown) = %v, want ErrNotFound", err)
		}

		if err := s.DeleteSession(ctx, se.IDHash); err != nil {
			t.Fatalf("DeleteSession() = %v", err)
		}
		if _, err := s.Session(ctx, se.IDHash); !errors.Is(err, ErrNotFound) {
			t.Errorf("Session() after DeleteSession = %v, want ErrNotFound", err)
		}
		if err := s.DeleteSession(ctx, se.IDHash); err != nil {
			t.Errorf("DeleteSession() twice = %v, want nil", err)
		}
	})
}

func TestCreateSessionRejects(t *testing.T) {
	s := newStore(t, SQLite)
	good := testSession(t, "alice")
	tests := []struct {
		name   string
		modify func(*Session)
	}{
		{name: "short id hash", modify: func(se *Session) { se.IDHash = se.IDHash[:16] }},
		{name: "no CSRF token", modify: func(se *Session) { se.CSRFToken = "" }},
		{name: "no user", modify: func(se *Session) { se.UserName = "" }},
		{name: "expires before created", modify: func(se *Session) { se.ExpiresAt = se.CreatedAt.Add(-time.Second) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := good
			tt.modify(&se)
			if err := s.CreateSession(context.Background(), se); err == nil {
				t.Errorf("CreateSession() = nil, want an error")
			}
		})
	}
}

func TestDeleteExpiredSessions(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		var sessions []Session
		for _, life := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour} {
			se := testSession(t, "alice")
			se.ExpiresAt = t0.Add(life)
			if err := s.CreateSession(ctx, se); err != nil {
				t.Fatal(err)
			}
			sessions = append(sessions, se)
		}
		n, err := s.DeleteExpiredSessions(ctx, t0.Add(2*time.Hour))
		if err != nil || n != 2 {
			t.Errorf("DeleteExpiredSessions(t0+2h) = %d, %v, want 2", n, err)
		}
		if _, err := s.Session(ctx, sessions[2].IDHash); err != nil {
			t.Errorf("Session(live) = %v, want it kept", err)
		}
		if _, err := s.Session(ctx, sessions[1].IDHash); !errors.Is(err, ErrNotFound) {
			t.Errorf("Session(expired) = %v, want ErrNotFound", err)
		}
	})
}
