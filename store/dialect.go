package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// q adapts a query written with ? placeholders to the dialect: PostgreSQL
// wants $1, $2, …. Question marks inside quoted strings are left alone.
func (s *Store) q(query string) string {
	if s.dialect != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// forUpdate is the row lock suffix for a SELECT in a write transaction. SQLite
// needs none: its transactions take the write lock at BEGIN.
func (s *Store) forUpdate() string {
	if s.dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// normTime is how a time comes back from the database: UTC, to the
// microsecond (both databases keep microseconds).
func normTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// t converts a time to a query argument: timestamptz on PostgreSQL, integer
// microseconds since the epoch on SQLite, NULL for the zero time.
func (s *Store) t(v time.Time) any {
	if v.IsZero() {
		return nil
	}
	v = normTime(v)
	if s.dialect == SQLite {
		return v.UnixMicro()
	}
	return v
}

// timeCol scans a time column of either dialect; NULL gives the zero time.
type timeCol struct{ t *time.Time }

func (c timeCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = time.Time{}
	case int64:
		*c.t = time.UnixMicro(v).UTC()
	case time.Time:
		*c.t = normTime(v)
	default:
		return fmt.Errorf("store: cannot scan %T into a time", src)
	}
	return nil
}

// tc returns a scan destination for a time column.
func tc(t *time.Time) timeCol { return timeCol{t} }
