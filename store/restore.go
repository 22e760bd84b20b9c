package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrNewerChanges is returned by Restore when the store's audit log holds
// records the backup's does not: restoring would undo those changes (an
// opt-out added since the backup would be callable again).
var ErrNewerChanges = errors.New("the store holds changes the backup does not")

// RestoreOptions say how Restore goes about it.
type RestoreOptions struct {
	Now time.Time
	// Actor is who the restore's audit record names.
	Actor Actor
	// DiscardNewer restores even when the store holds changes the backup
	// does not. They stay in the store moved aside, and the restore record
	// sums them up.
	DiscardNewer bool
}

// NewerChanges are the audit records a store holds that a backup does not:
// what restoring the backup loses.
type NewerChanges struct {
	// After is the last record the store and the backup share; 0 for none.
	After int64
	// Diverged says the backup also holds records the store does not: the
	// two logs went separate ways after After (an older store restored
	// since the backup was taken, say), rather than the store going on
	// where the backup ends.
	Diverged bool
	Records  int            // the store's records after After
	Actions  map[string]int // those records by action
	Numbers  []string       // the first numbers they changed, in the log's order
}

// numbersShown is how many of the numbers changed a summary names.
const numbersShown = 5

// String sums the changes up in one line: the count, by action, and the
// first numbers.
func (c *NewerChanges) String() string {
	var b strings.Builder
	switch {
	case c.Diverged:
		fmt.Fprintf(&b, "%d audit records not in the backup (the two logs part after record %d)", c.Records, c.After)
	case c.After == 0:
		fmt.Fprintf(&b, "%d audit records, and the backup has none", c.Records)
	default:
		fmt.Fprintf(&b, "%d audit records made after the backup's last one (record %d)", c.Records, c.After)
	}
	var actions []string
	for _, a := range slices.Sorted(maps.Keys(c.Actions)) {
		actions = append(actions, fmt.Sprintf("%s %d", a, c.Actions[a]))
	}
	fmt.Fprintf(&b, ": %s", strings.Join(actions, ", "))
	if len(c.Numbers) > 0 {
		more := ""
		if len(c.Numbers) == numbersShown {
			more = ", …"
		}
		fmt.Fprintf(&b, "; numbers %s%s", strings.Join(c.Numbers, ", "), more)
	}
	return b.String()
}

// auditEnd is where a store's audit log ends.
type auditEnd struct {
	Records int
	LastID  int64
	Head    string // the last record's hash; "" for an empty log
}

func readAuditEnd(ctx context.Context, q querier) (auditEnd, error) {
	var end auditEnd
	var hasAudit bool
	if err := q.QueryRowContext(ctx, `SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'audit'`).Scan(&hasAudit); err != nil || !hasAudit {
		return end, err // a store older than the audit log has none to lose
	}
	err := q.QueryRowContext(ctx, `SELECT count(*), coalesce(max(id), 0),
		coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '') FROM audit`).Scan(&end.Records, &end.LastID, &end.Head)
	if err != nil {
		return end, fmt.Errorf("read the audit log: %w", err)
	}
	return end, nil
}

