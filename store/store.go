package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Dialect names returned by [Store.Dialect].
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// defaultConnectTimeout bounds a PostgreSQL connection attempt when the URL
// sets no connect_timeout, so that a database that is down answers quickly
// with ErrUnavailable instead of hanging the request.
const defaultConnectTimeout = 5 * time.Second

// sqliteBusyTimeout is how long a SQLite write waits for another process
// (the mailprofile user command next to a running server) to finish.
const sqliteBusyTimeout = 5 * time.Second

// Store is the helpdesk store. It is safe for concurrent use.
type Store struct {
	db      *sql.DB // every write, and reads on PostgreSQL
	rdb     *sql.DB // reads outside transactions (a separate pool on SQLite)
	dialect string
	secrets []string // the database passwords, removed from every error
}

// Open opens the store and brings its schema up to date.
//
// An empty databaseURL means the SQLite database at sqlitePath, created with
// mode 0600 if missing (its folder must exist). A databaseURL starting with
// postgres:// or postgresql:// means PostgreSQL; libpq settings such as
// sslmode and connect_timeout (default 5s) go in the URL. Anything else is an
// error naming --database-url. Errors never contain the password, and wrap
// ErrUnavailable when the server could not be reached.
func Open(ctx context.Context, databaseURL, sqlitePath string) (*Store, error) {
	var (
		s   *Store
		err error
	)
	switch {
	case databaseURL == "":
		s, err = openSQLite(sqlitePath)
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		s, err = openPostgres(databaseURL)
	default:
		// Nothing of the value is shown: it may be a password, or a
		// keyword=value connection string that holds one.
		return nil, errors.New("store: --database-url must start with postgres:// or postgresql:// (or be empty for SQLite)")
	}
	if err != nil {
		return nil, err
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: no SQLite database path and no --database-url")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: sqlite database %q: %w", path, err)
	}
	// Create the file ourselves so that it is private from the start; SQLite
	// gives the -wal and -shm files the same mode.
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite database: %w", err)
	}
	f.Close()

	// A file: URI keeps any '?' or '#' in the path from being read as
	// parameters. _txlock=immediate takes the write lock at BEGIN, so that
	// two processes never deadlock upgrading a read lock.
	name := (&url.URL{Scheme: "file", Path: abs}).String()
	common := fmt.Sprintf("_busy_timeout=%d&_foreign_keys=1", sqliteBusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", name+"?"+common+"&_journal_mode=WAL&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite database %q: %w", abs, err)
	}
	// One writer connection: SQLite takes one writer at a time anyway, and
	// waiting in database/sql is fairer than SQLite's busy polling.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	rdb, err := sql.Open("sqlite", name+"?"+common+"&_query_only=1")
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite database %q: %w", abs, err)
	}
	// WAL (set by the writer, which connects first in Open) lets readers run
	// next to the writer; a few are plenty here.
	rdb.SetMaxOpenConns(4)
	return &Store{db: db, rdb: rdb, dialect: SQLite}, nil
}

func openPostgres(databaseURL string) (*Store, error) {
	pu, err := parsePostgresURL(databaseURL)
	if err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: --database-url %s: %w", pu.public, redact(err, pu.secrets...))
	}
	// The passwords in use: from the URL, PGPASSWORD or a password file.
	secrets := append(pu.secrets, cfg.Password)
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	db := stdlib.OpenDB(*cfg)
	// Several instances share one server (100 connections by default).
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(5)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{db: db, rdb: db, dialect: Postgres, secrets: secrets}, nil
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.rdb != s.db {
		if rerr := s.rdb.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

// Ping checks that the database can be reached; its error wraps
// ErrUnavailable when it cannot.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return &unavailableError{fmt.Errorf("ping %s: %w", s.dialect, redact(err, s.secrets...))}
	}
	return nil
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// tx runs fn in a write transaction: committed when fn returns nil, rolled
// back otherwise. Errors are described by op.
func (s *Store) tx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return s.fail(op, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return s.fail(op, err)
	}
	if err := tx.Commit(); err != nil {
		return s.fail(op, err)
	}
	return nil
}
