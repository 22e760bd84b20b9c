package store

// Backup, restore and check work on a store's path, not on an open *Store:
// Open creates and migrates, and a check, a backup or a candidate for
// restore must be seen as the file is, and left as it is.

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/dncctl/dncctl/internal/ctxio"
	"github.com/dncctl/dncctl/internal/tempfile"
	"github.com/dncctl/dncctl/scrub"
)

var (
	// ErrDamaged is returned when a file fails SQLite's integrity check.
	ErrDamaged = errors.New("the file is damaged")
	// ErrNewerSchema is returned when a file's schema is newer than this
	// dncctl knows: it cannot be verified, and Open would refuse it.
	ErrNewerSchema = errors.New("made by a newer dncctl")
	// ErrInUse is returned by Restore when another process has the store open.
	ErrInUse = errors.New("the store is in use by another process")
)

// CheckReport is what Check finds in a store file.
type CheckReport struct {
	Path        string
	Size        int64
	Schema      int // the file's schema version (PRAGMA user_version)
	KnownSchema int // the newest schema version this dncctl knows
	// Integrity holds the rows of SQLite's integrity check: just "ok" when
	// the file is sound, otherwise each problem found.
	Integrity []string
	// Audited is whether the audit log was verified: false when the schema
	// predates it (version 4), is newer than this dncctl knows, or the file
	// is damaged.
	Audited      bool
	AuditRecords int
	AuditHead    string // the last record's hash: a later check can compare it
	AuditErr     error  // wraps ErrAuditBroken and names the first broken record
	// Counts is the number of active entries on each list; nil when they
	// were not read (for the same reasons as Audited).
	Counts map[scrub.List]int
}

// Sound reports whether the file passed the integrity check.
func (r *CheckReport) Sound() bool { return len(r.Integrity) == 1 && r.Integrity[0] == "ok" }

// Older reports whether the file's schema predates this dncctl's: Open
// upgrades it in place.
func (r *CheckReport) Older() bool { return r.Schema < r.KnownSchema }

// Err is the report's first problem, or nil when the file is sound, of a
// schema this dncctl knows, and its audit log intact.
func (r *CheckReport) Err() error {
	switch {
	case !r.Sound():
		more := ""
		if n := len(r.Integrity); n > 1 {
			more = fmt.Sprintf(" (and %d more problems)", n-1)
		}
		first := "no result"
		if len(r.Integrity) > 0 {
			first = r.Integrity[0]
		}
		return fmt.Errorf("%s: %w: %s%s", r.Path, ErrDamaged, first, more)
	case r.Schema > r.KnownSchema:
		return fmt.Errorf("%s: %w: schema version %d, this dncctl knows up to %d: upgrade dncctl", r.Path, ErrNewerSchema, r.Schema, r.KnownSchema)
	case r.AuditErr != nil:
		return fmt.Errorf("%s: %w", r.Path, r.AuditErr)
	}
	return nil
}

// Check inspects the store at path without changing it: SQLite's integrity
// check, the schema version, the audit log's chain and the entry counts,
// all read in one transaction, so the report is of one state of the store
// even while another process writes to it. It never creates a store: one
// that does not exist is ErrNoStore. Problems found are in the report (see
// Err); the error is for a file that could not be checked at all.
func Check(ctx context.Context, path string) (*CheckReport, error) {
	return inspect(ctx, path, path, false)
}

// dsn is the data source name that opens path with params.
func dsn(path string, params url.Values) string {
	return "file:" + uriPath.Replace(path) + "?" + params.Encode()
}

