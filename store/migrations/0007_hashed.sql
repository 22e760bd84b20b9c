-- Partners' hashed lists (docs/sharing.md). A hashed entry keeps the hash
-- of a number, 64 lower-case hex digits, in e164, and says so in
-- hash_kind, so it is never read as a number. hash_key is the fingerprint
-- of an HMAC key: a scrub given another key is refused instead of silently
-- matching nothing.
ALTER TABLE entries ADD COLUMN hash_kind TEXT NOT NULL DEFAULT ''
    CHECK (hash_kind IN ('', 'sha256', 'hmac-sha256')
        AND (hash_kind = '' OR (length(e164) = 64 AND e164 NOT GLOB '*[^0-9a-f]*'
            AND prefix = 0 AND list IN ('optout', 'blacklist'))));
ALTER TABLE entries ADD COLUMN hash_key TEXT NOT NULL DEFAULT ''
    CHECK ((hash_kind = 'hmac-sha256') = (hash_key <> ''));

-- A registry holds numbers (registry_numbers) or, when a partner shares it
-- hashed, hashes (registry_hashes): never both.
ALTER TABLE registries ADD COLUMN hash_kind TEXT NOT NULL DEFAULT ''
    CHECK (hash_kind IN ('', 'sha256', 'hmac-sha256'));
ALTER TABLE registries ADD COLUMN hash_key TEXT NOT NULL DEFAULT ''
    CHECK ((hash_kind = 'hmac-sha256') = (hash_key <> ''));

-- The first 16 bytes (128 bits) of each hash: half the size of the whole
-- hash, and still no chance collision among any number of phone numbers
-- there are. 8 bytes would not do: in a registry of 10^8 numbers two would
-- share a key with odds of about 1 in 4000, and deleting one would then
-- delete the other.
CREATE TABLE registry_hashes (
    registry TEXT NOT NULL REFERENCES registries (name),
    hash     BLOB NOT NULL CHECK (length(hash) = 16),
    PRIMARY KEY (hash, registry)
) WITHOUT ROWID;
