-- Links may hold Exchange and Google accounts (issue 12).
ALTER TABLE links DROP CONSTRAINT links_type_check;
ALTER TABLE links ADD CONSTRAINT links_type_check CHECK (type IN ('imap', 'pop', 'exchange', 'google'));
