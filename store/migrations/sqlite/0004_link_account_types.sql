-- Links may hold Exchange and Google accounts (issue 12). SQLite cannot
-- change a CHECK constraint, so links is rebuilt. The tables that refer
-- to it (events, link_codes) are set aside first and made again after,
-- as 0003 left them, so that dropping the old table cascades to nothing;
-- AUTOINCREMENT then counts on from where it was, so that the id of a
-- deleted row is never given again.
CREATE TABLE links_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash    BLOB NOT NULL UNIQUE,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    type          TEXT NOT NULL CHECK (type IN ('imap', 'pop', 'exchange', 'google')),
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    max_downloads INTEGER NOT NULL CHECK (max_downloads > 0),
    downloads     INTEGER NOT NULL DEFAULT 0,
    opens         INTEGER NOT NULL DEFAULT 0,
    revoked_at    INTEGER,
    revoked_by    TEXT NOT NULL DEFAULT ''
);
INSERT INTO links_new (id, token_hash, email, name, type, created_by, created_at, expires_at, max_downloads, downloads, opens, revoked_at, revoked_by)
    SELECT id, token_hash, email, name, type, created_by, created_at, expires_at, max_downloads, downloads, opens, revoked_at, revoked_by FROM links;
CREATE TABLE events_aside AS SELECT id, link_id, at, kind, actor, user_agent, device, recipient, detail FROM events;
CREATE TABLE link_codes_aside AS SELECT code_mac, link_id, sealed_token, created_by, created_at, expires_at, used_at FROM link_codes;
CREATE TABLE sequence_aside AS SELECT name, seq FROM sqlite_sequence WHERE name IN ('links', 'events');

DROP TABLE events;
DROP TABLE link_codes;
DROP TABLE links;
ALTER TABLE links_new RENAME TO links;
CREATE INDEX links_created_at ON links (created_at DESC, id DESC);
CREATE INDEX links_created_by ON links (created_by);

CREATE TABLE events (
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
INSERT INTO events (id, link_id, at, kind, actor, user_agent, device, recipient, detail)
    SELECT id, link_id, at, kind, actor, user_agent, device, recipient, detail FROM events_aside;
CREATE INDEX events_link_id ON events (link_id, id);
CREATE INDEX events_at ON events (at);
CREATE INDEX events_actor_at ON events (actor, at);
CREATE INDEX events_recipient_at ON events (recipient, at);

CREATE TABLE link_codes (
    code_mac     BLOB PRIMARY KEY,
    link_id      INTEGER NOT NULL REFERENCES links (id) ON DELETE CASCADE,
    sealed_token BLOB NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER
);
INSERT INTO link_codes (code_mac, link_id, sealed_token, created_by, created_at, expires_at, used_at)
    SELECT code_mac, link_id, sealed_token, created_by, created_at, expires_at, used_at FROM link_codes_aside;
CREATE INDEX link_codes_expires_at ON link_codes (expires_at);

DELETE FROM sqlite_sequence WHERE name IN (SELECT name FROM sequence_aside);
INSERT INTO sqlite_sequence (name, seq) SELECT name, seq FROM sequence_aside;
DROP TABLE events_aside;
DROP TABLE link_codes_aside;
DROP TABLE sequence_aside;
