package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// RowError says which link of a CreateLinks call failed; Index counts from 0
// in the slice given.
type RowError struct {
	Index int
	Err   error
}

func (e *RowError) Error() string { return fmt.Sprintf("link %d: %v", e.Index, e.Err) }
func (e *RowError) Unwrap() error { return e.Err }

const linkCols = "id, token_hash, email, name, type, created_by, created_at, expires_at, max_downloads, downloads, opens, revoked_at, revoked_by, services"

func scanLink(row interface{ Scan(...any) error }) (Link, error) {
	var l Link
	err := row.Scan(&l.ID, &l.TokenHash, &l.Email, &l.Name, &l.Type, &l.CreatedBy, tc(&l.CreatedAt), tc(&l.ExpiresAt),
		&l.MaxDownloads, &l.Downloads, &l.Opens, tc(&l.RevokedAt), &l.RevokedBy, &l.Services)
	if errors.Is(err, sql.ErrNoRows) {
		return Link{}, ErrNotFound
	}
	return l, err
}

// CreateLink stores a new link and its "created" event (by l.CreatedBy, at
// l.CreatedAt) in one transaction and returns it with its ID, its times in
// UTC and its counters at zero. Downloads, Opens, RevokedAt and RevokedBy of
// l are ignored. ErrExists if the token hash is taken.
func (s *Store) CreateLink(ctx context.Context, l Link) (Link, error) {
	if err := l.validate(); err != nil {
		return Link{}, fmt.Errorf("store: create link: %w", err)
	}
	err := s.tx(ctx, "create link", func(tx *sql.Tx) error {
		var err error
		l, err = s.insertLink(ctx, tx, l)
		return err
	})
	if err != nil {
		return Link{}, err
	}
	return l, nil
}

// CreateLinks stores several links as CreateLink does, all or none in one
// transaction. When a link fails, the error wraps a *RowError with its index,
// which itself wraps the cause (ErrExists for a taken token hash).
func (s *Store) CreateLinks(ctx context.Context, ls []Link) ([]Link, error) {
	for i, l := range ls {
		if err := l.validate(); err != nil {
			return nil, fmt.Errorf("store: create links: %w", &RowError{Index: i, Err: err})
		}
	}
	out := make([]Link, 0, len(ls))
	err := s.tx(ctx, "create links", func(tx *sql.Tx) error {
		for i, l := range ls {
			l, err := s.insertLink(ctx, tx, l)
			if err != nil {
				return &RowError{Index: i, Err: err}
			}
			out = append(out, l)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Store) insertLink(ctx context.Context, tx *sql.Tx, l Link) (Link, error) {
	l.ID, l.Downloads, l.Opens, l.RevokedAt, l.RevokedBy = 0, 0, 0, time.Time{}, ""
	l.CreatedAt, l.ExpiresAt = normTime(l.CreatedAt), normTime(l.ExpiresAt)
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO links
		(token_hash, email, name, type, created_by, created_at, expires_at, max_downloads, services)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		l.TokenHash, l.Email, l.Name, l.Type, l.CreatedBy, s.t(l.CreatedAt), s.t(l.ExpiresAt), l.MaxDownloads, l.Services).Scan(&l.ID)
	if isUniqueViolation(err) {
		return Link{}, ErrExists
	}
	if err != nil {
		return Link{}, err
	}
	err = s.insertEvent(ctx, tx, Event{LinkID: l.ID, At: l.CreatedAt, Kind: EventCreated, Actor: l.CreatedBy})
	return l, err
}

// LinkByTokenHash returns the link with this token hash, whatever its state;
// ErrNotFound if there is none.
func (s *Store) LinkByTokenHash(ctx context.Context, hash []byte) (Link, error) {
	l, err := scanLink(s.rdb.QueryRowContext(ctx, s.q("SELECT "+linkCols+" FROM links WHERE token_hash = ?"), hash))
	return l, s.fail("get link", err)
}

// LinkByID returns a link, whatever its state; ErrNotFound if there is none.
func (s *Store) LinkByID(ctx context.Context, id int64) (Link, error) {
	l, err := scanLink(s.rdb.QueryRowContext(ctx, s.q("SELECT "+linkCols+" FROM links WHERE id = ?"), id))
	return l, s.fail("get link", err)
}

// Revoke revokes a link at now on behalf of the helpdesk user by, and records
// a "revoked" event, in one transaction. An expired or used-up link can be
// revoked too. Revoking a link that is already revoked changes nothing and
// returns nil, so that a double click is harmless. ErrNotFound if there is no
// such link.
func (s *Store) Revoke(ctx context.Context, id int64, by string, now time.Time) error {
	if err := checkText("revoker", by, true, maxUserName); err != nil {
		return fmt.Errorf("store: revoke link: %w", err)
	}
	return s.tx(ctx, "revoke link", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE links SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL"),
			s.t(now), by, id)
		err = oneRow(res, err)
		if errors.Is(err, ErrNotFound) {
			var n int
			if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM links WHERE id = ?"), id).Scan(&n); err != nil {
				return err
			}
			if n == 1 {
				return nil // already revoked
			}
		}
		if err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, Event{LinkID: id, At: now, Kind: EventRevoked, Actor: by})
	})
}

