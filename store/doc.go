// Package store keeps the helpdesk's state: accounts, server-side sessions,
// sign-in attempts (counted before each password check, see
// [Store.ReserveSignIn]), the expiring profile links handed to customers and
// their audit trail.
//
// Two databases are supported through one implementation of the queries:
// SQLite (modernc.org/sqlite, pure Go) in the data folder by default, and
// PostgreSQL (github.com/jackc/pgx/v5) when several instances of the server
// share one store. Queries are written once with `?` placeholders and
// rewritten to `$n` for PostgreSQL.
//
// Every change is one transaction. Times are stored in UTC with microsecond
// precision (PostgreSQL timestamptz; SQLite integer microseconds since the
// Unix epoch) and are returned in UTC, truncated to the microsecond.
//
// The schema is versioned: the SQL files under migrations/ are embedded in
// the binary and applied by [Open], each in its own transaction, and recorded
// in the table schema_migrations. On PostgreSQL an advisory lock makes it
// safe for several instances to start at once.
//
// Secrets never reach the database in clear: session ids and link tokens are
// stored as their SHA-256 ([HashToken]), passwords as argon2id hashes
// ([HashPassword]).
//
// Errors: [ErrNotFound] (a web handler answers 404), [ErrGone] with a
// [*GoneError] saying why (410), [ErrUnavailable] when the database cannot
// be reached, including a failed connection attempt of any kind (503),
// [ErrThrottled] with a [*ThrottledError] saying until when (429), and
// [ErrExists] for a taken name or token. Other errors are bugs or bad input
// the caller should have rejected. No error carries the database password.
package store
