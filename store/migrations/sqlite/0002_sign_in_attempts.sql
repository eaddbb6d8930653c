-- Sign-in attempts, counted before the password is checked (issue 11).
-- One row per account name and client source (an address, or an IPv6 /64),
-- and one with the empty source for the account as a whole. Names need not
-- belong to an account: unknown names are counted the same way, so that
-- the answers do not tell which names exist. Times are INTEGER
-- microseconds since the Unix epoch, in UTC; NULL for none.
CREATE TABLE sign_in_attempts (
    user_name    TEXT NOT NULL,
    source       TEXT NOT NULL,
    attempts     INTEGER NOT NULL,
    window_end   INTEGER NOT NULL,
    last_success INTEGER,
    PRIMARY KEY (user_name, source)
);
CREATE INDEX sign_in_attempts_window_end ON sign_in_attempts (window_end);

-- The lock-out of 0001 is replaced by the table above.
ALTER TABLE users DROP COLUMN failed_logins;
ALTER TABLE users DROP COLUMN locked_until;
