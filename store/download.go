package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// RecordOpen counts a visit to a link's page and records an "opened" event
// e (its At is required; LinkID and Kind are set here), in one transaction.
// The link's state is not checked: the caller decides whether a visit to a
// dead link is worth recording. ErrNotFound if there is no such link.
func (s *Store) RecordOpen(ctx context.Context, id int64, e Event) error {
	e.LinkID, e.Kind = id, EventOpened
	return s.tx(ctx, "record open", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("UPDATE links SET opens = opens + 1 WHERE id = ?"), id)
		if err := oneRow(res, err); err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, e)
	})
}

// RecordDownload spends one download of the link with this token hash at
// now, and records a "downloaded" event e (LinkID and Kind are set here; At
// defaults to now), in one transaction. It returns the link with the
// download counted.
//
// When the link is revoked, expired or used up at now, nothing changes and
// the error is a *GoneError with that state (errors.Is(err, ErrGone));
// ErrNotFound if there is no such link. The check and the count are one
// conditional UPDATE, so instances racing for the last download cannot
// overspend the link: PostgreSQL re-checks the condition on the locked row,
// and SQLite runs one writer at a time.
func (s *Store) RecordDownload(ctx context.Context, hash []byte, now time.Time, e Event) (Link, error) {
	if e.At.IsZero() {
		e.At = now
	}
	e.Kind = EventDownloaded
	var l Link
	err := s.tx(ctx, "record download", func(tx *sql.Tx) error {
		var err error
		l, err = scanLink(tx.QueryRowContext(ctx, s.q(`UPDATE links SET downloads = downloads + 1
			WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ? AND downloads < max_downloads
			RETURNING `+linkCols), hash, s.t(now)))
		if errors.Is(err, ErrNotFound) {
			// Not spent: say why, or that there is no such link.
			l, err = scanLink(tx.QueryRowContext(ctx, s.q("SELECT "+linkCols+" FROM links WHERE token_hash = ?"), hash))
			if err != nil {
				return err
			}
			st := l.State(now)
			if st == LinkActive {
				st = LinkUsedUp // cannot happen: the UPDATE's condition is State's
			}
			return &GoneError{State: st}
		}
		if err != nil {
			return err
		}
		e.LinkID = l.ID
		return s.insertEvent(ctx, tx, e)
	})
	if err != nil {
		return Link{}, err
	}
	return l, nil
}
