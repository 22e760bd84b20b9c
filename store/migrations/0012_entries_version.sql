-- A token that changes whenever an entry already written is changed,
-- removed or deleted, or one is inserted below the newest: the index
-- snapshot beside the store (snapshot.go) is valid only while the token it
-- was made under is unchanged. Entries appended at the end leave it alone;
-- a run reads those from the table. The triggers fire for every writer,
-- this binary, an older one or the sqlite3 shell.
CREATE TABLE entries_version (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    token INTEGER NOT NULL
);
INSERT INTO entries_version (id, token) VALUES (1, random());

CREATE TRIGGER entries_version_update AFTER UPDATE ON entries
BEGIN
    UPDATE entries_version SET token = random();
END;

CREATE TRIGGER entries_version_delete AFTER DELETE ON entries
BEGIN
    UPDATE entries_version SET token = random();
END;

CREATE TRIGGER entries_version_insert AFTER INSERT ON entries
WHEN NEW.id < (SELECT max(id) FROM entries)
BEGIN
    UPDATE entries_version SET token = random();
END;
