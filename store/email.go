package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// EmailLimits bounds the links sent by email: PerAgent by one agent in
// AgentWindow, PerRecipient to one address in RecipientWindow. Failed
// sends count too, so that a relay that refuses is not hammered.
type EmailLimits struct {
	PerAgent        int
	AgentWindow     time.Duration
	PerRecipient    int
	RecipientWindow time.Duration
}

// emailLockKey serializes the counting of sends on PostgreSQL ("mpmail").
const emailLockKey int64 = 0x6d706d61696c

// BeginEmail records, before the message goes out, that agent sends link
// linkID to recipient at now: an "emailed" event with the detail
// "sending", whose ID FinishEmail completes with the relay's answer. It
// returns a *ThrottledError (nothing recorded) when lim refuses: counting
// and recording are one transaction, so concurrent sends cannot overrun
// the limits.
func (s *Store) BeginEmail(ctx context.Context, linkID int64, agent, recipient string, now time.Time, lim EmailLimits) (int64, error) {
	if err := checkText("agent", agent, true, maxUserName); err != nil {
		return 0, fmt.Errorf("store: begin email: %w", err)
	}
	if err := checkText("recipient", recipient, true, maxRecipient); err != nil {
		return 0, fmt.Errorf("store: begin email: %w", err)
	}
	var (
		id    int64
		until time.Time
	)
	err := s.tx(ctx, "begin email", func(tx *sql.Tx) error {
		if s.dialect == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", emailLockKey); err != nil {
				return err
			}
		}
		for _, c := range []struct {
			col, val string
			n        int
			window   time.Duration
		}{{"actor", agent, lim.PerAgent, lim.AgentWindow}, {"recipient", recipient, lim.PerRecipient, lim.RecipientWindow}} {
			var (
				count int
				first time.Time
			)
			err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*), MIN(at) FROM events WHERE kind IN ('emailed', 'email_failed') AND "+c.col+" = ? AND at > ?"),
				c.val, s.t(now.Add(-c.window))).Scan(&count, tc(&first))
			if err != nil {
				return err
			}
			if count >= c.n {
				until = first.Add(c.window)
				return nil
			}
		}
		var err error
		id, err = s.addEvent(ctx, tx, Event{LinkID: linkID, At: now, Kind: EventEmailed, Actor: agent, Recipient: recipient, Detail: "sending"})
		return err
	})
	if err != nil {
		return 0, err
	}
	if !until.IsZero() {
		return 0, &ThrottledError{Until: until}
	}
	return id, nil
}

// FinishEmail completes the event BeginEmail made: sent or failed, with
// what the relay answered (or why the send failed).
func (s *Store) FinishEmail(ctx context.Context, eventID int64, sent bool, detail string) error {
	kind := EventEmailed
	if !sent {
		kind = EventEmailFail
	}
	res, err := s.db.ExecContext(ctx, s.q("UPDATE events SET kind = ?, detail = ? WHERE id = ? AND kind IN ('emailed', 'email_failed')"),
		kind, cleanText(detail, maxDetail), eventID)
	if err := oneRow(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("store: finish email: no email event %d: %w", eventID, err)
		}
		return s.fail("finish email", err)
	}
	return nil
}
