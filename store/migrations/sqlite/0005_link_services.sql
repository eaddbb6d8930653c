-- Links may add calendars and contacts to the mail account (issue 13):
-- services holds "mail,calendar,contacts" or a part of it. Links stored
-- before keep '', which means mail only, as they always did.
ALTER TABLE links ADD COLUMN services TEXT NOT NULL DEFAULT '';
