-- Proof of scrub: one row per scrub run whose outputs were published (or
-- were about to be). The certificate is the JSON document dncctl made for
-- the run; its SHA-256 is also in the run's audit record, so an edit to it
-- shows. status is 'failed' when the outputs could not be put in place
-- after the run was recorded.
CREATE TABLE runs (
    id                 INTEGER PRIMARY KEY,
    started_at         TEXT NOT NULL,
    finished_at        TEXT NOT NULL,
    command            TEXT NOT NULL,
    os_user            TEXT NOT NULL,
    version            TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'failed')),
    failure            TEXT NOT NULL DEFAULT '',
    certificate        TEXT NOT NULL,
    certificate_sha256 TEXT NOT NULL
);
CREATE INDEX runs_started ON runs (started_at);

-- The files each run wrote, by content: "which run wrote this file?" is a
-- lookup of its SHA-256. The certificate file, which cannot hold its own
-- hash, is indexed here too.
CREATE TABLE run_outputs (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    role   TEXT NOT NULL CHECK (role IN ('clean', 'rejected', 'summary', 'certificate')),
    path   TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (run_id, path)
);
CREATE INDEX run_outputs_sha256 ON run_outputs (sha256);
CREATE INDEX run_outputs_path ON run_outputs (path);
