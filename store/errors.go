package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

var (
	// ErrNotFound is returned when the user, session or link does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrExists is returned when a user, session or link token already exists.
	ErrExists = errors.New("store: already exists")
	// ErrGone is matched (with errors.Is) by a *GoneError: the link exists but
	// can no longer be used.
	ErrGone = errors.New("store: link can no longer be used")
	// ErrUnavailable is matched by errors that come from not reaching the
	// database (connection refused, network failure, server shutting down,
	// SQLite file locked or unreadable); the web layer answers them with 503.
	ErrUnavailable = errors.New("store: database unavailable")
)

// GoneError says why a link can no longer be used. errors.Is(err, ErrGone)
// is true for it.
type GoneError struct {
	State LinkState
}

func (e *GoneError) Error() string {
	return "store: link is " + strings.ReplaceAll(e.State.String(), "-", " ")
}

// Is makes errors.Is(err, ErrGone) true.
func (e *GoneError) Is(target error) bool { return target == ErrGone }

// unavailableError wraps a driver error that means the database could not be
// reached, so that errors.Is(err, ErrUnavailable) holds while the cause stays
// available to errors.As.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string   { return "store: database unavailable: " + e.err.Error() }
func (e *unavailableError) Unwrap() error   { return e.err }
func (e *unavailableError) Is(t error) bool { return t == ErrUnavailable }

// redactedError replaces the message of err, which contained the database
// password, keeping err for errors.Is and errors.As.
type redactedError struct {
	err error
	msg string
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact returns err with every occurrence of each secret in its message
// replaced, the longest first, so that no part of one is left behind.
func redact(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	sorted := slices.SortedFunc(slices.Values(secrets), func(a, b string) int { return len(b) - len(a) })
	for _, secret := range sorted {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, mask)
		}
	}
	if msg == err.Error() {
		return err
	}
	return &redactedError{err: err, msg: msg}
}

// fail turns a driver error into the error the store returns: wrapped in
// ErrUnavailable when the database could not be reached, described by op,
// and without the password.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	err = redact(err, s.secrets...)
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) || errors.Is(err, ErrGone) || errors.Is(err, ErrUnavailable) {
		return err
	}
	if unavailable(err) {
		return &unavailableError{fmt.Errorf("%s: %w", op, err)}
	}
	return fmt.Errorf("store: %s: %w", op, err)
}

// unavailable tells whether err means the database could not be reached, as
// opposed to a bad query or a constraint.
func unavailable(err error) bool {
	if errors.Is(err, ErrUnavailable) {
		return true
	}
	if errors.Is(err, context.Canceled) {
		return false // the caller gave up; the database may be fine
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) || pgconn.Timeout(err) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-03: the server is shutting
		// down or starting; 53300: too many connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" ||
			pgErr.Code == "57P02" || pgErr.Code == "57P03" || pgErr.Code == "53300"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR,
			sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL:
			return true
		}
	}
	return false
}

// isUniqueViolation tells whether err is a unique or primary key violation.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		c := liteErr.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
