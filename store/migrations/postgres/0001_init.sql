-- Helpdesk accounts, sessions, links and their audit trail (PostgreSQL).

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TIMESTAMPTZ,
    last_login_at TIMESTAMPTZ
);

-- No foreign key to users: a session may belong to a name vouched for by a
-- single-sign-on proxy, which has no row in users.
CREATE TABLE sessions (
    id_hash    BYTEA PRIMARY KEY,
    user_name  TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user_name ON sessions (user_name);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- created_by and revoked_by are names kept as text, so that removing an
-- account keeps the history of what it did.
CREATE TABLE links (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash    BYTEA NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL CHECK (type IN ('imap', 'pop')),
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    max_downloads INTEGER NOT NULL CHECK (max_downloads > 0),
    downloads     INTEGER NOT NULL DEFAULT 0,
    opens         INTEGER NOT NULL DEFAULT 0,
    revoked_at    TIMESTAMPTZ,
    revoked_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX links_created_at ON links (created_at DESC, id DESC);
CREATE INDEX links_created_by ON links (created_by);

CREATE TABLE events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    link_id    BIGINT NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    at         TIMESTAMPTZ NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('created', 'opened', 'downloaded', 'revoked')),
    actor      TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    device     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_link_id ON events (link_id, id);
CREATE INDEX events_at ON events (at);
