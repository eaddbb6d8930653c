package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testLimits are small limits for the tests: 3 per source in 10 minutes,
// 5 per account in an hour, trust for a day.
var testLimits = SignInLimits{PerSource: 3, SourceWindow: 10 * time.Minute, PerAccount: 5, AccountWindow: time.Hour, Trusted: 24 * time.Hour}

func TestSignInThrottle(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.CreateUser(ctx, "alice", "hash", t0); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name    string
			do      string // reserve, success, release
			user    string
			source  string
			at      time.Time
			wantErr time.Time // when a reserve is throttled: its Until
		}{
			{name: "first", do: "reserve", user: "alice", source: "192.0.2.1", at: t0},
			{name: "second", do: "reserve", user: "alice", source: "192.0.2.1", at: t0.Add(time.Minute)},
			{name: "third", do: "reserve", user: "alice", source: "192.0.2.1", at: t0.Add(2 * time.Minute)},
			{name: "fourth from the source is refused", do: "reserve", user: "alice", source: "192.0.2.1", at: t0.Add(3 * time.Minute), wantErr: t0.Add(10 * time.Minute)},
			{name: "another source may try", do: "reserve", user: "alice", source: "192.0.2.2", at: t0.Add(3 * time.Minute)},
			{name: "an unchecked attempt is given back", do: "release", user: "alice", source: "192.0.2.2", at: t0.Add(3 * time.Minute)},
			{name: "the window ends", do: "reserve", user: "alice", source: "192.0.2.1", at: t0.Add(10 * time.Minute)},
			{name: "account count reaches 5", do: "reserve", user: "alice", source: "192.0.2.3", at: t0.Add(11 * time.Minute)},
			{name: "the account brake holds new sources", do: "reserve", user: "alice", source: "192.0.2.4", at: t0.Add(12 * time.Minute), wantErr: t0.Add(time.Hour)},
			{name: "the source that knows the password", do: "success", user: "alice", source: "192.0.2.3", at: t0.Add(13 * time.Minute)},
			{name: "gives back its attempt", do: "reserve", user: "alice", source: "192.0.2.5", at: t0.Add(14 * time.Minute)},
			{name: "and the brake holds again", do: "reserve", user: "alice", source: "192.0.2.6", at: t0.Add(14 * time.Minute), wantErr: t0.Add(time.Hour)},
			{name: "but not for a trusted source", do: "reserve", user: "alice", source: "192.0.2.3", at: t0.Add(15 * time.Minute)},
			{name: "an unknown name is counted alike", do: "reserve", user: "nobody", source: "192.0.2.1", at: t0},
			{name: "twice", do: "reserve", user: "nobody", source: "192.0.2.1", at: t0},
			{name: "three times", do: "reserve", user: "nobody", source: "192.0.2.1", at: t0},
			{name: "and refused alike", do: "reserve", user: "nobody", source: "192.0.2.1", at: t0, wantErr: t0.Add(10 * time.Minute)},
		}
		for _, st := range steps {
			var err error
			switch st.do {
			case "reserve":
				err = s.ReserveSignIn(ctx, st.user, st.source, st.at, testLimits)
			case "success":
				err = s.SignInSucceeded(ctx, st.user, st.source, st.at)
			case "release":
				err = s.ReleaseSignIn(ctx, st.user, st.source)
			}
			var te *ThrottledError
			switch {
			case st.wantErr.IsZero() && err != nil:
				t.Errorf("%s: %s(%s, %s) = %v, want nil", st.name, st.do, st.user, st.source, err)
			case !st.wantErr.IsZero() && (!errors.As(err, &te) || !errors.Is(err, ErrThrottled) || !te.Until.Equal(st.wantErr)):
				t.Errorf("%s: %s(%s, %s) = %v, want throttled until %v", st.name, st.do, st.user, st.source, err, st.wantErr)
			}
		}
		if u, err := s.User(ctx, "alice"); err != nil || !u.LastLoginAt.Equal(t0.Add(13*time.Minute)) {
			t.Errorf("User(alice) = %+v, %v; want LastLoginAt at the success", u, err)
		}
		if err := s.SignInSucceeded(ctx, "nobody", "192.0.2.1", t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("SignInSucceeded(nobody) = %v, want ErrNotFound", err)
		}

		// A new password forgets the attempts and the trust.
		if err := s.SetPassword(ctx, "alice", "new hash"); err != nil {
			t.Fatal(err)
		}
		for i := range testLimits.PerSource {
			if err := s.ReserveSignIn(ctx, "alice", "192.0.2.1", t0.Add(16*time.Minute), testLimits); err != nil {
				t.Errorf("attempt %d after SetPassword: %v", i, err)
			}
		}
	})
}

