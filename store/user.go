package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// maxUserName bounds a helpdesk account name, in bytes.
const maxUserName = 64

// User is a helpdesk account.
type User struct {
	Name         string
	PasswordHash string // from HashPassword
	CreatedAt    time.Time
	LastLoginAt  time.Time // last successful sign-in; zero if none
}

// ValidateUserName reports whether name can name an account: 1 to 64 bytes of
// UTF-8 without control characters. Its error is safe to show.
func ValidateUserName(name string) error {
	if err := checkText("user name", name, true, maxUserName); err != nil {
		return err
	}
	return nil
}

const userCols = "name, password_hash, created_at, last_login_at"

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	err := row.Scan(&u.Name, &u.PasswordHash, tc(&u.CreatedAt), tc(&u.LastLoginAt))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrNotFound
	}
	return u, err
}

// CreateUser adds an account; ErrExists if the name is taken.
func (s *Store) CreateUser(ctx context.Context, name, passwordHash string, now time.Time) error {
	if err := ValidateUserName(name); err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	if passwordHash == "" {
		return errors.New("store: create user: empty password hash")
	}
	return s.tx(ctx, "create user", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q("INSERT INTO users (name, password_hash, created_at) VALUES (?, ?, ?)"),
			name, passwordHash, s.t(now))
		if isUniqueViolation(err) {
			return ErrExists
		}
		return err
	})
}

// User returns an account; ErrNotFound if there is none, or if no account
// can have that name (which then never reaches the database: PostgreSQL
// answers NUL or invalid UTF-8 with an error).
func (s *Store) User(ctx context.Context, name string) (User, error) {
	if ValidateUserName(name) != nil {
		return User{}, ErrNotFound
	}
	u, err := scanUser(s.rdb.QueryRowContext(ctx, s.q("SELECT "+userCols+" FROM users WHERE name = ?"), name))
	return u, s.fail("get user", err)
}

// Users returns every account, by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.rdb.QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY name")
	if err != nil {
		return nil, s.fail("list users", err)
	}
	defer rows.Close()
	var us []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, s.fail("list users", err)
		}
		us = append(us, u)
	}
	return us, s.fail("list users", rows.Err())
}

// SetPassword replaces an account's password hash. It also ends the
// account's sessions, so that a reset password signs out whoever knew the
// old one, and forgets its sign-in attempts: the throttles start afresh,
// and no address is trusted for having signed in with the old password.
// ErrNotFound if there is no such account.
func (s *Store) SetPassword(ctx context.Context, name, passwordHash string) error {
	if passwordHash == "" {
		return errors.New("store: set password: empty password hash")
	}
	return s.tx(ctx, "set password", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE users SET password_hash = ? WHERE name = ?"), passwordHash, name)
		if err := oneRow(res, err); err != nil {
			return err
		}
		return s.forgetUser(ctx, tx, name)
	})
}

// UpgradePasswordHash replaces the hash of a password just checked against
// oldHash with newHash, a hash of the same password with today's
// parameters (see NeedsRehash). Unlike SetPassword it keeps the sessions
// and attempts, and it changes nothing, reporting false, when the hash is
// no longer oldHash (the password was changed meanwhile).
func (s *Store) UpgradePasswordHash(ctx context.Context, name, oldHash, newHash string) (bool, error) {
	if newHash == "" {
		return false, errors.New("store: upgrade password hash: empty password hash")
	}
	res, err := s.db.ExecContext(ctx, s.q("UPDATE users SET password_hash = ? WHERE name = ? AND password_hash = ?"), newHash, name, oldHash)
	if err := oneRow(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return false, s.fail("upgrade password hash", err)
	}
	return true, nil
}

// forgetUser ends the sessions of an account and forgets its sign-in
// attempts.
func (s *Store) forgetUser(ctx context.Context, tx *sql.Tx, name string) error {
	if _, err := tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE user_name = ?"), name); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.q("DELETE FROM sign_in_attempts WHERE user_name = ?"), name)
	return err
}

// DeleteUser removes an account, its sessions and its sign-in attempts.
// Links it created and audit events it caused stay, naming it as text.
// ErrNotFound if there is no such account.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	return s.tx(ctx, "delete user", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM users WHERE name = ?"), name)
		if err := oneRow(res, err); err != nil {
			return err
		}
		return s.forgetUser(ctx, tx, name)
	})
}

// oneRow turns an update that touched no row into ErrNotFound.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