// newerChanges compares the store's audit log (cur) with the backup's
// (backup), and returns what the store holds past the records the two
// share, or nil when that is nothing. Each record's hash covers every
// record before it, so the same hash at record k in both means the same
// log up to k: the shared part is found by bisection, a few lookups
// however long the logs.
func newerChanges(ctx context.Context, cur querier, curEnd auditEnd, backup querier, backupEnd auditEnd) (*NewerChanges, error) {
	if curEnd.Records == 0 {
		return nil, nil
	}
	hashAt := func(q querier, id int64) (string, error) {
		var h string
		err := q.QueryRowContext(ctx, `SELECT hash FROM audit WHERE id = ?`, id).Scan(&h)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return h, err
	}
	same := func(id int64) (bool, error) {
		a, err := hashAt(cur, id)
		if err != nil {
			return false, fmt.Errorf("read the store's audit log: %w", err)
		}
		b, err := hashAt(backup, id)
		if err != nil {
			return false, fmt.Errorf("read the backup's audit log: %w", err)
		}
		return a != "" && a == b, nil
	}
	// same(lo) holds, same(hi) does not.
	lo, hi := int64(0), min(curEnd.LastID, backupEnd.LastID)
	if hi > 0 {
		ok, err := same(hi)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = hi
		}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := same(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	c := &NewerChanges{After: lo, Diverged: lo < backupEnd.LastID, Actions: map[string]int{}}
	rows, err := cur.QueryContext(ctx, `SELECT action, count(*) FROM audit WHERE id > ? GROUP BY action`, lo)
	if err != nil {
		return nil, fmt.Errorf("read the store's audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var action string
		var n int
		if err := rows.Scan(&action, &n); err != nil {
			return nil, fmt.Errorf("read the store's audit log: %w", err)
		}
		c.Actions[action], c.Records = n, c.Records+n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the store's audit log: %w", err)
	}
	if c.Records == 0 {
		return nil, nil
	}
	numbers, err := cur.QueryContext(ctx, `SELECT e164 FROM audit WHERE id > ? AND e164 <> ''
		GROUP BY e164 ORDER BY min(id) LIMIT ?`, lo, numbersShown)
	if err != nil {
		return nil, fmt.Errorf("read the store's audit log: %w", err)
	}
	defer numbers.Close()
	for numbers.Next() {
		var n string
		if err := numbers.Scan(&n); err != nil {
			return nil, fmt.Errorf("read the store's audit log: %w", err)
		}
		c.Numbers = append(c.Numbers, n)
	}
	return c, numbers.Err()
}

// backupChanges opens the checked copy tmp to compare its audit log with
// the store's, taken over as prev.
func backupChanges(ctx context.Context, prev *takenStore, tmp string) (*NewerChanges, error) {
	params := url.Values{}
	params.Set("mode", "ro")
	params.Set("immutable", "1")
	db, err := sql.Open("sqlite", dsn(tmp, params))
	if err != nil {
		return nil, err
	}
	defer db.Close()
	backupEnd, err := readAuditEnd(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("the backup: %w", err)
	}
	return newerChanges(ctx, prev.conn, prev.end, db, backupEnd)
}

// restoreDetail is what the restore's audit record says: enough to find
// the file restored, and the store it replaced with what was lost.
func restoreDetail(candidate, sum, aside string, before auditEnd, lost *NewerChanges) string {
	from, _ := filepath.Abs(candidate)
	detail := fmt.Sprintf("from %s (sha256 %s)", from, sum)
	if aside == "" {
		return detail + "; there was no store before"
	}
	abs, _ := filepath.Abs(aside)
	detail += fmt.Sprintf("; the store it replaced moved to %s (%d audit records", abs, before.Records)
	if before.Head != "" {
		detail += ", last hash " + before.Head
	}
	detail += ")"
	if lost == nil {
		return detail + "; nothing discarded"
	}
	return detail + "; discarded " + lost.String()
}

// recordRestore appends the restore record to the copy at path, before it
// takes the store's place, through the auditor as every change is: the
// restored store's log is one intact chain that says it was restored.
// Opening the copy as a store brings an older schema up to date, since a
// log is needed to hold the record.
func recordRestore(ctx context.Context, path string, actor Actor, at time.Time, detail string) error {
	s, err := Open(ctx, path)
	if err != nil {
		return err
	}
	s.SetActor(actor)
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		// A copy of the store may share a token with a snapshot or a
		// registry file made since from another state of it: see
		// snapshot.go and registry_file.go.
		for _, table := range []string{"entries_version", "registry_version"} {
			if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET token = random()`); err != nil {
				return err
			}
		}
		return audit.record(ctx, "restore", "", "", detail)
	})
	// Closing the last connection folds the -wal into the file and
	// removes it: the copy must be whole on its own when it is renamed.
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	left, err := staleSideFiles(path)
	if err == nil && len(left) > 0 {
		err = fmt.Errorf("%s was left beside the copy: its changes are not all in it", strings.Join(left, " and "))
	}
	return err
}

// sideFiles are the names of SQLite's side files of a store at path.
var sideFiles = []string{"-wal", "-shm", "-journal"}

// staleSideFiles are the side files at path when there is no store there:
// left by a store moved or deleted while open, or after a crash. SQLite
// would take them for the restored file's own, and play a -wal or a hot
// -journal into it.
func staleSideFiles(path string) ([]string, error) {
	var found []string
	for _, side := range sideFiles {
		_, err := os.Lstat(path + side)
		if err == nil {
			found = append(found, path+side)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return found, nil
}

// checkInstalled checks the store restored at path as a reader will find
// it: sound, its log intact with the restore record after the backup's,
// and the backup's entries.
func checkInstalled(ctx context.Context, path string, backup *CheckReport) (*CheckReport, error) {
	r, err := Check(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	switch {
	case !r.Audited || r.AuditRecords != backup.AuditRecords+1:
		return nil, fmt.Errorf("its audit log holds %d records, want the backup's %d and the restore record", r.AuditRecords, backup.AuditRecords)
	case !maps.Equal(r.Counts, backup.Counts):
		return nil, fmt.Errorf("it holds %v active entries, the backup %v", r.Counts, backup.Counts)
	}
	return r, nil
}

// removeInstalled removes the copy being restored, and the side files it
// may have left: there were none before it.
func removeInstalled(path string) {
	for _, side := range sideFiles {
		os.Remove(path + side)
	}
	os.Remove(path)
}
