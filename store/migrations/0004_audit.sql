-- The audit log: one record per change to any list, appended in the same
-- transaction as the change. Each record holds the hash of the one before,
-- so an edit or a deletion made outside dncctl breaks the chain.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    command   TEXT NOT NULL,
    os_user   TEXT NOT NULL,
    action    TEXT NOT NULL,
    list      TEXT NOT NULL DEFAULT '',
    e164      TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE INDEX audit_e164 ON audit (e164);
