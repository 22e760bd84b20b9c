-- A registry of numbers is kept in blocks, not a row a number: the numbers
-- n with the same n >> 16 share a row, as the ascending varint differences
-- of their low 16 bits (store/registry_blocks.go). A row a number took about
-- 20 bytes on disk; a block takes 1 to 3 bytes a number. registry_numbers is
-- converted and dropped by the Go step of this migration.
CREATE TABLE registry_blocks (
    block    INTEGER NOT NULL,
    registry TEXT NOT NULL REFERENCES registries (name),
    n        INTEGER NOT NULL CHECK (n > 0),
    numbers  BLOB NOT NULL,
    UNIQUE (block, registry)
);
