-- The review queue: numbers flagged as suspect (a reply that reads like an
-- opt-out, a run of hung-up calls, a complaint) that a person must decide on.
-- While pending, scrub rejects the number (PENDING_REVIEW). A decision keeps
-- the row, who made it and why; approving links the entry it made.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    e164        TEXT NOT NULL,
    channel     TEXT NOT NULL DEFAULT 'all' CHECK (channel IN ('all', 'voice', 'sms', 'whatsapp', 'email')),
    origin      TEXT NOT NULL,
    suggested   TEXT NOT NULL DEFAULT 'optout' CHECK (suggested IN ('optout', 'blacklist')),
    reason      TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    flagged_at  TEXT NOT NULL,
    flagged_by  TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    decided_at  TEXT,
    decided_by  TEXT,
    decision    TEXT,
    entry_id    INTEGER REFERENCES entries (id)
);

-- The same evidence flags a number once, so importing a log again adds nothing.
CREATE UNIQUE INDEX reviews_evidence ON reviews (e164, channel, origin, evidence);
CREATE INDEX reviews_pending ON reviews (status) WHERE status = 'pending';

-- What an entry rests on: the raw reply, the calls. Empty for manual entries.
ALTER TABLE entries ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
