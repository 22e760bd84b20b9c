-- Scopes and lifetimes: an entry may belong to one campaign (empty: every
-- campaign), may expire (NULL: never), and a blacklist entry may be a prefix
-- that covers a whole range of numbers (e164 then holds the prefix).
ALTER TABLE entries ADD COLUMN campaign TEXT NOT NULL DEFAULT '';
ALTER TABLE entries ADD COLUMN expires_at TEXT;
ALTER TABLE entries ADD COLUMN prefix INTEGER NOT NULL DEFAULT 0 CHECK (prefix IN (0, 1));

DROP INDEX entries_active;
CREATE UNIQUE INDEX entries_active ON entries (list, e164, channel, campaign, prefix) WHERE removed_at IS NULL;
CREATE INDEX entries_expiry ON entries (expires_at) WHERE removed_at IS NULL AND expires_at IS NOT NULL;
