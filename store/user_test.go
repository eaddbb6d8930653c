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
