package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"time"
)

// SignInLimits is the sign-in throttle that ReserveSignIn enforces. The
// caller (the web layer) chooses the numbers; the README gives them.
type SignInLimits struct {
	// PerSource attempts at one name from one source are allowed in a
	// window of SourceWindow, which starts at the first of them.
	PerSource    int
	SourceWindow time.Duration
	// PerAccount attempts at one name from all sources together are
	// allowed in a window of AccountWindow. Past that, only sources that
	// signed in to the account within Trusted may try.
	PerAccount    int
	AccountWindow time.Duration
	Trusted       time.Duration
}

// ErrThrottled is matched (with errors.Is) by a *ThrottledError.
var ErrThrottled = errors.New("store: too many sign-in attempts")

// ThrottledError says until when a sign-in may not be tried.
type ThrottledError struct {
	Until time.Time
}

func (e *ThrottledError) Error() string {
	return "store: too many sign-in attempts until " + e.Until.UTC().Format(time.RFC3339)
}

// Is makes errors.Is(err, ErrThrottled) true.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// accountSource is the source of the row that counts an account's
// attempts from every source; no address is empty.
const accountSource = ""

// maxSource bounds a source, in bytes: an IPv6 address with a zone fits.
const maxSource = 64

// signInLockClass is the first key of the PostgreSQL advisory lock that
// serializes the attempts at one name ("mp" in ASCII); the second is a
// hash of the name.
const signInLockClass int32 = 0x6d70

// attempts is one row of sign_in_attempts.
type attempts struct {
	count       int
	windowEnd   time.Time
	lastSuccess time.Time
}

// ReserveSignIn counts an attempt to sign in as name from source at now,
// before its password is checked, so that however many attempts arrive at
// once, on however many instances sharing the database, no more passwords
// are checked than lim allows. It returns a *ThrottledError when lim
// refuses the attempt (nothing is counted then). Every name is counted
// alike, whether an account has it or not, so that throttling does not
// tell which names exist. The caller calls SignInSucceeded when the
// password was right, or ReleaseSignIn when it was not checked at all; a
// wrong password needs nothing more.
func (s *Store) ReserveSignIn(ctx context.Context, name, source string, now time.Time, lim SignInLimits) error {
	if err := checkSignIn(name, source); err != nil {
		return fmt.Errorf("store: reserve sign-in: %w", err)
	}
	var until time.Time
	err := s.tx(ctx, "reserve sign-in", func(tx *sql.Tx) error {
		src, acct, err := s.lockAttempts(ctx, tx, name, source)
		if err != nil {
			return err
		}
		src.roll(now, lim.SourceWindow)
		acct.roll(now, lim.AccountWindow)
		trusted := !src.lastSuccess.IsZero() && now.Sub(src.lastSuccess) < lim.Trusted
		switch {
		case src.count >= lim.PerSource:
			until = src.windowEnd
			return nil
		case acct.count >= lim.PerAccount && !trusted:
			until = acct.windowEnd
			return nil
		}
		src.count++
		acct.count++
		return s.putAttempts(ctx, tx, name, source, src, acct)
	})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return &ThrottledError{Until: until}
	}
	return nil
}

// ReleaseSignIn takes back an attempt that ReserveSignIn counted but whose
// password was never checked (the server was too busy).
func (s *Store) ReleaseSignIn(ctx context.Context, name, source string) error {
	if err := checkSignIn(name, source); err != nil {
		return fmt.Errorf("store: release sign-in: %w", err)
	}
	return s.tx(ctx, "release sign-in", func(tx *sql.Tx) error {
		src, acct, err := s.lockAttempts(ctx, tx, name, source)
		if err != nil {
			return err
		}
		src.count = max(src.count-1, 0)
		acct.count = max(acct.count-1, 0)
		return s.putAttempts(ctx, tx, name, source, src, acct)
	})
}

