package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// RunStatus says whether a recorded run's outputs were published.
type RunStatus string

// The statuses. A run is recorded as ok before its outputs are put in place
// (an output must never exist without its record), and marked failed if
// putting them in place then fails.
const (
	RunOK     RunStatus = "ok"
	RunFailed RunStatus = "failed"
)

// The roles of a run's outputs.
const (
	RoleClean       = "clean"
	RoleRejected    = "rejected"
	RoleSummary     = "summary"
	RoleCertificate = "certificate"
	// RoleReport is the workbook of scrub --report.
	RoleReport = "report"
)

// ErrNoRun is returned for a run id the store does not hold.
var ErrNoRun = errors.New("no such run")

// ErrRunAltered is returned by VerifyRun when a run's record was changed
// after it was written.
var ErrRunAltered = errors.New("the run's record has been altered")

// Run is one scrub run as the store keeps it. The certificate is a JSON
// document the caller makes; the store keeps it as it is and does not read it.
type Run struct {
	ID          int64
	StartedAt   time.Time
	FinishedAt  time.Time
	Command     string
	User        string
	Version     string
	Status      RunStatus
	Failure     string // why the outputs were not published, for a failed run
	Certificate []byte
	SHA256      string      // of Certificate
	Outputs     []RunOutput // filled by Run and RunsWithOutput, not by Runs
}

// RunOutput is a file a run wrote.
type RunOutput struct {
	Role   string // RoleClean, RoleRejected, RoleSummary, RoleReport or RoleCertificate
	Path   string // absolute
	SHA256 string
}

// NewRun is what RecordRun records.
type NewRun struct {
	StartedAt  time.Time
	FinishedAt time.Time
	Version    string
	Outputs    []RunOutput // the certificate file excepted
	// CertificateFile is where the certificate is also written (absolute),
	// or "": it is indexed as an output with the certificate's hash.
	CertificateFile string
}

// RecordRun records a run in one transaction with its audit record (action
// "scrub", naming the run and its certificate's SHA-256). certify is called
// inside the transaction with the run's id and returns the certificate; the
// run is recorded only if it succeeds. It returns the recorded run.
func (s *Store) RecordRun(ctx context.Context, run NewRun, certify func(id int64) ([]byte, error)) (Run, error) {
	r := Run{StartedAt: run.StartedAt, FinishedAt: run.FinishedAt, Command: s.actor.Command, User: s.actor.User,
		Version: run.Version, Status: RunOK, Outputs: run.Outputs}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		// The transaction holds the write lock from its start (_txlock=immediate),
		// so no other run can take the same id.
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM runs`).Scan(&r.ID); err != nil {
			return fmt.Errorf("record the run: %w", err)
		}
		cert, err := certify(r.ID)
		if err != nil {
			return err
		}
		r.Certificate, r.SHA256 = cert, sha256Hex(cert)
		if run.CertificateFile != "" {
			r.Outputs = append(r.Outputs[:len(r.Outputs):len(r.Outputs)], RunOutput{Role: RoleCertificate, Path: run.CertificateFile, SHA256: r.SHA256})
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO runs (id, started_at, finished_at, command, os_user, version, status, certificate, certificate_sha256)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.StartedAt.UTC().Format(timeFormat), r.FinishedAt.UTC().Format(timeFormat),
			r.Command, r.User, r.Version, string(r.Status), string(r.Certificate), r.SHA256); err != nil {
			return fmt.Errorf("record run %d: %w", r.ID, err)
		}
		for _, o := range r.Outputs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO run_outputs (run_id, role, path, sha256) VALUES (?, ?, ?, ?)`,
				r.ID, o.Role, o.Path, o.SHA256); err != nil {
				return fmt.Errorf("record run %d: output %s: %w", r.ID, o.Path, err)
			}
		}
		audit, err := s.newAuditor(ctx, tx, r.FinishedAt)
		if err != nil {
			return err
		}
		defer audit.close()
		return audit.record(ctx, "scrub", "", "", runDetail(r.ID, r.SHA256))
	})
	if err != nil {
		return Run{}, err
	}
	return r, nil
}

