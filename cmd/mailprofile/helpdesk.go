package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/mailprofile/mailprofile/store"
	"github.com/mailprofile/mailprofile/web"
)

// databaseFile is the SQLite database in the data folder.
const databaseFile = "mailprofile.db"

// openStore opens the helpdesk database named by the settings.
func openStore(ctx context.Context, cfg *Config) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, filepath.Join(cfg.DataDir, databaseFile))
	if err != nil {
		return nil, fmt.Errorf("helpdesk database (--database-url): %w", err)
	}
	return st, nil
}

// helpdeskStore holds the store once it is open.
//
// PostgreSQL is opened at start. serve starts even when it is down, so
// that the public pages work; the helpdesk answers 503 until a retry in
// the background succeeds.
//
// SQLite is opened on the first helpdesk request instead: opening it and
// running the migrations faults in about 2.7 MiB of SQLite's code, which
// a server whose helpdesk is not used never needs. At start serve only
// checks, without SQLite, what it cheaply can (checkSQLite).
type helpdeskStore struct {
	st atomic.Pointer[store.Store]

	// lazy opens SQLite on first use; nil for PostgreSQL.
	lazy    func() (*store.Store, error)
	opening singleflight.Group // concurrent first requests share one open

	mu     sync.Mutex // guards closed, and the storing of st against it
	closed bool
}

// get is the web.HelpdeskConfig.Store function.
func (h *helpdeskStore) get() (web.Helpdesk, error) {
	if st := h.st.Load(); st != nil {
		return st, nil
	}
	if h.lazy == nil {
		return nil, fmt.Errorf("helpdesk database not open yet: %w", store.ErrUnavailable)
	}
	// A failed open is not remembered: the next request tries again.
	v, err, _ := h.opening.Do("open", h.openLazily)
	if err != nil {
		return nil, err
	}
	return v.(*store.Store), nil
}

// openLazily runs lazy and keeps the store. Its errors wrap
// store.ErrUnavailable, so that the helpdesk answers 503, not 500: the
// public pages work on, and the log says why.
func (h *helpdeskStore) openLazily() (any, error) {
	if st := h.st.Load(); st != nil { // opened by the call that just ended
		return st, nil
	}
	st, err := h.lazy()
	if err != nil {
		if !errors.Is(err, store.ErrUnavailable) {
			err = fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
		return nil, err
	}
	if !h.keep(st) {
		return nil, fmt.Errorf("helpdesk database: %w: serve is stopping", store.ErrUnavailable)
	}
	return st, nil
}

// keep makes st the store, unless close ran already: then it closes st
// and reports false.
func (h *helpdeskStore) keep(st *store.Store) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		_ = st.Close()
		return false
	}
	h.st.Store(st)
	return true
}

// open prepares the store. SQLite is checked now and opened on first use
// (errors are then logged and answered with 503 on the helpdesk pages).
// PostgreSQL it tries to open now and, while the database is unreachable,
// again every few seconds until ctx ends; any other error (a bad URL, a
// newer schema) stops serve at once.
func (h *helpdeskStore) open(ctx context.Context, cfg *Config, log *slog.Logger) error {
	if cfg.DatabaseURL == "" {
		if err := checkSQLite(cfg.DataDir); err != nil {
			return err
		}
		h.lazy = func() (*store.Store, error) {
			st, err := openStore(ctx, cfg)
			if err != nil {
				log.Error("helpdesk database cannot be opened; the helpdesk answers 503, the public pages work", "error", err)
				return nil, err
			}
			log.Info("helpdesk database opened", "path", filepath.Join(cfg.DataDir, databaseFile))
			return st, nil
		}
		return nil
	}
	st, err := openStore(ctx, cfg)
	if err == nil {
		h.keep(st)
		return nil
	}
	if !errors.Is(err, store.ErrUnavailable) {
		return err
	}
	log.Error("helpdesk database unreachable; the helpdesk answers 503 until it is back, the public pages work", "error", err)
	go func() {
		for delay := time.Second; ; delay = min(delay*2, 30*time.Second) {
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
			st, err := openStore(ctx, cfg)
			if err == nil {
				if h.keep(st) {
					log.Info("helpdesk database reachable again")
				}
				return
			}
			log.Warn("helpdesk database still unreachable", "error", err)
		}
	}()
	return nil
}

// close closes the store if it was opened, and keeps an open that ends
// later from leaving a store behind.
func (h *helpdeskStore) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	if st := h.st.Load(); st != nil {
		_ = st.Close()
	}
}

// sqliteHeader starts every SQLite database file
// (https://www.sqlite.org/fileformat.html#the_database_header).
const sqliteHeader = "SQLite format 3\x00"

// checkSQLite checks, without loading SQLite, what serve can check of the
// SQLite database before its first use: the data folder is writable
// (SQLite creates the database, and its -wal and -shm files, there), and
// the database, if it exists, is a regular file that serve can read and
// write and that starts with SQLite's header. What it cannot see (a
// damaged database, a schema newer than this binary) shows on the first
// helpdesk request: a 503 and the cause in the log.
func checkSQLite(dataDir string) error {
	probe, err := os.CreateTemp(dataDir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("--data-dir %s is not writable, and the helpdesk database lives there: %w", dataDir, err)
	}
	probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		return fmt.Errorf("--data-dir %s: %w", dataDir, err)
	}
	path := filepath.Join(dataDir, databaseFile)
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // created on first use
	}
	if err != nil {
		return fmt.Errorf("helpdesk database: %w", err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("helpdesk database %s: not a regular file", path)
	}
	// No SQLite connection exists yet, so closing this descriptor cannot
	// drop one of this process's SQLite locks.
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("helpdesk database: %w (serve must be able to read and write it)", err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	n, err := io.ReadFull(f, head)
	switch {
	case n == 0 && err == io.EOF:
		return nil // empty: SQLite makes it a new database
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("helpdesk database: %w", err)
	case string(head[:n]) != sqliteHeader:
		return fmt.Errorf("helpdesk database %s: not a SQLite database; restore it from a backup, or move it away to start with an empty helpdesk", path)
	}
	return nil
}

// housekeeping deletes expired sessions, sign-in attempts past their
// windows (web.SignInTrust keeps those that trust a source) and, with
// --audit-retention, old audit events: at start and then every hour, while the store is open (a
// SQLite store, opened on first use, from the next hour on).
func (h *helpdeskStore) housekeeping(ctx context.Context, retention time.Duration, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if st := h.st.Load(); st != nil {
			now := time.Now()
			if n, err := st.DeleteExpiredSessions(ctx, now); err != nil {
				log.Warn("delete expired sessions", "error", err)
			} else if n > 0 {
				log.Info("deleted expired helpdesk sessions", "count", n)
			}
			if n, err := st.DeleteStaleSignIns(ctx, now, web.SignInTrust); err != nil {
				log.Warn("delete stale sign-in attempts", "error", err)
			} else if n > 0 {
				log.Info("deleted stale helpdesk sign-in attempts", "count", n)
			}
			if n, err := st.DeleteStaleCodes(ctx, now); err != nil {
				log.Warn("delete stale short codes", "error", err)
			} else if n > 0 {
				log.Info("deleted spent helpdesk short codes", "count", n)
			}
			if retention > 0 {
				if n, err := st.PurgeEvents(ctx, now.Add(-retention)); err != nil {
					log.Warn("purge audit events", "error", err)
				} else if n > 0 {
					log.Info("purged audit events past --audit-retention", "count", n, "retention", retention.String())
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