// TestReserveSignInConcurrent: however many attempts arrive at once, on two
// instances sharing the database, no more than the limit are let through.
func TestReserveSignInConcurrent(t *testing.T) {
	for _, dialect := range []string{SQLite, Postgres} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			var url, path string
			if dialect == SQLite {
				path = filepath.Join(t.TempDir(), "store.db")
			} else {
				url = newPostgresDB(t)
			}
			var instances [2]*Store
			for i := range instances {
				st, err := Open(context.Background(), url, path)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				instances[i] = st
			}
			const n = 40
			var (
				wg        sync.WaitGroup
				start     = make(chan struct{})
				allowed   atomic.Int32
				throttled atomic.Int32
			)
			for i := range n {
				wg.Go(func() {
					<-start
					err := instances[i%2].ReserveSignIn(context.Background(), "alice", "192.0.2.1", t0, testLimits)
					switch {
					case err == nil:
						allowed.Add(1)
					case errors.Is(err, ErrThrottled):
						throttled.Add(1)
					default:
						t.Errorf("ReserveSignIn() = %v", err)
					}
				})
			}
			close(start)
			wg.Wait()
			if a, th := allowed.Load(), throttled.Load(); a != int32(testLimits.PerSource) || th != n-a {
				t.Errorf("%d concurrent attempts: %d allowed, %d throttled; want %d allowed, the rest throttled", n, a, th, testLimits.PerSource)
			}
		})
	}
}

// TestSignInBadNames: names no account can have never reach the database,
// which on PostgreSQL would answer NUL and invalid UTF-8 with an error.
func TestSignInBadNames(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, name := range []string{"al\x00ice", "al\xffice", "", "a\nb"} {
			if _, err := s.User(ctx, name); !errors.Is(err, ErrNotFound) {
				t.Errorf("User(%q) = %v, want ErrNotFound", name, err)
			}
			if err := s.ReserveSignIn(ctx, name, "192.0.2.1", t0, testLimits); err == nil || errors.Is(err, ErrUnavailable) {
				t.Errorf("ReserveSignIn(%q) = %v, want a validation error", name, err)
			}
		}
		if err := s.ReserveSignIn(ctx, "alice", "", t0, testLimits); err == nil {
			t.Errorf("ReserveSignIn with an empty source = nil, want an error")
		}
	})
}

func TestDeleteStaleSignIns(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.CreateUser(ctx, "alice", "hash", t0); err != nil {
			t.Fatal(err)
		}
		for _, src := range []string{"192.0.2.1", "192.0.2.2"} {
			if err := s.ReserveSignIn(ctx, "alice", src, t0, testLimits); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SignInSucceeded(ctx, "alice", "192.0.2.1", t0); err != nil {
			t.Fatal(err)
		}
		// After the windows: the failed source and the account row go, the
		// trusted source stays until its trust runs out.
		n, err := s.DeleteStaleSignIns(ctx, t0.Add(2*time.Hour), testLimits.Trusted)
		if err != nil || n != 2 {
			t.Errorf("DeleteStaleSignIns() = %d, %v; want 2", n, err)
		}
		n, err = s.DeleteStaleSignIns(ctx, t0.Add(testLimits.Trusted), testLimits.Trusted)
		if err != nil || n != 1 {
			t.Errorf("DeleteStaleSignIns() after the trust = %d, %v; want 1", n, err)
		}
	})
}

func TestUpgradePasswordHash(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.CreateUser(ctx, "alice", "old hash", t0); err != nil {
			t.Fatal(err)
		}
		se := testSession(t, "alice")
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		if ok, err := s.UpgradePasswordHash(ctx, "alice", "old hash", "new hash"); !ok || err != nil {
			t.Errorf("UpgradePasswordHash() = %v, %v; want true", ok, err)
		}
		if u, _ := s.User(ctx, "alice"); u.PasswordHash != "new hash" {
			t.Errorf("hash after the upgrade = %q, want %q", u.PasswordHash, "new hash")
		}
		if _, err := s.Session(ctx, se.IDHash); err != nil {
			t.Errorf("Session() after the upgrade = %v, want it kept", err)
		}
		// The password changed since it was checked: leave the new one.
		if ok, err := s.UpgradePasswordHash(ctx, "alice", "old hash", "newer hash"); ok || err != nil {
			t.Errorf("UpgradePasswordHash() of a changed hash = %v, %v; want false, nil", ok, err)
		}
		if u, _ := s.User(ctx, "alice"); u.PasswordHash != "new hash" {
			t.Errorf("hash = %q, want %q", u.PasswordHash, "new hash")
		}
	})
}
