-- Helpdesk accounts, sessions, links and their audit trail (SQLite).
-- Times are INTEGER microseconds since the Unix epoch, in UTC; NULL for none.

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  INTEGER,
    last_login_at INTEGER
);

-- No foreign key to users: a session may belong to a name vouched for by a
-- single-sign-on proxy, which has no row in users.
CREATE TABLE sessions (
    id_hash    BLOB PRIMARY KEY,
    user_name  TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_user_name ON sessions (user_name);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- created_by and revoked_by are names kept as text, so that removing an
-- account keeps the history of what it did.
CREATE TABLE links (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash    BLOB NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL CHECK (type IN ('imap', 'pop')),
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    max_downloads INTEGER NOT NULL CHECK (max_downloads > 0),
    downloads     INTEGER NOT NULL DEFAULT 0,
    opens         INTEGER NOT NULL DEFAULT 0,
    revoked_at    INTEGER,
    revoked_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX links_created_at ON links (created_at DESC, id DESC);
CREATE INDEX links_created_by ON links (created_by);

CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    link_id    INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('created', 'opened', 'downloaded', 'revoked')),
    actor      TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    device     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_link_id ON events (link_id, id);
CREATE INDEX events_at ON events (at);