// LinkFilter selects links for Links. Zero fields match everything.
type LinkFilter struct {
	Email     string    // case-insensitive substring of the address (ASCII case folding)
	CreatedBy string    // exact helpdesk user name
	State     LinkState // 0 for any state
	Now       time.Time // the time states are judged at; required with State
	Limit     int       // at most this many links; 0 for no limit
	Offset    int       // skip this many first
}

// Links returns the links that match f, newest first.
func (s *Store) Links(ctx context.Context, f LinkFilter) ([]Link, error) {
	var (
		where []string
		args  []any
	)
	if f.Email != "" {
		where = append(where, `LOWER(email) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(strings.ToLower(f.Email))+"%")
	}
	if f.CreatedBy != "" {
		where = append(where, "created_by = ?")
		args = append(args, f.CreatedBy)
	}
	if f.State != 0 {
		if f.Now.IsZero() {
			return nil, errors.New("store: list links: a state filter needs Now")
		}
		switch f.State {
		case LinkRevoked:
			where = append(where, "revoked_at IS NOT NULL")
		case LinkExpired:
			where = append(where, "revoked_at IS NULL AND expires_at <= ?")
			args = append(args, s.t(f.Now))
		case LinkUsedUp:
			where = append(where, "revoked_at IS NULL AND expires_at > ? AND downloads >= max_downloads")
			args = append(args, s.t(f.Now))
		case LinkActive:
			where = append(where, "revoked_at IS NULL AND expires_at > ? AND downloads < max_downloads")
			args = append(args, s.t(f.Now))
		default:
			return nil, fmt.Errorf("store: list links: unknown state %d", int(f.State))
		}
	}
	query := "SELECT " + linkCols + " FROM links"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY created_at DESC, id DESC"
	query, args = s.paged(query, args, f.Limit, f.Offset)

	rows, err := s.rdb.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.fail("list links", err)
	}
	defer rows.Close()
	var ls []Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, s.fail("list links", err)
		}
		ls = append(ls, l)
	}
	return ls, s.fail("list links", rows.Err())
}

// escapeLike makes s match itself in a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// paged adds LIMIT and OFFSET to query: at most limit rows (0: all),
// after skipping offset.
func (s *Store) paged(query string, args []any, limit, offset int) (string, []any) {
	switch {
	case limit > 0:
		query += " LIMIT ?"
		args = append(args, limit)
	case offset > 0 && s.dialect == SQLite:
		query += " LIMIT -1" // SQLite has no OFFSET without LIMIT
	}
	if offset > 0 {
		query += " OFFSET ?"
		args = append(args, offset)
	}
	return query, args
}
