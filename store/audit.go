package store

import (
	"context"
	"strings"
	"time"
)

// AuditFilter selects audit events for AuditPage. Zero fields match
// everything.
type AuditFilter struct {
	// Agent is a helpdesk user: the events they did, and those of the
	// links they made.
	Agent string
	Email string    // case-insensitive substring of the link's address
	From  time.Time // events at or after
	To    time.Time // events before
	Limit int       // at most this many; 0 for no limit
	// Offset skips this many first.
	Offset int
}

// AuditEntry is an audit event with its link.
type AuditEntry struct {
	Event
	Link Link
}

// AuditPage returns the events that match f, newest first, with their
// links.
func (s *Store) AuditPage(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	var (
		where []string
		args  []any
	)
	if f.Agent != "" {
		where = append(where, "(e.actor = ? OR l.created_by = ?)")
		args = append(args, f.Agent, f.Agent)
	}
	if f.Email != "" {
		where = append(where, `LOWER(l.email) LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(strings.ToLower(f.Email))+"%")
	}
	if !f.From.IsZero() {
		where = append(where, "e.at >= ?")
		args = append(args, s.t(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "e.at < ?")
		args = append(args, s.t(f.To))
	}
	query := eventsWithLinks
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY e.at DESC, e.id DESC"
	query, args = s.paged(query, args, f.Limit, f.Offset)
	rows, err := s.rdb.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, s.fail("list audit", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var a AuditEntry
		if a.Link, err = scanLink(eventFirst{rows, &a.Event}); err != nil {
			return nil, s.fail("list audit", err)
		}
		out = append(out, a)
	}
	return out, s.fail("list audit", rows.Err())
}