// inspect checks the file at path, naming it name in the report and in
// errors. frozen is for files no other process knows of (a copy being made
// or restored): they are read without locks and without creating a -wal or
// -shm beside them. Others are opened as a reader of a live store is, but
// read-write: a read-only connection would leave -wal and -shm files behind
// that the last writer's close would otherwise remove.
func inspect(ctx context.Context, path, name string, frozen bool) (*CheckReport, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("check %s: %w", name, ErrNoStore)
	}
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("check %s: %w: it is not a regular file", name, ErrNotStore)
	}
	steps, err := migrationSteps()
	if err != nil {
		return nil, err
	}
	r := &CheckReport{Path: name, Size: fi.Size(), KnownSchema: len(steps)}
	if fi.Size() == 0 {
		return nil, fmt.Errorf("check %s: %w: the file is empty", name, ErrNotStore)
	}
	params := url.Values{}
	if frozen {
		params.Set("mode", "ro")
		params.Set("immutable", "1")
	} else {
		params.Set("mode", "rw") // never create
		params.Add("_pragma", "busy_timeout(10000)")
		params.Add("_pragma", "query_only(1)")
	}
	db, err := sql.Open("sqlite", dsn(path, params))
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", name, err)
	}
	defer db.Close()
	// One connection, so that the BEGIN below holds for every query that
	// follows, including those VerifyAudit and Counts make through db.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, fmt.Errorf("check %s: %w", name, err)
	}
	defer db.Exec("ROLLBACK")
	if err := r.read(ctx, db); err != nil {
		return nil, fmt.Errorf("check %s: %w", name, err)
	}
	return r, nil
}

