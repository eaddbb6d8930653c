package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a signed-in helpdesk session, kept on the server. The cookie
// holds a token from NewToken; the store holds only its hash.
type Session struct {
	IDHash    []byte // HashToken of the cookie value
	UserName  string
	CSRFToken string // sent with every form of this session
	CreatedAt time.Time
	LastSeen  time.Time // for the idle timeout, which the caller checks
	ExpiresAt time.Time // absolute expiry
}

const sessionCols = "id_hash, user_name, csrf_token, created_at, last_seen, expires_at"

func scanSession(row interface{ Scan(...any) error }) (Session, error) {
	var se Session
	err := row.Scan(&se.IDHash, &se.UserName, &se.CSRFToken, tc(&se.CreatedAt), tc(&se.LastSeen), tc(&se.ExpiresAt))
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, ErrNotFound
	}
	return se, err
}

// CreateSession stores a new session; ErrExists if its IDHash is taken. The
// user name is not checked against the accounts, so that a name vouched for
// by a single-sign-on proxy can have a session too.
func (s *Store) CreateSession(ctx context.Context, se Session) error {
	switch {
	case len(se.IDHash) != sha256.Size:
		return fmt.Errorf("store: create session: id hash is %d bytes, want %d", len(se.IDHash), sha256.Size)
	case se.CSRFToken == "":
		return errors.New("store: create session: empty CSRF token")
	case se.CreatedAt.IsZero() || !se.ExpiresAt.After(se.CreatedAt):
		return errors.New("store: create session: expiry must be after creation")
	}
	if err := ValidateUserName(se.UserName); err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	if se.LastSeen.IsZero() {
		se.LastSeen = se.CreatedAt
	}
	return s.tx(ctx, "create session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q("INSERT INTO sessions ("+sessionCols+") VALUES (?, ?, ?, ?, ?, ?)"),
			se.IDHash, se.UserName, se.CSRFToken, s.t(se.CreatedAt), s.t(se.LastSeen), s.t(se.ExpiresAt))
		if isUniqueViolation(err) {
			return ErrExists
		}
		return err
	})
}

// Session returns the session with this id hash, even an expired one (the
// caller compares ExpiresAt and LastSeen with its clock); ErrNotFound if there
// is none.
func (s *Store) Session(ctx context.Context, idHash []byte) (Session, error) {
	se, err := scanSession(s.rdb.QueryRowContext(ctx, s.q("SELECT "+sessionCols+" FROM sessions WHERE id_hash = ?"), idHash))
	return se, s.fail("get session", err)
}

// TouchSession sets a session's LastSeen to now; ErrNotFound if it is gone.
func (s *Store) TouchSession(ctx context.Context, idHash []byte, now time.Time) error {
	return s.tx(ctx, "touch session", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE sessions SET last_seen = ? WHERE id_hash = ?"), s.t(now), idHash)
		return oneRow(res, err)
	})
}

// DeleteSession ends a session. Ending one that does not exist is not an
// error, so that signing out twice is harmless.
func (s *Store) DeleteSession(ctx context.Context, idHash []byte) error {
	return s.tx(ctx, "delete session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE id_hash = ?"), idHash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions whose absolute expiry is at or
// before now and returns how many it removed. Sessions that are only idle are
// left to the caller's check.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.tx(ctx, "delete expired sessions", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM sessions WHERE expires_at <= ?"), s.t(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
