-- The helpdesk, round two (issue 14): links sent by email, short codes
-- for the phone, and each agent's language.

-- The audit trail gains the email and short-code events, and for an
-- email whom it went to and what the relay answered.
ALTER TABLE events DROP CONSTRAINT events_kind_check;
ALTER TABLE events ADD CONSTRAINT events_kind_check CHECK (kind IN ('created', 'opened', 'downloaded', 'revoked',
                                                                    'emailed', 'email_failed', 'code_made', 'code_used'));
ALTER TABLE events ADD COLUMN recipient TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
CREATE INDEX events_actor_at ON events (actor, at);
CREATE INDEX events_recipient_at ON events (recipient, at);

-- A short code stands for one link for a few minutes and once: only a
-- keyed hash of the code is kept, and the link's token sealed with a key
-- that needs the code (web/helpdesk/code.go).
CREATE TABLE link_codes (
    code_mac     BYTEA PRIMARY KEY,
    link_id      BIGINT NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    sealed_token BYTEA NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ
);
CREATE INDEX link_codes_expires_at ON link_codes (expires_at);

-- Attempts at typing a short code, counted before the code is looked up:
-- one row per client source, and the empty source for all of them.
CREATE TABLE code_attempts (
    source     TEXT PRIMARY KEY,
    attempts   INTEGER NOT NULL,
    window_end TIMESTAMPTZ NOT NULL
);

-- What an agent chose for themselves; names need no account (single
-- sign-on).
CREATE TABLE agent_settings (
    name       TEXT PRIMARY KEY,
    language   TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMPTZ NOT NULL
);
