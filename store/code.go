package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Code is a short code that stands for a link for a few minutes, once.
// The store keeps only MAC, a keyed hash of the code, and Sealed, the
// link's token sealed with a key derived from the code: neither gives the
// code or the token without the installation's secret and the code.
type Code struct {
	MAC       []byte
	LinkID    int64
	Sealed    []byte
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateCode stores c and records a "code_made" event by c.CreatedBy, in
// one transaction. A spent or expired code with the same MAC is replaced;
// a live one gives ErrExists (the caller draws another code).
func (s *Store) CreateCode(ctx context.Context, c Code) error {
	switch {
	case len(c.MAC) == 0 || len(c.Sealed) == 0:
		return errors.New("store: create code: empty MAC or sealed token")
	case c.CreatedAt.IsZero() || !c.ExpiresAt.After(c.CreatedAt):
		return errors.New("store: create code: expiry must be after creation")
	}
	if err := checkText("creator", c.CreatedBy, true, maxUserName); err != nil {
		return fmt.Errorf("store: create code: %w", err)
	}
	return s.tx(ctx, "create code", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM link_codes WHERE code_mac = ? AND (used_at IS NOT NULL OR expires_at <= ?)"),
			c.MAC, s.t(c.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO link_codes (code_mac, link_id, sealed_token, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?)`), c.MAC, c.LinkID, c.Sealed, c.CreatedBy, s.t(c.CreatedAt), s.t(c.ExpiresAt))
		if isUniqueViolation(err) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, Event{LinkID: c.LinkID, At: c.CreatedAt, Kind: EventCodeMade, Actor: c.CreatedBy})
	})
}

// RedeemCode spends the code with this MAC at now and records a
// "code_used" event e (LinkID, Kind and At are set here), in one
// transaction, and returns the code. ErrNotFound when there is no such
// code, or it was used or has expired: the one answer for all three, so
// that a guesser learns nothing. The spend is one conditional UPDATE, so
// a code is used once however many instances race for it.
func (s *Store) RedeemCode(ctx context.Context, mac []byte, now time.Time, e Event) (Code, error) {
	c := Code{MAC: mac}
	err := s.tx(ctx, "redeem code", func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.q(`UPDATE link_codes SET used_at = ?
			WHERE code_mac = ? AND used_at IS NULL AND expires_at > ?
			RETURNING link_id, sealed_token, created_by, created_at, expires_at`), s.t(now), mac, s.t(now)).
			Scan(&c.LinkID, &c.Sealed, &c.CreatedBy, tc(&c.CreatedAt), tc(&c.ExpiresAt))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		e.LinkID, e.Kind, e.At = c.LinkID, EventCodeUsed, now
		return s.insertEvent(ctx, tx, e)
	})
	if err != nil {
		return Code{}, err
	}
	return c, nil
}

// DeleteStaleCodes forgets the codes that expired or were used before
// before, and the attempt counts whose window ended by then, and returns
// how many codes went.
func (s *Store) DeleteStaleCodes(ctx context.Context, before time.Time) (int64, error) {
	var n int64
	err := s.tx(ctx, "delete stale codes", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM link_codes WHERE expires_at <= ? OR used_at <= ?"), s.t(before), s.t(before))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q("DELETE FROM code_attempts WHERE window_end <= ?"), s.t(before))
		return err
	})
	return n, err
}

// CodeLimits bounds the attempts at typing a short code: PerSource in a
// window of SourceWindow from one client source, Global in a window of
// GlobalWindow from all of them.
type CodeLimits struct {
	PerSource    int
	SourceWindow time.Duration
	Global       int
	GlobalWindow time.Duration
}

// codeLockKey is the PostgreSQL advisory lock that serializes the
// counting of code attempts ("mpcode").
const codeLockKey int64 = 0x6d70636f6465

// globalSource is the code_attempts row of all sources together.
const globalSource = ""

// ReserveCodeAttempt counts an attempt at a short code from source at now,
// before the code is looked up, so that no more codes are tried than lim
// allows, however many attempts arrive at once on however many instances.
// It returns a *ThrottledError (nothing counted) when lim refuses.
func (s *Store) ReserveCodeAttempt(ctx context.Context, source string, now time.Time, lim CodeLimits) error {
	if err := checkText("code source", source, true, maxSource); err != nil {
		return fmt.Errorf("store: reserve code attempt: %w", err)
	}
	var until time.Time
	err := s.tx(ctx, "reserve code attempt", func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", codeLockKey); err != nil {
				return err
			}
		}
		src, err := s.readCodeAttempts(ctx, tx, source)
		if err != nil {
			return err
		}
		all, err := s.readCodeAttempts(ctx, tx, globalSource)
		if err != nil {
			return err
		}
		src.roll(now, lim.SourceWindow)
		all.roll(now, lim.GlobalWindow)
		switch {
		case src.count >= lim.PerSource:
			until = src.windowEnd
			return nil
		case all.count >= lim.Global:
			until = all.windowEnd
			return nil
		}
		src.count++
		all.count++
		for _, r := range []struct {
			source string
			a      attempts
		}{{source, src}, {globalSource, all}} {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO code_attempts (source, attempts, window_end) VALUES (?, ?, ?)
				ON CONFLICT (source) DO UPDATE SET attempts = excluded.attempts, window_end = excluded.window_end`),
				r.source, r.a.count, s.t(r.a.windowEnd)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return &ThrottledError{Until: until}
	}
	return nil
}

func (s *Store) readCodeAttempts(ctx context.Context, tx *sql.Tx, source string) (attempts, error) {
	var a attempts
	err := tx.QueryRowContext(ctx, s.q("SELECT attempts, window_end FROM code_attempts WHERE source = ?"), source).
		Scan(&a.count, tc(&a.windowEnd))
	if errors.Is(err, sql.ErrNoRows) {
		return attempts{}, nil
	}
	return a, err
}
