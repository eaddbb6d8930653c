package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// maxLanguage bounds a language code such as "de".
const maxLanguage = 16

// AgentLanguage returns the language a helpdesk agent chose for the
// helpdesk's pages, or "" when they chose none (then the browser's
// Accept-Language decides). Names need no account: an agent signed in by
// a single-sign-on proxy has settings too.
func (s *Store) AgentLanguage(ctx context.Context, name string) (string, error) {
	if ValidateUserName(name) != nil {
		return "", nil
	}
	var lang string
	err := s.rdb.QueryRowContext(ctx, s.q("SELECT language FROM agent_settings WHERE name = ?"), name).Scan(&lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return lang, s.fail("get agent language", err)
}

// SetAgentLanguage remembers the language an agent chose; "" forgets it.
func (s *Store) SetAgentLanguage(ctx context.Context, name, lang string, now time.Time) error {
	if err := ValidateUserName(name); err != nil {
		return fmt.Errorf("store: set agent language: %w", err)
	}
	if err := checkText("language", lang, false, maxLanguage); err != nil {
		return fmt.Errorf("store: set agent language: %w", err)
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO agent_settings (name, language, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`), name, lang, s.t(now))
	return s.fail("set agent language", err)
}
