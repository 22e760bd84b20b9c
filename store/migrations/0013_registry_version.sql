-- A token that changes whenever a registry block is inserted, updated or
-- deleted, by any writer: the registry file beside the store
-- (registry_file.go) is used only while the token it was written under is
-- unchanged.
CREATE TABLE registry_version (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    token INTEGER NOT NULL
);
INSERT INTO registry_version (id, token) VALUES (1, random());

CREATE TRIGGER registry_version_insert AFTER INSERT ON registry_blocks
BEGIN
    UPDATE registry_version SET token = random();
END;

CREATE TRIGGER registry_version_update AFTER UPDATE ON registry_blocks
BEGIN
    UPDATE registry_version SET token = random();
END;

CREATE TRIGGER registry_version_delete AFTER DELETE ON registry_blocks
BEGIN
    UPDATE registry_version SET token = random();
END;
