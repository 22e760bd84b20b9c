-- National do-not-call registries the company subscribes to. Numbers are
-- kept as the integer of their E.164 digits, keyed with the registry, so a
-- registry of hundreds of millions is looked up without being loaded.
CREATE TABLE registries (
    name           TEXT PRIMARY KEY,
    region         TEXT NOT NULL DEFAULT '',
    count          INTEGER NOT NULL DEFAULT 0,
    last_full_at   TEXT,
    last_change_at TEXT
);

CREATE TABLE registry_numbers (
    registry TEXT NOT NULL REFERENCES registries (name),
    number   INTEGER NOT NULL,
    PRIMARY KEY (number, registry)
) WITHOUT ROWID;