// runDetail is what a run's audit record says: enough to tie the record to
// the certificate, and so to every hash the certificate holds.
func runDetail(id int64, certSHA256 string) string {
	return fmt.Sprintf("run %d; certificate sha256 %s", id, certSHA256)
}

// FailRun marks a recorded run failed: its outputs were not put in place.
// The change is audited too, so that a run cannot be disowned unseen.
func (s *Store) FailRun(ctx context.Context, id int64, why string, at time.Time) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE runs SET status = ?, failure = ? WHERE id = ?`, string(RunFailed), why, id)
		if err != nil {
			return fmt.Errorf("mark run %d failed: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("mark run %d failed: %w", id, ErrNoRun)
		}
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		return audit.record(ctx, "scrub", "", "", fmt.Sprintf("run %d failed: %s", id, why))
	})
}

// RunQuery selects runs.
type RunQuery struct {
	Since time.Time // zero for all time
}

const runColumns = `id, started_at, finished_at, command, os_user, version, status, failure, certificate, certificate_sha256`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var started, finished, status, cert string
	if err := sc.Scan(&r.ID, &started, &finished, &r.Command, &r.User, &r.Version, &status, &r.Failure, &cert, &r.SHA256); err != nil {
		return Run{}, err
	}
	r.Status, r.Certificate = RunStatus(status), []byte(cert)
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return Run{}, fmt.Errorf("run %d: started_at: %w", r.ID, err)
	}
	if r.FinishedAt, err = parseTime(finished); err != nil {
		return Run{}, fmt.Errorf("run %d: finished_at: %w", r.ID, err)
	}
	return r, nil
}

// Runs calls fn for each run matching q, oldest first, without its outputs.
func (s *Store) Runs(ctx context.Context, q RunQuery, fn func(Run) error) error {
	since := ""
	if !q.Since.IsZero() {
		since = q.Since.UTC().Format(timeFormat)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM runs WHERE (? = '' OR started_at >= ?) ORDER BY id`, since, since)
	if err != nil {
		return fmt.Errorf("read runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return fmt.Errorf("read runs: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read runs: %w", err)
	}
	return nil
}