// SignInSucceeded records that name signed in from source at now: the
// source's attempts start again from zero and it becomes trusted for the
// account (see SignInLimits.Trusted), the account's count gives back this
// attempt, and the account's LastLoginAt is now. ErrNotFound if there is
// no such account.
func (s *Store) SignInSucceeded(ctx context.Context, name, source string, now time.Time) error {
	if err := checkSignIn(name, source); err != nil {
		return fmt.Errorf("store: record sign-in: %w", err)
	}
	return s.tx(ctx, "record sign-in", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE users SET last_login_at = ? WHERE name = ?"), s.t(now), name)
		if err := oneRow(res, err); err != nil {
			return err
		}
		src, acct, err := s.lockAttempts(ctx, tx, name, source)
		if err != nil {
			return err
		}
		src.count, src.lastSuccess = 0, normTime(now)
		if src.windowEnd.IsZero() {
			src.windowEnd = normTime(now)
		}
		acct.count = max(acct.count-1, 0)
		return s.putAttempts(ctx, tx, name, source, src, acct)
	})
}

// DeleteStaleSignIns forgets the attempts whose window ended by now, except
// those that keep a source trusted (a success within trusted of now). It
// returns how many rows went.
func (s *Store) DeleteStaleSignIns(ctx context.Context, now time.Time, trusted time.Duration) (int64, error) {
	res, err := s.db.ExecContext(ctx, s.q("DELETE FROM sign_in_attempts WHERE window_end <= ? AND (last_success IS NULL OR last_success <= ?)"),
		s.t(now), s.t(now.Add(-trusted)))
	if err != nil {
		return 0, s.fail("delete stale sign-ins", err)
	}
	n, err := res.RowsAffected()
	return n, s.fail("delete stale sign-ins", err)
}

// checkSignIn refuses what no database should see: a name no account can
// have (PostgreSQL refuses NUL and invalid UTF-8 with an error) and an
// empty or overlong source.
func checkSignIn(name, source string) error {
	if err := ValidateUserName(name); err != nil {
		return err
	}
	return checkText("sign-in source", source, true, maxSource)
}

// lockAttempts reads the rows of name from source and of the whole
// account, locked for the rest of tx: SQLite's write transactions are
// serial already; on PostgreSQL an advisory lock on the name serializes
// the attempts at one name across instances, whether its rows exist yet
// or not.
func (s *Store) lockAttempts(ctx context.Context, tx *sql.Tx, name, source string) (src, acct attempts, err error) {
	if s.dialect == Postgres {
		h := fnv.New32a()
		h.Write([]byte(name))
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1, $2)", signInLockClass, int32(h.Sum32())); err != nil {
			return src, acct, err
		}
	}
	if src, err = s.readAttempts(ctx, tx, name, source); err != nil {
		return src, acct, err
	}
	acct, err = s.readAttempts(ctx, tx, name, accountSource)
	return src, acct, err
}

func (s *Store) readAttempts(ctx context.Context, tx *sql.Tx, name, source string) (attempts, error) {
	var a attempts
	err := tx.QueryRowContext(ctx, s.q("SELECT attempts, window_end, last_success FROM sign_in_attempts WHERE user_name = ? AND source = ?"),
		name, source).Scan(&a.count, tc(&a.windowEnd), tc(&a.lastSuccess))
	if errors.Is(err, sql.ErrNoRows) {
		return attempts{}, nil
	}
	return a, err
}

// putAttempts writes both rows back.
func (s *Store) putAttempts(ctx context.Context, tx *sql.Tx, name, source string, src, acct attempts) error {
	const upsert = `INSERT INTO sign_in_attempts (user_name, source, attempts, window_end, last_success) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_name, source) DO UPDATE SET attempts = excluded.attempts, window_end = excluded.window_end, last_success = excluded.last_success`
	for _, r := range []struct {
		source string
		a      attempts
	}{{source, src}, {accountSource, acct}} {
		if r.a.windowEnd.IsZero() {
			continue // never counted, nothing to keep
		}
		if _, err := tx.ExecContext(ctx, s.q(upsert), name, r.source, r.a.count, s.t(r.a.windowEnd), s.t(r.a.lastSuccess)); err != nil {
			return err
		}
	}
	return nil
}

// roll starts a new window at now when the last one has ended.
func (a *attempts) roll(now time.Time, window time.Duration) {
	if !now.Before(a.windowEnd) {
		a.count, a.windowEnd = 0, normTime(now.Add(window))
	}
}
