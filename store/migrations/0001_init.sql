-- Every list entry ever made. An entry is active while removed_at is NULL;
-- removing it keeps the row, who removed it and why.
CREATE TABLE entries (
    id             INTEGER PRIMARY KEY,
    list           TEXT NOT NULL CHECK (list IN ('optout', 'blacklist', 'whitelist')),
    e164           TEXT NOT NULL,
    channel        TEXT NOT NULL DEFAULT '' CHECK (channel IN ('', 'all', 'voice', 'sms', 'whatsapp', 'email')),
    tag            TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT '',
    added_at       TEXT NOT NULL,
    added_by       TEXT NOT NULL DEFAULT '',
    removed_at     TEXT,
    removed_by     TEXT,
    removed_reason TEXT
);

-- One active entry per number, list and channel.
CREATE UNIQUE INDEX entries_active ON entries (list, e164, channel) WHERE removed_at IS NULL;
CREATE INDEX entries_e164 ON entries (e164);
