-- What the nightly jobs did with each file: processed (its content hash,
-- so that a copy under another name is not processed twice), skipped as a
-- duplicate, failed, or a list in use re-cleaned. stem names the outputs
-- a processed file was given, so that another file of the same name gets
-- its own and a rerun after a crash reuses them.
CREATE TABLE nightly_files (
    id            INTEGER PRIMARY KEY,
    job           TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    input         TEXT NOT NULL,
    stem          TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL CHECK (status IN ('processed', 'duplicate', 'failed', 'rescrubbed')),
    at            TEXT NOT NULL,
    run_id        INTEGER REFERENCES runs (id),
    rows_read     INTEGER NOT NULL DEFAULT 0,
    rows_clean    INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    detail        TEXT NOT NULL DEFAULT ''
);

CREATE UNIQUE INDEX nightly_processed ON nightly_files (job, sha256) WHERE status = 'processed';
CREATE INDEX nightly_at ON nightly_files (at);
CREATE INDEX nightly_stem ON nightly_files (job, stem);