func (r *CheckReport) read(ctx context.Context, db *sql.DB) error {
	var appID, objects int
	err := db.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &r.Schema, &objects)
	if isCorrupt(err) {
		r.Integrity = []string{err.Error()}
		return nil
	}
	if err != nil {
		return notStore(err)
	}
	if appID != applicationID {
		return fmt.Errorf("%w: it is a SQLite database made by something else", ErrNotStore)
	}
	if err := r.integrity(ctx, db); err != nil {
		return err
	}
	if !r.Sound() || r.Schema > r.KnownSchema {
		return nil // its tables cannot be trusted, or not understood
	}
	st := &Store{db: db, path: r.Path}
	var hasAudit bool
	if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'audit'`).Scan(&hasAudit); err != nil {
		return err
	}
	if hasAudit {
		if err := db.QueryRowContext(ctx, `SELECT count(*), coalesce((SELECT hash FROM audit ORDER BY id DESC LIMIT 1), '') FROM audit`).Scan(&r.AuditRecords, &r.AuditHead); err != nil {
			return fmt.Errorf("read the audit log: %w", err)
		}
		if _, err := st.VerifyAudit(ctx); errors.Is(err, ErrAuditBroken) {
			r.AuditErr = err
		} else if err != nil {
			return err
		}
		r.Audited = true
	}
	r.Counts, err = st.Counts(ctx)
	return err
}

// integrity runs SQLite's integrity check, keeping every row it returns.
func (r *CheckReport) integrity(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check")
	if isCorrupt(err) {
		r.Integrity = []string{err.Error()}
		return nil
	}
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		// A row may hold several problems, one a line, under a heading.
		for _, line := range strings.Split(text, "\n") {
			if line != "" && !strings.HasPrefix(line, "*** in database ") {
				r.Integrity = append(r.Integrity, line)
			}
		}
	}
	if err := rows.Err(); isCorrupt(err) {
		r.Integrity = append(r.Integrity, err.Error())
	} else if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	return nil
}

// isCorrupt reports whether err is SQLite finding the file malformed.
func isCorrupt(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CORRUPT
}

// Backup writes a copy of the store at path to target and returns the
// copy's report. The copy is one consistent state of the store, made by
// VACUUM INTO inside a read transaction: safe while other processes write.
// It is written under a temporary name beside target, checked, synced to
// disk and only then given target's name, so that a half-written or
// damaged backup never appears under it. An existing target is an error
// wrapping fs.ErrExist, unless overwrite. The store is not migrated: a
// backup taken before an upgrade keeps the old schema.
func Backup(ctx context.Context, path, target string, overwrite bool) (*CheckReport, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("back up %s: %w", path, ErrNoStore)
	}
	if fi, err := os.Stat(target); err == nil {
		if si, err := os.Stat(path); err == nil && os.SameFile(fi, si) {
			return nil, fmt.Errorf("back up %s to %s: that is the store itself", path, target)
		}
		if !overwrite {
			return nil, fmt.Errorf("back up to %s: %w", target, fs.ErrExist)
		}
	}
	tmp, err := tempfile.Create(target)
	if err != nil {
		return nil, fmt.Errorf("back up to %s: %w", target, err)
	}
	tmp.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmp.Name())
		}
	}()
	if err := vacuumInto(ctx, path, tmp.Name()); err != nil {
		return nil, fmt.Errorf("back up %s: %w", path, err)
	}
	r, err := inspect(ctx, tmp.Name(), target, true)
	if err != nil {
		return nil, fmt.Errorf("back up %s: the copy: %w", path, err)
	}
	if !r.Sound() {
		return nil, fmt.Errorf("back up %s: the copy failed its check, nothing was written: %w", path, r.Err())
	}
	if err := syncFile(tmp.Name()); err != nil {
		return nil, fmt.Errorf("back up to %s: %w", target, err)
	}
	if err := install(tmp.Name(), target, overwrite); err != nil {
		return nil, fmt.Errorf("back up to %s: %w", target, err)
	}
	done = true
	return r, nil
}

// vacuumInto copies the store at path into the empty file to. VACUUM INTO
// reads the source in one read transaction, so the copy is one committed
// state; the connection must be read-write, or SQLite opens the copy
// read-only too and fails to write it.
func vacuumInto(ctx context.Context, path, to string) error {
	params := url.Values{}
	params.Set("mode", "rw") // never create
	params.Add("_pragma", "busy_timeout(10000)")
	db, err := sql.Open("sqlite", dsn(path, params))
	if err != nil {
		return err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return notStore(err)
	}
	defer conn.Close()
	if err := isStore(ctx, conn); err != nil {
		return err
	}
	// An absolute name, so that SQLite never reads it as a "file:" URI.
	abs, err := filepath.Abs(to)
	if err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	return nil
}

// isStore refuses a database that is not a dncctl store, as migrate does,
// and an empty one: there is nothing in it to back up or to replace it with.
func isStore(ctx context.Context, conn *sql.Conn) error {
	var appID, objects int
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &objects); err != nil {
		return notStore(err)
	}
	switch {
	case appID == 0 && objects == 0:
		return fmt.Errorf("%w: the database is empty", ErrNotStore)
	case appID != applicationID:
		return fmt.Errorf("%w: it is a SQLite database made by something else", ErrNotStore)
	}
	return nil
}

// install gives the finished file tmp the name target, and syncs the
// directory so that the name survives a power cut. Without overwrite, a
// hard link claims the name only if it is free, atomically; where the file
// system has no hard links, a rename after a last look has to do.
func install(tmp, target string, overwrite bool) error {
	if !overwrite {
		err := os.Link(tmp, target)
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		if err == nil {
			os.Remove(tmp)
			return syncDir(filepath.Dir(target))
		}
		if _, err := os.Lstat(target); err == nil {
			return fs.ErrExist
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return err
	}
	return syncDir(filepath.Dir(target))
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// RestoreResult is what Restore did.
type RestoreResult struct {
	// Report is the check of the backup's copy, named by the file it came
	// from, before the restore record was added to it.
	Report *CheckReport
	// SHA256 is the restored file's.
	SHA256 string
	// Installed is the check of the store once in place, its restore
	// record the last in its audit log.
	Installed *CheckReport
	// Aside is where the previous store now is; "" when there was none.
	Aside string
	// Discarded is what the previous store held that the backup does not
	// (DiscardNewer); nil when nothing.
	Discarded *NewerChanges
}

// Restore replaces the store at path with a copy of the file candidate,
// which it leaves untouched. The copy is checked first, as Check does: a
// file that is not a dncctl store, is damaged, has a schema newer than this
// dncctl knows or a broken audit log is refused, and the store is left as
// it was. An older schema is accepted, and brought up to date.
//
// A store whose audit log holds records the backup's does not (changes
// made since the backup, or a log that went another way) is refused with
// ErrNewerChanges, unless opts.DiscardNewer: restoring would undo those
// changes, an opt-out among them. A "restore" record, naming the file, its
// SHA-256, the store replaced and what was discarded, is appended to the
// copy's audit log before the copy takes the store's place. The previous
// store is moved to path.before-restore-<now, UTC>, not deleted; with no
// store at path, side files left there (-wal, -shm, -journal) are refused,
// as SQLite would play them into the copy. The store in place is checked
// once more; if that fails, the previous store is put back.
//
// The store must not be in use: Restore takes it over only when no other
// connection has it open, and holds an exclusive lock while it moves it.
// A process that opens the store while Restore runs may still end up
// writing to the store moved aside.
func Restore(ctx context.Context, path, candidate string, opts RestoreOptions) (*RestoreResult, error) {
	cfi, err := os.Stat(candidate)
	if err != nil {
		return nil, fmt.Errorf("restore from %s: %w", candidate, err)
	}
	if sfi, err := os.Stat(path); err == nil && os.SameFile(cfi, sfi) {
		return nil, fmt.Errorf("restore from %s: that is the store itself", candidate)
	}
	// A copy of the main file alone would lose what its -wal or hot
	// -journal holds.
	for _, side := range []string{"-wal", "-journal"} {
		if fi, err := os.Stat(candidate + side); err == nil && fi.Size() > 0 {
			return nil, fmt.Errorf("restore from %s: %s%s beside it holds changes not yet in it (it is open in another program, or was not closed cleanly): make a clean copy with \"dncctl --db %s db backup COPY\" and restore that", candidate, candidate, side, candidate)
		}
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("restore to %s: %w", path, err)
	}
	// The check is of the copy that will be installed, not of the
	// candidate: what is checked is then what is restored, byte for byte.
	tmp, sum, err := copyBeside(ctx, candidate, path)
	if err != nil {
		return nil, fmt.Errorf("restore from %s: %w", candidate, err)
	}
	done := false
	defer func() {
		if !done {
			removeInstalled(tmp)
		}
	}()
	r, err := inspect(ctx, tmp, candidate, true)
	if err != nil {
		return nil, fmt.Errorf("restore refused: %w", err)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("restore refused: %w", err)
	}
	res := &RestoreResult{Report: r, SHA256: sum}
	var prev *takenStore
	if _, err := os.Lstat(path); err == nil {
		if prev, err = takeOver(ctx, path); err != nil {
			return nil, fmt.Errorf("restore to %s: %w", path, err)
		}
		// Until it is moved aside, it is still the store.
		defer func() { prev.release(res.Aside == "") }()
		lost, err := backupChanges(ctx, prev, tmp)
		if err != nil {
			return nil, fmt.Errorf("restore to %s: compare the audit logs: %w", path, err)
		}
		if lost != nil && !opts.DiscardNewer {
			return nil, fmt.Errorf("restore refused: %s: %w: %s", path, ErrNewerChanges, lost)
		}
		res.Discarded = lost
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("restore to %s: %w", path, err)
	} else if stale, err := staleSideFiles(path); err != nil {
		return nil, fmt.Errorf("restore to %s: %w", path, err)
	} else if len(stale) > 0 {
		return nil, fmt.Errorf("restore refused: there is no store at %s, but %s beside it: left by a store moved or deleted while open, or after a crash, it may hold that store's last changes, and SQLite would play it into the restored copy: move it to where that store went, or delete it, and restore again", path, strings.Join(stale, " and "))
	}
	aside := ""
	var before auditEnd
	if prev != nil {
		aside, before = asideName(path, "before-restore", opts.Now), prev.end
	}
	// Recorded in the copy before it is renamed: a failure leaves the store
	// where it is.
	detail := restoreDetail(candidate, sum, aside, before, res.Discarded)
	if err := recordRestore(ctx, tmp, opts.Actor, opts.Now, detail); err != nil {
		return nil, fmt.Errorf("restore to %s: record the restore in the copy's audit log: %w", path, err)
	}
	if err := syncFile(tmp); err != nil {
		return nil, fmt.Errorf("restore to %s: %w", path, err)
	}
	if prev != nil {
		if err := moveAside(path, aside); err != nil {
			return nil, fmt.Errorf("restore to %s: move the store aside: %w", path, err)
		}
		res.Aside = aside
	}
	if err := os.Rename(tmp, path); err != nil {
		res.Aside = putBack(res.Aside, path)
		return nil, fmt.Errorf("restore to %s: %w", path, err)
	}
	done = true
	if err := syncDir(dir); err != nil {
		return nil, fmt.Errorf("restore to %s: %w", path, err)
	}
	if res.Installed, err = checkInstalled(ctx, path, r); err != nil {
		// Moved, not removed: a process that opened it meanwhile may have
		// written to it.
		failed := asideName(path, "restore-failed", opts.Now)
		if merr := moveAside(path, failed); merr != nil {
			return nil, fmt.Errorf("restore to %s: the restored store failed its check once in place, and could not be moved away (%v): %w", path, merr, err)
		}
		if res.Aside = putBack(res.Aside, path); res.Aside != "" {
			return nil, fmt.Errorf("restore to %s: the restored store failed its check once in place and was moved to %s, and the previous store could not be put back: it is %s: %w", path, failed, res.Aside, err)
		}
		return nil, fmt.Errorf("restore to %s: the restored store failed its check once in place, so it was moved to %s (and the previous store, if any, put back): %w", path, failed, err)
	}
	return res, nil
}

// copyBeside copies the file from to a new owner-only temporary file in
// to's directory, synced to disk, and returns its name and the SHA-256 of
// what was copied.
func copyBeside(ctx context.Context, from, to string) (string, string, error) {
	src, err := os.Open(from)
	if err != nil {
		return "", "", err
	}
	defer src.Close()
	dst, err := os.CreateTemp(filepath.Dir(to), "."+filepath.Base(to)+".restore-*")
	if err != nil {
		return "", "", err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(dst, h), ctxio.Reader{Ctx: ctx, R: src})
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return "", "", err
	}
	return dst.Name(), hex.EncodeToString(h.Sum(nil)), nil
}

// takenStore is a store Restore has taken over: no other connection has it
// open, and conn holds an exclusive lock on it.
type takenStore struct {
	db   *sql.DB
	conn *sql.Conn
	mode string   // its journal mode before Restore took it over
	end  auditEnd // where its audit log ends
}

// takeOver makes sure no other process uses the store at path and keeps it
// so until release is called. Leaving WAL mode needs every other
// connection closed (in WAL mode each holds a shared lock for as long as it
// is open), folds the -wal into the file and removes the -wal and -shm,
// which must not be left to the restored file; the exclusive lock then
// keeps out any process that opens the store meanwhile, so that its audit
// log, read here, is the one replaced. A dncctl opening the store later
// puts it back in WAL mode.
func takeOver(ctx context.Context, path string) (*takenStore, error) {
	params := url.Values{}
	params.Set("mode", "rw")
	params.Add("_pragma", "busy_timeout(5000)")
	db, err := sql.Open("sqlite", dsn(path, params))
	if err != nil {
		return nil, err
	}
	t := &takenStore{db: db}
	t.conn, err = db.Conn(ctx)
	if err == nil {
		err = isStoreOrEmpty(ctx, t.conn)
	}
	if err == nil {
		err = t.conn.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&t.mode)
	}
	if err == nil {
		err = leaveWAL(ctx, t.conn)
	}
	if err == nil {
		_, err = t.conn.ExecContext(ctx, "BEGIN EXCLUSIVE")
		if isBusy(err) {
			err = ErrInUse
		}
	}
	if err == nil {
		t.end, err = readAuditEnd(ctx, t.conn)
	}
	if err != nil {
		if t.conn != nil {
			t.conn.ExecContext(context.Background(), "ROLLBACK")
			t.conn.Close()
		}
		db.Close()
		if errors.Is(err, ErrInUse) {
			err = fmt.Errorf("%w: stop every dncctl using it (a scrub, an import) and try again", err)
		}
		return nil, err
	}
	return t, nil
}

// release lets the store go. A store left in place (the restore refused or
// failed) goes back to WAL mode, as it was; one moved aside is left as it is.
func (t *takenStore) release(inPlace bool) {
	ctx := context.Background()
	t.conn.ExecContext(ctx, "ROLLBACK")
	if inPlace && t.mode == "wal" {
		t.conn.ExecContext(ctx, "PRAGMA journal_mode = WAL")
	}
	t.conn.Close()
	t.db.Close()
}

// isStoreOrEmpty refuses to replace a file that is not a dncctl store:
// restore would otherwise move another program's file from under it. An
// empty database (a store created but never written) may be replaced.
func isStoreOrEmpty(ctx context.Context, conn *sql.Conn) error {
	err := isStore(ctx, conn)
	if errors.Is(err, ErrNotStore) {
		var appID, objects int
		if conn.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
			(SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &objects) == nil && appID == 0 && objects == 0 {
			return nil
		}
		return fmt.Errorf("%w (restore will not replace it; if it is a damaged store, move it away yourself and restore again)", err)
	}
	if isCorrupt(err) {
		return fmt.Errorf("%w: %v (move it away yourself and restore again)", ErrDamaged, err)
	}
	return err
}

// takeOverWait is how long Restore waits for other connections to close.
var takeOverWait = 5 * time.Second

// leaveWAL switches the store to the rollback journal, waiting a few
// seconds for other connections to close: another dncctl may be finishing.
func leaveWAL(ctx context.Context, conn *sql.Conn) error {
	deadline := time.Now().Add(takeOverWait)
	for {
		var mode string
		err := conn.QueryRowContext(ctx, "PRAGMA journal_mode = DELETE").Scan(&mode)
		switch {
		case err == nil && mode == "delete":
			return nil
		case err == nil:
			return fmt.Errorf("leave WAL mode: the journal mode is still %s", mode)
		case !isBusy(err):
			return fmt.Errorf("leave WAL mode: %w", err)
		case time.Now().After(deadline):
			return ErrInUse
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

// asideName is a name to move the store at path aside to:
// path.<label>-<now>, with a number after it if that is taken.
func asideName(path, label string, now time.Time) string {
	base := path + "." + label + "-" + now.UTC().Format("20060102T150405Z")
	aside := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(aside); errors.Is(err, fs.ErrNotExist) {
			return aside
		}
		aside = base + "-" + strconv.Itoa(i)
	}
}

// moveAside renames the store at path, and any -wal, -shm or -journal left
// beside it, to aside.
func moveAside(path, aside string) error {
	if _, err := os.Lstat(aside); err == nil {
		return fmt.Errorf("%s: %w", aside, fs.ErrExist)
	}
	// The side files first: a -wal or -shm left under the store's name
	// would be taken for the restored file's.
	for _, side := range sideFiles {
		if err := os.Rename(path+side, aside+side); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return os.Rename(path, aside)
}

// putBack moves the store moved aside back to path, and returns "" once it
// is there, or aside if it could not be moved ("" too when there was none).
func putBack(aside, path string) string {
	if aside == "" {
		return ""
	}
	if err := os.Rename(aside, path); err != nil {
		return aside
	}
	for _, side := range sideFiles {
		os.Rename(aside+side, path+side)
	}
	return ""
}
