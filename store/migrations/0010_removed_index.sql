-- The removed entries, for a run's proof: when each list last changed is the
-- newest addition or removal, and the active entries are read anyway while
-- the index loads, so only the removed ones need a query of their own.
CREATE INDEX entries_removed ON entries (list, removed_at, added_at) WHERE removed_at IS NOT NULL;

-- The hash kinds and keys the hashed entries use, which dncctl check must
-- know without reading every entry.
CREATE INDEX entries_hashed ON entries (hash_kind, hash_key) WHERE removed_at IS NULL AND hash_kind != '';
