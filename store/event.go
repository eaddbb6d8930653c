package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Event kinds of the audit trail.
const (
	EventCreated    = "created"    // a helpdesk user made the link
	EventOpened     = "opened"     // someone opened the link's page
	EventDownloaded = "downloaded" // someone downloaded the profile
	EventRevoked    = "revoked"    // a helpdesk user revoked the link
	EventEmailed    = "emailed"    // a helpdesk user sent the link by email; the relay took it
	EventEmailFail  = "email_failed"
	EventCodeMade   = "code_made" // a helpdesk user made a short code for the link
	EventCodeUsed   = "code_used" // someone typed the short code
)

// Event is one entry of a link's audit trail.
type Event struct {
	ID        int64
	LinkID    int64
	At        time.Time
	Kind      string // EventCreated, EventOpened, EventDownloaded or EventRevoked
	Actor     string // the helpdesk user for created and revoked; empty for visitors
	UserAgent string // as sent by the visitor, cut to 512 bytes
	Device    string // e.g. "iPhone" or "Mac", as the caller read it from UserAgent
	Recipient string // the address an email went to
	Detail    string // what the mail relay answered, or why it failed
}

const eventCols = "id, link_id, at, kind, actor, user_agent, device, recipient, detail"

// insertEvent adds e to the audit trail; visitor-supplied text is cleaned
// and cut to size first.
func (s *Store) insertEvent(ctx context.Context, tx *sql.Tx, e Event) error {
	_, err := s.addEvent(ctx, tx, e)
	return err
}

// addEvent inserts e and returns its ID.
func (s *Store) addEvent(ctx context.Context, tx *sql.Tx, e Event) (int64, error) {
	if e.At.IsZero() {
		return 0, errors.New("event time is zero")
	}
	var id int64
	err := tx.QueryRowContext(ctx, s.q("INSERT INTO events (link_id, at, kind, actor, user_agent, device, recipient, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
		e.LinkID, s.t(e.At), e.Kind, cleanText(e.Actor, maxUserName), cleanText(e.UserAgent, maxUserAgent), cleanText(e.Device, maxDevice),
		cleanText(e.Recipient, maxRecipient), cleanText(e.Detail, maxDetail)).Scan(&id)
	return id, err
}

func scanEvent(row interface{ Scan(...any) error }) (Event, error) {
	var e Event
	err := row.Scan(&e.ID, &e.LinkID, tc(&e.At), &e.Kind, &e.Actor, &e.UserAgent, &e.Device, &e.Recipient, &e.Detail)
	return e, err
}

// Events returns the audit trail of a link, oldest first. A link without
// events (or no such link) gives an empty slice.
func (s *Store) Events(ctx context.Context, linkID int64) ([]Event, error) {
	rows, err := s.rdb.QueryContext(ctx, s.q("SELECT "+eventCols+" FROM events WHERE link_id = ? ORDER BY at, id"), linkID)
	if err != nil {
		return nil, s.fail("list events", err)
	}
	defer rows.Close()
	var es []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, s.fail("list events", err)
		}
		es = append(es, e)
	}
	return es, s.fail("list events", rows.Err())
}

// AllEvents calls fn for every event at or after since (every event when
// since is zero), oldest first, with the link it belongs to, for a CSV export
// of the audit trail. Rows are streamed, not loaded at once. An error from fn
// stops the walk and is returned as is. The walk holds one database
// connection until it ends, so fn should not wait for long.
func (s *Store) AllEvents(ctx context.Context, since time.Time, fn func(Event, Link) error) error {
	query := eventsWithLinks
	var args []any
	if !since.IsZero() {
		query += " WHERE e.at >= ?"
		args = append(args, s.t(since))
	}
	query += " ORDER BY e.at, e.id"
	rows, err := s.rdb.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return s.fail("export events", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		l, err := scanLink(eventFirst{rows, &e})
		if err != nil {
			return s.fail("export events", err)
		}
		if err := fn(e, l); err != nil {
			return err
		}
	}
	return s.fail("export events", rows.Err())
}

// eventsWithLinks selects events and their links, for eventFirst.
const eventsWithLinks = "SELECT e.id, e.link_id, e.at, e.kind, e.actor, e.user_agent, e.device, e.recipient, e.detail, " +
	"l.id, l.token_hash, l.email, l.name, l.type, l.created_by, l.created_at, l.expires_at, " +
	"l.max_downloads, l.downloads, l.opens, l.revoked_at, l.revoked_by, l.services " +
	"FROM events e JOIN links l ON l.id = e.link_id"

// eventFirst scans a row that holds an event's columns and then a link's,
// the event into e and the rest into what scanLink asks for.
type eventFirst struct {
	rows *sql.Rows
	e    *Event
}

func (r eventFirst) Scan(dest ...any) error {
	e := r.e
	return r.rows.Scan(append([]any{&e.ID, &e.LinkID, tc(&e.At), &e.Kind, &e.Actor, &e.UserAgent, &e.Device, &e.Recipient, &e.Detail}, dest...)...)
}

// PurgeEvents deletes the audit events older than before (for
// --audit-retention) and returns how many it deleted. Links stay.
func (s *Store) PurgeEvents(ctx context.Context, before time.Time) (int64, error) {
	if before.IsZero() {
		return 0, fmt.Errorf("store: purge events: zero time")
	}
	var n int64
	err := s.tx(ctx, "purge events", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q("DELETE FROM events WHERE at < ?"), s.t(before))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