// Run returns one run with its outputs, or an error wrapping ErrNoRun.
func (s *Store) Run(ctx context.Context, id int64) (Run, error) {
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+` FROM runs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Run{}, fmt.Errorf("run %d: %w", id, ErrNoRun)
	}
	if err != nil {
		return Run{}, fmt.Errorf("read run %d: %w", id, err)
	}
	outs, err := s.runOutputs(ctx, `run_id = ?`, id)
	if err != nil {
		return Run{}, err
	}
	for _, o := range outs {
		r.Outputs = append(r.Outputs, o.RunOutput)
	}
	return r, nil
}

// RunMatch is a file a run wrote, with the run.
type RunMatch struct {
	Run    Run
	Output RunOutput
}

// RunsWithOutput finds the runs that wrote a file with this SHA-256, newest
// first: the same content may come out of several runs.
func (s *Store) RunsWithOutput(ctx context.Context, sha256 string) ([]RunMatch, error) {
	return s.runMatches(ctx, `sha256 = ?`, sha256)
}

// RunsWithOutputPath finds the runs that wrote a file at this absolute path,
// newest first, whatever its content.
func (s *Store) RunsWithOutputPath(ctx context.Context, path string) ([]RunMatch, error) {
	return s.runMatches(ctx, `path = ?`, path)
}

func (s *Store) runMatches(ctx context.Context, where string, arg any) ([]RunMatch, error) {
	outs, err := s.runOutputs(ctx, where, arg)
	if err != nil {
		return nil, err
	}
	var matches []RunMatch
	for i := len(outs) - 1; i >= 0; i-- {
		r, err := s.Run(ctx, outs[i].runID)
		if err != nil {
			return nil, err
		}
		matches = append(matches, RunMatch{Run: r, Output: outs[i].RunOutput})
	}
	return matches, nil
}

type indexedOutput struct {
	RunOutput
	runID int64
}

// runOutputs reads run_outputs rows, by run and in the order written.
func (s *Store) runOutputs(ctx context.Context, where string, arg any) ([]indexedOutput, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT run_id, role, path, sha256 FROM run_outputs WHERE `+where+` ORDER BY run_id, rowid`, arg)
	if err != nil {
		return nil, fmt.Errorf("read run outputs: %w", err)
	}
	defer rows.Close()
	var out []indexedOutput
	for rows.Next() {
		var o indexedOutput
		if err := rows.Scan(&o.runID, &o.Role, &o.Path, &o.SHA256); err != nil {
			return nil, fmt.Errorf("read run outputs: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// VerifyRun checks that a run's certificate is the one recorded: its text
// still has its hash, and the audit log's record of the run names that hash.
// (audit verify checks the log itself.) An error wraps ErrRunAltered.
func (s *Store) VerifyRun(ctx context.Context, r Run) error {
	if got := sha256Hex(r.Certificate); got != r.SHA256 {
		return fmt.Errorf("%w: run %d's certificate does not have the SHA-256 recorded with it", ErrRunAltered, r.ID)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM audit WHERE action = 'scrub' AND detail = ?`,
		runDetail(r.ID, r.SHA256)).Scan(&n); err != nil {
		return fmt.Errorf("read the audit log: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("%w: no audit record names run %d with certificate sha256 %s", ErrRunAltered, r.ID, r.SHA256)
	}
	return nil
}

// ReviewQueue names the review queue among the lists' states: Active is
// its pending reviews.
const ReviewQueue scrub.List = "review"

// ListState is what a list held when a run started.
type ListState struct {
	List   scrub.List
	Active int
	// LastChange is the newest addition or removal; zero for a list never used.
	LastChange time.Time
}

// ListStates says, for every list, how many entries are active and when it
// last changed, read in one query so that the lists are seen at one moment.
func (s *Store) ListStates(ctx context.Context) ([]ListState, error) {
	return listStatesIn(ctx, s.db)
}

func listStatesIn(ctx context.Context, db querier) ([]ListState, error) {
	rows, err := db.QueryContext(ctx, `SELECT list, count(*), max(added_at) FROM entries
		WHERE removed_at IS NULL GROUP BY list`)
	if err != nil {
		return nil, fmt.Errorf("read the lists' state: %w", err)
	}
	defer rows.Close()
	tallies := listTallies{}
	for rows.Next() {
		var list string
		var t listTally
		if err := rows.Scan(&list, &t.active, &t.last); err != nil {
			return nil, fmt.Errorf("read the lists' state: %w", err)
		}
		tallies[list] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the lists' state: %w", err)
	}
	return tallies.states(ctx, db)
}

// listTallies are, by list, the active entries and the newest time on them.
type listTallies map[string]listTally

type listTally struct {
	active int
	last   string // timeFormat, so that text order is time order
}

// count tallies one active entry.
func (t listTallies) count(list, addedAt string) {
	c := t[list]
	c.active++
	c.last = max(c.last, addedAt)
	t[list] = c
}

// states completes the tallies of the active entries with the removed ones
// and the review queue: a list last changed at its newest addition or
// removal.
func (t listTallies) states(ctx context.Context, db querier) ([]ListState, error) {
	rows, err := db.QueryContext(ctx, `SELECT list, 0, max(max(added_at, removed_at)) FROM entries
		WHERE removed_at IS NOT NULL GROUP BY list
		UNION ALL SELECT 'review', sum(status = 'pending'), max(max(flagged_at, coalesce(decided_at, '')))
		FROM reviews HAVING count(*) > 0`)
	if err != nil {
		return nil, fmt.Errorf("read the lists' state: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var list, last string
		var active int
		if err := rows.Scan(&list, &active, &last); err != nil {
			return nil, fmt.Errorf("read the lists' state: %w", err)
		}
		c := t[list]
		c.active += active // the review queue's pending reviews; 0 for removed entries
		c.last = max(c.last, last)
		t[list] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the lists' state: %w", err)
	}
	lists := append(slices.Clone(scrub.Lists), ReviewQueue)
	states := make([]ListState, len(lists))
	for i, l := range lists {
		states[i].List = l
		c, ok := t[string(l)]
		if !ok {
			continue
		}
		states[i].Active = c.active
		last, err := parseTime(c.last)
		if err != nil {
			return nil, fmt.Errorf("read the lists' state: %s: %w", l, err)
		}
		states[i].LastChange = last
	}
	return states, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
