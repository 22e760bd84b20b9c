package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Nightly file statuses.
const (
	NightlyProcessed  = "processed"
	NightlyDuplicate  = "duplicate"
	NightlyFailed     = "failed"
	NightlyRescrubbed = "rescrubbed"
)

// NightlyFile is what a nightly job did with one file.
type NightlyFile struct {
	ID           int64
	Job          string
	SHA256       string
	Input        string // the file's name when the job found it
	Stem         string // the name its outputs were given
	Status       string
	At           time.Time
	RunID        int64 // the scrub run, if one was recorded
	RowsRead     int
	RowsClean    int
	RowsRejected int
	Detail       string
}

// RecordNightly records what a nightly job did with a file.
func (s *Store) RecordNightly(ctx context.Context, f NightlyFile) error {
	var run any
	if f.RunID != 0 {
		run = f.RunID
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		// A processed file is recorded once: a rerun after a crash that
		// came after the record finds it there and moves on.
		_, err := tx.ExecContext(ctx, `INSERT INTO nightly_files (job, sha256, input, stem, status, at, run_id, rows_read, rows_clean, rows_rejected, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			f.Job, f.SHA256, f.Input, f.Stem, f.Status, f.At.UTC().Format(timeFormat), run, f.RowsRead, f.RowsClean, f.RowsRejected, f.Detail)
		if err != nil {
			return fmt.Errorf("record nightly job %s: %w", f.Job, err)
		}
		return nil
	})
}

// Processed returns the record of the file with content sha256 that job
// processed, and whether there is one.
func (s *Store) Processed(ctx context.Context, job, sha256 string) (NightlyFile, bool, error) {
	var f NightlyFile
	var at string
	var run sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT id, job, sha256, input, stem, status, at, run_id, rows_read, rows_clean, rows_rejected, detail
		FROM nightly_files WHERE job = ? AND sha256 = ? AND status = 'processed'`, job, sha256).
		Scan(&f.ID, &f.Job, &f.SHA256, &f.Input, &f.Stem, &f.Status, &at, &run, &f.RowsRead, &f.RowsClean, &f.RowsRejected, &f.Detail)
	if errors.Is(err, sql.ErrNoRows) {
		return NightlyFile{}, false, nil
	}
	if err != nil {
		return NightlyFile{}, false, fmt.Errorf("read nightly job %s: %w", job, err)
	}
	f.RunID = run.Int64
	if f.At, err = parseTime(at); err != nil {
		return NightlyFile{}, false, err
	}
	return f, true, nil
}

// StemTaken reports whether job gave the output stem to a processed file
// with other content than sha256.
func (s *Store) StemTaken(ctx context.Context, job, stem, sha256 string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM nightly_files WHERE job = ? AND stem = ? AND status = 'processed' AND sha256 != ?`,
		job, stem, sha256).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read nightly job %s: %w", job, err)
	}
	return n > 0, nil
}

// NightlyFiles calls fn with every record since since (zero: all), oldest first.
func (s *Store) NightlyFiles(ctx context.Context, since time.Time, fn func(NightlyFile) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, job, sha256, input, stem, status, at, coalesce(run_id, 0), rows_read, rows_clean, rows_rejected, detail
		FROM nightly_files WHERE at >= ? ORDER BY at, id`, since.UTC().Format(timeFormat))
	if err != nil {
		return fmt.Errorf("read the nightly jobs' record: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f NightlyFile
		var at string
		if err := rows.Scan(&f.ID, &f.Job, &f.SHA256, &f.Input, &f.Stem, &f.Status, &at, &f.RunID, &f.RowsRead, &f.RowsClean, &f.RowsRejected, &f.Detail); err != nil {
			return fmt.Errorf("read the nightly jobs' record: %w", err)
		}
		if f.At, err = parseTime(at); err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}
