-- scrub --report writes a workbook, recorded among the run's outputs as
-- role 'report'. SQLite cannot change a CHECK in place: the table is made
-- again, its rows (and their rowids, which keep the outputs in the order
-- they were written) copied over.
CREATE TABLE run_outputs_new (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    role   TEXT NOT NULL CHECK (role IN ('clean', 'rejected', 'summary', 'certificate', 'report')),
    path   TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (run_id, path)
);
INSERT INTO run_outputs_new (rowid, run_id, role, path, sha256)
    SELECT rowid, run_id, role, path, sha256 FROM run_outputs ORDER BY rowid;
DROP TABLE run_outputs;
ALTER TABLE run_outputs_new RENAME TO run_outputs;
CREATE INDEX run_outputs_sha256 ON run_outputs (sha256);
CREATE INDEX run_outputs_path ON run_outputs (path);
