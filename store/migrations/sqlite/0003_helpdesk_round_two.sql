-- The helpdesk, round two (issue 14): links sent by email, short codes
-- for the phone, and each agent's language. Times are INTEGER
-- microseconds since the Unix epoch, in UTC; NULL for none.

-- The audit trail gains the email and short-code events, and for an
-- email whom it went to and what the relay answered. SQLite cannot change
-- a CHECK constraint, so the table is made again.
CREATE TABLE events_new (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    link_id    INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('created', 'opened', 'downloaded', 'revoked',
                                             'emailed', 'email_failed', 'code_made', 'code_used')),
    actor      TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    device     TEXT NOT NULL DEFAULT '',
    recipient  TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
INSERT INTO events_new (id, link_id, at, kind, actor, user_agent, device)
    SELECT id, link_id, at, kind, actor, user_agent, device FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_link_id ON events (link_id, id);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_actor_at ON events (actor, at);
CREATE INDEX events_recipient_at ON events (recipient, at);

-- A short code stands for one link for a few minutes and once: only a
-- keyed hash of the code is kept, and the link's token sealed with a key
-- that needs the code (web/helpdesk/code.go).
CREATE TABLE link_codes (
    code_mac     BLOB PRIMARY KEY,
    link_id      INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    sealed_token BLOB NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
CREATE INDEX link_codes_expires_at ON link_codes (expires_at);

-- Attempts at typing a short code, counted before the code is looked up:
-- one row per client source, and the empty source for all of them.
CREATE TABLE code_attempts (
    source     TEXT PRIMARY KEY,
    attempts   INTEGER NOT NULL,
    window_end INTEGER NOT NULL
);

-- What an agent chose for themselves; names need no account (single
-- sign-on).
CREATE TABLE agent_settings (
    name       TEXT PRIMARY KEY,
    language   TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL
);
