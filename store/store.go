// Package store keeps dncctl's lists in a local SQLite file: schema,
// migrations and queries. It knows SQL, not flags or file formats.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/dncctl/dncctl/scrub"
)

// applicationID marks a SQLite file as a dncctl store ("DNCC").
const applicationID = 0x444e4343

//go:embed migrations/*.sql
var migrations embed.FS

// uriPath escapes what a SQLite URI filename would otherwise read as the
// start of its query or fragment, or as an escape: "a?b.db" must open a?b.db.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")

// ErrNotStore is returned when the file is not a dncctl store.
var ErrNotStore = errors.New("not a dncctl store")

// ErrNoStore is returned by OpenExisting when there is no store at the path.
var ErrNoStore = errors.New("no store there")

// OpenExisting opens the store at path like Open, but never creates it:
// checking numbers against a store that a typo just created would pass them all.
func OpenExisting(ctx context.Context, path string) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("open store %s: %w", path, ErrNoStore)
	}
	return Open(ctx, path)
}

// Store is an open dncctl store.
type Store struct {
	db    *sql.DB
	path  string
	actor Actor // who changes are recorded as made by
	// allowShrink lets a full registry import empty or halve a registry.
	allowShrink bool
	// waiting, if set, is called once when a change has to wait for
	// another process writing to the store (see begin).
	waiting     func()
	waitingOnce sync.Once
	// indexSource and snapshotErr describe the last index load: "table",
	// or "snapshot and N from the table" (for tests); why its snapshot
	// could not be written.
	indexSource string
	snapshotErr error
	// noSnapshot makes index loads read the table alone, for tests to
	// compare with.
	noSnapshot bool
	// protectedBy is the fingerprint of the key a protected store keeps
	// its numbers hashed with ("" in clear); key and hasher are that key,
	// once given (UseKey).
	protectedBy string
	key         scrub.HashKey
	hasher      *scrub.Hasher
}

// OnWait sets what is done, once, when a change waits for another process
// writing to the store: a command tells its user why it is not done yet.
func (s *Store) OnWait(fn func()) { s.waiting = fn }

// busyTimeout is how long SQLite itself waits for the write lock before
// begin tries again; tests shorten it.
var busyTimeout = 10 * time.Second

// maxWriteWait is how long a change waits, in all, for another writer: an
// import of a million numbers holds the lock for a minute or so, and an
// opt-out added meanwhile must not fail with "database is locked".
var maxWriteWait = 30 * time.Minute

// Open opens the store at path, creating it (mode 0600, directory 0700) and
// bringing its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := create(path); err != nil {
		return nil, fmt.Errorf("create store %s: %w", path, err)
	}
	q := url.Values{}
	// journal_mode(WAL) is not set here: it would be applied (and written to
	// the file) when a connection opens, before migrate has checked that the
	// file is a dncctl store. migrate sets it once the file is known to be ours.
	// temp_store: the statement journals of the many-row INSERTs stay in
	// memory instead of a temporary file written page by page.
	for _, p := range []string{"busy_timeout(" + strconv.Itoa(int(busyTimeout.Milliseconds())) + ")", "synchronous(FULL)", "foreign_keys(1)", "temp_store(2)"} {
		q.Add("_pragma", p)
	}
	// Writers take the lock when they begin, so two writers queue on the busy
	// timeout instead of failing with "database is locked" on upgrade.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+uriPath.Replace(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.readProtection(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// create makes an empty file with owner-only permissions, so that SQLite (and
// its -wal and -shm files, which copy the mode) never makes one readable by others.
func create(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

func (s *Store) migrate(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return notStore(err) // the DSN's pragmas run here, on the file's first page
	}
	defer conn.Close()
	// One statement, so one snapshot: read separately, another process's
	// first migration could commit in between, and its tables without its
	// application_id would look like a foreign database.
	var appID, version, objects int
	if err := conn.QueryRowContext(ctx, `SELECT (SELECT application_id FROM pragma_application_id),
		(SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)`).Scan(&appID, &version, &objects); err != nil {
		return notStore(err)
	}
	if appID != applicationID && (appID != 0 || objects > 0) {
		return fmt.Errorf("%w: it is a SQLite database made by something else", ErrNotStore)
	}
	// WAL mode is kept in the file, so every later connection uses it too.
	if err := setWAL(ctx, conn); err != nil {
		return err
	}
	steps, err := migrationSteps()
	if err != nil {
		return err
	}
	if version > len(steps) {
		return fmt.Errorf("store schema version %d is newer than this dncctl knows (%d): upgrade dncctl", version, len(steps))
	}
	for i := version; i < len(steps); i++ {
		if err := applyMigration(ctx, conn, i+1, steps[i]); err != nil {
			return fmt.Errorf("migrate to version %d: %w", i+1, err)
		}
	}
	return nil
}

// setWAL switches the file to WAL mode. Switching reads the file, then takes
// the write lock; two processes switching a new store at once would each
// wait on the other, so SQLite fails one with SQLITE_BUSY at once instead of
// waiting. That one tries again: by then the file is in WAL mode already.
func setWAL(ctx context.Context, conn *sql.Conn) error {
	for try := 1; ; try++ {
		_, err := conn.ExecContext(ctx, "PRAGMA journal_mode = WAL")
		var se *sqlite.Error
		if err == nil || try == 100 || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// bulkCache gives the connection of tx a page cache of 64 MiB instead of
// 2 MiB, so that a large import does not spill it to the WAL over and over
// in the middle of its transaction. A scrub's reads do not need it, and it
// would only add to their memory.
func bulkCache(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "PRAGMA cache_size = -65536")
	return err
}

// begin starts a write transaction. Writers take the lock as they begin
// (_txlock=immediate); while another process holds it, begin waits, then
// tries again, for up to maxWriteWait, so that a long import delays an
// opt-out instead of failing it.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	deadline := time.Now().Add(maxWriteWait)
	for {
		tx, err := s.db.BeginTx(ctx, nil)
		if err == nil || !isBusy(err) {
			return tx, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("another process has been writing to the store for over %s: %w", maxWriteWait, err)
		}
		if s.waiting != nil {
			s.waitingOnce.Do(s.waiting)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func notStore(err error) error {
	if strings.Contains(err.Error(), "file is not a database") {
		return fmt.Errorf("%w: the file is not a SQLite database", ErrNotStore)
	}
	return err
}

func migrationSteps() ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	steps := make([]string, len(names))
	for i, name := range names {
		b, err := migrations.ReadFile(name)
		if err != nil {
			return nil, err
		}
		steps[i] = string(b)
	}
	return steps, nil
}

// migrationCode runs after the SQL of the migration to its version, in
// the same transaction: what SQL alone cannot do.
var migrationCode = map[int]func(context.Context, *sql.Tx) error{
	11: blocksFromRegistryNumbers,
	15: allowHashedWhitelist,
}

func applyMigration(ctx context.Context, conn *sql.Conn, version int, script string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Another process may have migrated while this one waited for the lock.
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return err
	}
	if current >= version {
		return nil
	}
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return err
	}
	if code := migrationCode[version]; code != nil {
		if err := code(ctx, tx); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA application_id = "+strconv.Itoa(applicationID)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version)); err != nil {
		return err
	}
	return tx.Commit()
}
