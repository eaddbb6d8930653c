package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"time"

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

// helpdeskStore holds the store once it could be opened. serve starts
// even when PostgreSQL is down, so that the public pages work; the
// helpdesk answers 503 until a retry in the background succeeds.
type helpdeskStore struct {
	st atomic.Pointer[store.Store]
}

// get is the web.HelpdeskConfig.Store function.
func (h *helpdeskStore) get() (web.Helpdesk, error) {
	st := h.st.Load()
	if st == nil {
		return nil, fmt.Errorf("helpdesk database not open yet: %w", store.ErrUnavailable)
	}
	return st, nil
}

// open tries to open the store now and, while the database is
// unreachable, again every few seconds until ctx ends. Any other error
// (a bad URL, a newer schema) stops serve at once.
func (h *helpdeskStore) open(ctx context.Context, cfg *Config, log *slog.Logger) error {
	st, err := openStore(ctx, cfg)
	if err == nil {
		h.st.Store(st)
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
				h.st.Store(st)
				log.Info("helpdesk database reachable again")
				return
			}
			log.Warn("helpdesk database still unreachable", "error", err)
		}
	}()
	return nil
}

// close closes the store if it was opened.
func (h *helpdeskStore) close() {
	if st := h.st.Load(); st != nil {
		_ = st.Close()
	}
}

// housekeeping deletes expired sessions and, with --audit-retention, old
// audit events: at start and then every hour.
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
