-- At-rest protection (docs/store.md#at-rest-protection): a protected store
-- keeps every number as its HMAC-SHA-256 under a key its users hold, not
-- the store. The one row says which key (its fingerprint, never the key),
-- so that a wrong key is refused instead of silently matching nothing.
CREATE TABLE protection (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    key_fingerprint TEXT NOT NULL CHECK (length(key_fingerprint) = 16),
    since           TEXT NOT NULL
);
