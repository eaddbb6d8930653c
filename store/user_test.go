package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestUsers(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for _, name := range []string{"carol", "alice", "bob"} {
			if err := s.CreateUser(ctx, name, "hash-"+name, t0); err != nil {
				t.Fatalf("CreateUser(%q) = %v", name, err)
			}
		}
		if err := s.CreateUser(ctx, "alice", "other", t0); !errors.Is(err, ErrExists) {
			t.Errorf("CreateUser(alice) again = %v, want ErrExists", err)
		}
		if err := s.CreateUser(ctx, "bad\nname", "hash", t0); err == nil {
			t.Errorf("CreateUser(%q) = nil error, want one", "bad\nname")
		}

		u, err := s.User(ctx, "alice")
		if err != nil {
			t.Fatalf("User(alice) = %v", err)
		}
		want := User{Name: "alice", PasswordHash: "hash-alice", CreatedAt: t0}
		if u != want {
			t.Errorf("User(alice) = %+v, want %+v", u, want)
		}
		if u.CreatedAt.Location() != time.UTC {
			t.Errorf("User(alice).CreatedAt location = %v, want UTC", u.CreatedAt.Location())
		}
		if _, err := s.User(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("User(nobody) = %v, want ErrNotFound", err)
		}

		us, err := s.Users(ctx)
		if err != nil {
			t.Fatalf("Users() = %v", err)
		}
		var names []string
		for _, u := range us {
			names = append(names, u.Name)
		}
		if got, want := len(names), 3; got != want || names[0] != "alice" || names[2] != "carol" {
			t.Errorf("Users() = %v, want alice, bob, carol", names)
		}

		if err := s.SetPassword(ctx, "bob", "new-hash"); err != nil {
			t.Fatalf("SetPassword(bob) = %v", err)
		}
		if u, _ := s.User(ctx, "bob"); u.PasswordHash != "new-hash" {
			t.Errorf("after SetPassword, PasswordHash = %q, want new-hash", u.PasswordHash)
		}
		if err := s.SetPassword(ctx, "nobody", "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("SetPassword(nobody) = %v, want ErrNotFound", err)
		}
		if err := s.DeleteUser(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("DeleteUser(nobody) = %v, want ErrNotFound", err)
		}
	})
}

func TestDeleteUserKeepsHistory(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.CreateUser(ctx, "alice", "hash", t0); err != nil {
			t.Fatal(err)
		}
		se := testSession(t, "alice")
		if err := s.CreateSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		l, err := s.CreateLink(ctx, testLink(t, "bob@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUser(ctx, "alice"); err != nil {
			t.Fatalf("DeleteUser() = %v", err)
		}
		if _, err := s.User(ctx, "alice"); !errors.Is(err, ErrNotFound) {
			t.Errorf("User() after DeleteUser = %v, want ErrNotFound", err)
		}
		if _, err := s.Session(ctx, se.IDHash); !errors.Is(err, ErrNotFound) {
			t.Errorf("Session() after DeleteUser = %v, want ErrNotFound", err)
		}
		got, err := s.LinkByID(ctx, l.ID)
		if err != nil || got.CreatedBy != "alice" {
			t.Errorf("LinkByID() after DeleteUser = %+v, %v, want alice's link", got, err)
		}
		if es, err := s.Events(ctx, l.ID); err != nil || len(es) != 1 || es[0].Actor != "alice" {
			t.Errorf("Events() after DeleteUser = %+v, %v, want alice's created event", es, err)
		}
	})
}

func TestLoginFailuresLockTheAccount(t *testing.T) {
	eachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.CreateUser(ctx, "alice", "hash", t0); err != nil {
			t.Fatal(err)
		}
		const max, lockFor = 3, 15 * time.Minute
		steps := []struct {
			name         string
			at           time.Time
			success      bool
			wantFailures int
			wantLocked   time.Time // zero: not locked
		}{
			{name: "first failure", at: t0, wantFailures: 1},
			{name: "second failure", at: t0.Add(time.Second), wantFailures: 2},
			{name: "third failure locks", at: t0.Add(2 * time.Second), wantFailures: 3, wantLocked: t0.Add(2*time.Second + lockFor)},
			{name: "failure while locked extends", at: t0.Add(time.Minute), wantFailures: 4, wantLocked: t0.Add(time.Minute + lockFor)},
			{name: "failure after the lock restarts the count", at: t0.Add(time.Hour), wantFailures: 1},
			{name: "success clears", at: t0.Add(time.Hour + time.Second), success: true},
			{name: "counting starts again", at: t0.Add(2 * time.Hour), wantFailures: 1},
		}
		for _, st := range steps {
			var u User
			var err error
			if st.success {
				if err = s.RecordLoginSuccess(ctx, "alice", st.at); err == nil {
					u, err = s.User(ctx, "alice")
				}
			} else {
				u, err = s.RecordLoginFailure(ctx, "alice", st.at, max, lockFor)
			}
			if err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if u.FailedLogins != st.wantFailures {
				t.Errorf("%s: FailedLogins = %d, want %d", st.name, u.FailedLogins, st.wantFailures)
			}
			if got := u.Locked(st.at); got != !st.wantLocked.IsZero() {
				t.Errorf("%s: Locked() = %v, want %v", st.name, got, !st.wantLocked.IsZero())
			}
			if !st.wantLocked.IsZero() && !u.LockedUntil.Equal(st.wantLocked) {
				t.Errorf("%s: LockedUntil = %v, want %v", st.name, u.LockedUntil, st.wantLocked)
			}
			if stored, _ := s.User(ctx, "alice"); stored.FailedLogins != u.FailedLogins || !stored.LockedUntil.Equal(u.LockedUntil) {
				t.Errorf("%s: stored %+v, returned %+v", st.name, stored, u)
			}
		}
		if u, _ := s.User(ctx, "alice"); !u.LastLoginAt.Equal(t0.Add(time.Hour + time.Second)) {
			t.Errorf("LastLoginAt = %v, want the successful sign-in", u.LastLoginAt)
		}

		if _, err := s.RecordLoginFailure(ctx, "alice", t0.Add(3*time.Hour), max, lockFor); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordLoginFailure(ctx, "alice", t0.Add(3*time.Hour), max, lockFor); err != nil {
			t.Fatal(err)
		}
		u, err := s.RecordLoginFailure(ctx, "alice", t0.Add(3*time.Hour), max, lockFor)
		if err != nil || !u.Locked(t0.Add(3*time.Hour)) {
			t.Fatalf("RecordLoginFailure() = %+v, %v, want a locked account", u, err)
		}
		if err := s.SetPassword(ctx, "alice", "new"); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.User(ctx, "alice"); u.Locked(t0.Add(3*time.Hour)) || u.FailedLogins != 0 {
			t.Errorf("after SetPassword, user = %+v, want unlocked with no failures", u)
		}

		if _, err := s.RecordLoginFailure(ctx, "nobody", t0, max, lockFor); !errors.Is(err, ErrNotFound) {
			t.Errorf("RecordLoginFailure(nobody) = %v, want ErrNotFound", err)
		}
		if err := s.RecordLoginSuccess(ctx, "nobody", t0); !errors.Is(err, ErrNotFound) {
			t.Errorf("RecordLoginSuccess(nobody) = %v, want ErrNotFound", err)
		}
	})
}
