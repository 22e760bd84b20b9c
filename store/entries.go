package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/dncctl/dncctl/scrub"
)

// timeFormat is how times are kept: UTC, to the second, so that text order is time order.
const timeFormat = "2006-01-02T15:04:05Z"

// Entry is one list entry with its history.
type Entry struct {
	ID            int64
	List          scrub.List
	E164          string
	Channel       scrub.Channel // opt-outs only
	Tag           string        // whitelist only
	Reason        string
	Source        string
	AddedAt       time.Time
	AddedBy       string
	RemovedAt     time.Time // zero while the entry is active
	RemovedBy     string
	RemovedReason string
	Campaign      string    // the one campaign it applies to; "" for every campaign
	ExpiresAt     time.Time // when it stops applying; zero for never
	Prefix        bool      // blacklist only: E164 is a prefix covering a range
	// Evidence is what the entry rests on (the raw reply, the calls); "" for
	// entries typed by hand.
	Evidence string
	// Since, if not zero, is when the company learned of it (a reply's
	// time), recorded as added_at instead of the time of the change.
	Since time.Time
	// Hash, if not "", marks an entry from a partner's hashed list: E164
	// holds the hash of a number in lower-case hex (see scrub.HashKind).
	Hash scrub.HashKind
	// HashKey is the fingerprint of an HMAC-SHA-256 hash's key.
	HashKey string
}

// Active reports whether the entry still suppresses (or, on the whitelist, prioritizes).
func (e Entry) Active() bool { return e.RemovedAt.IsZero() }

// Scrub is the entry as the engine uses it.
func (e Entry) Scrub() scrub.Entry {
	return scrub.Entry{List: e.List, E164: e.E164, Channel: e.Channel, Tag: e.Tag, Reason: e.Reason, Source: e.Source,
		AddedAt: e.AddedAt, Campaign: e.Campaign, ExpiresAt: e.ExpiresAt, Prefix: e.Prefix, Hash: e.Hash, HashKey: e.HashKey}
}

// Add inserts entries in one transaction, stamped with at and by. An entry
// whose number is already active on the same list (and channel) is left as it
// is; added[i] says whether entries[i] was new.
func (s *Store) Add(ctx context.Context, entries []Entry, at time.Time, by string) (added []bool, err error) {
	res, err := s.Apply(ctx, Changes{Add: entries}, at, by)
	return res.Added, err
}

// Entries is a list of n entries given one by index, for an import too large
// to hold as []Entry: a million store.Entry values took some 300 MB, when
// an import's entries differ only in their number.
type Entries struct {
	N  int
	At func(i int) Entry
}

// entriesOf is Entries for a slice.
func entriesOf(es []Entry) Entries {
	return Entries{N: len(es), At: func(i int) Entry { return es[i] }}
}

// AddAll is Add for entries given by index.
func (s *Store) AddAll(ctx context.Context, entries Entries, at time.Time, by string) (added []bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		added, err = s.addIn(ctx, tx, audit, entries, at, by)
		return err
	})
	if err != nil {
		return nil, err
	}
	return added, nil
}

// addIn inserts entries in tx; see Add. It inserts them a hundred to a
// statement, and writes their audit records as many: a statement costs
// far more than a row in SQLite, and an import may hold a million.
func (s *Store) addIn(ctx context.Context, tx *sql.Tx, audit *auditor, entries Entries, at time.Time, by string) ([]bool, error) {
	if err := s.needKey(); err != nil {
		return nil, err
	}
	if s.hasher != nil {
		given := entries.At
		entries.At = func(i int) Entry { return s.protectEntry(given(i)) }
	}
	added := make([]bool, entries.N)
	stamp := at.UTC().Format(timeFormat)
	if entries.N > bulkImport {
		if err := bulkCache(ctx, tx); err != nil {
			return nil, err
		}
	}
	audit.batch()
	ins := newBatchInserter(tx)
	defer ins.close()
	order := insertOrder(entries)
	batch := make([]Entry, 0, addBatch)
	for start := 0; start < entries.N; start += addBatch {
		batch = batch[:0]
		for _, i := range order[start:min(start+addBatch, entries.N)] {
			batch = append(batch, entries.At(int(i)))
		}
		inserted, err := ins.insert(ctx, batch, at, stamp, by)
		if isConstraint(err) {
			// The schema refused an entry, and the failed statement undid its
			// own rows: insert them one by one, to name the entry.
			inserted, err = insertEach(ctx, tx, batch, at, stamp, by)
		}
		if err != nil {
			return nil, err
		}
		for j, e := range batch {
			i := order[start+j]
			k := activeKeyOf(e)
			if added[i] = inserted[k]; added[i] {
				delete(inserted, k) // a second entry for the number in the batch was not new
				if err := audit.record(ctx, "add", string(e.List), auditNumber(e), describeEntry(e)); err != nil {
					return nil, err
				}
				continue
			}
			if added[i], err = extendIn(ctx, tx, audit, e); err != nil {
				return nil, err
			}
		}
	}
	return added, audit.flush(ctx)
}

// insertOrder is the order addIn inserts entries in: by number, for an
// import large enough to spill the page cache. Its entries then land in
// the number indexes (entries_e164, entries_active, audit_e164) in order,
// on pages just written, instead of all over them: a million opt-outs
// imported in 22 s instead of 34. Equal numbers keep their order, so the
// first of them is the one added, as in the file.
func insertOrder(entries Entries) []int32 {
	order := make([]int32, entries.N)
	for i := range order {
		order[i] = int32(i)
	}
	if entries.N <= bulkImport {
		return order
	}
	numbers := make([]string, entries.N)
	for i := range numbers {
		numbers[i] = entries.At(i).E164
	}
	slices.SortStableFunc(order, func(a, b int32) int { return strings.Compare(numbers[a], numbers[b]) })
	return order
}

// bulkImport is the size above which an import is a bulk one: it gets a
// larger page cache, and is inserted by number; below it entries go in as
// given, and so do their audit records.
const bulkImport = 10000

// addBatch is how many entries one INSERT adds: 14 parameters each, well
// under SQLite's limit on parameters.
const addBatch = 100

// activeKey is what the unique index entries_active keys on.
type activeKey struct {
	list, e164, channel, campaign string
	prefix                        bool
}

func activeKeyOf(e Entry) activeKey {
	return activeKey{string(e.List), e.E164, string(e.Channel), e.Campaign, e.Prefix}
}

// appendValues appends e's row of entries to args.
func appendValues(args []any, e Entry, at time.Time, stamp, by string) []any {
	addedAt := stamp
	if !e.Since.IsZero() && e.Since.Before(at) {
		addedAt = e.Since.UTC().Format(timeFormat)
	}
	return append(args, string(e.List), e.E164, string(e.Channel), e.Tag, e.Reason, e.Source, addedAt, by,
		e.Campaign, nullTime(e.ExpiresAt), e.Prefix, e.Evidence, string(e.Hash), e.HashKey)
}

const (
	insertEntries = `INSERT INTO entries
	(list, e164, channel, tag, reason, source, added_at, added_by, campaign, expires_at, prefix, evidence, hash_kind, hash_key)
	VALUES `
	entryColumns = 14
)

// isConstraint reports whether err is SQLite refusing a row (a CHECK, NOT
// NULL or such): only then may the rest of the transaction go on.
func isConstraint(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}

// batchInserter inserts entries a batch to a statement. ON CONFLICT DO
// NOTHING skips only a number already active (or earlier in the batch);
// unlike INSERT OR IGNORE it does not also skip an entry a CHECK refuses.
//
// Which rows were added is read back only when the statement skipped some:
// RETURNING every row cost an import of a million entries 1.7 s, for
// batches that nearly always add every row.
type batchInserter struct {
	tx       *sql.Tx
	stmt     multiRow
	args     []any
	inserted map[activeKey]bool
	last     int64 // the newest entry's id; -1 until read
	// returning reads the added rows back from every statement: for a
	// store whose ids are near SQLite's largest, where new rows get random
	// ids instead of the next ones.
	returning bool
}

func newBatchInserter(tx *sql.Tx) *batchInserter {
	return &batchInserter{tx: tx, inserted: map[activeKey]bool{}, last: -1}
}

// nearLastID is how close to SQLite's largest id the newest entry may be
// for new rows to be numbered one past it.
const nearLastID = math.MaxInt64 - 1<<32

func (b *batchInserter) close() { b.stmt.close() }

// start reads the newest entry's id, and chooses the statement.
func (b *batchInserter) start(ctx context.Context) error {
	if err := b.tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM entries`).Scan(&b.last); err != nil {
		return err
	}
	b.returning = b.last >= nearLastID
	tail := ` ON CONFLICT DO NOTHING`
	if b.returning {
		tail += ` RETURNING list, e164, channel, campaign, prefix`
	}
	b.stmt = multiRow{tx: b.tx, head: insertEntries, columns: entryColumns, rows: addBatch, tail: tail}
	return nil
}

// insert inserts batch in one statement and returns the keys of the rows
// it added, valid until the next call.
func (b *batchInserter) insert(ctx context.Context, batch []Entry, at time.Time, stamp, by string) (map[activeKey]bool, error) {
	if b.last < 0 {
		if err := b.start(ctx); err != nil {
			return nil, err
		}
	}
	b.args = b.args[:0]
	for _, e := range batch {
		b.args = appendValues(b.args, e, at, stamp, by)
	}
	clear(b.inserted)
	if b.returning {
		return b.inserted, b.insertReturning(ctx)
	}
	res, err := b.stmt.exec(ctx, b.args)
	if err != nil {
		return nil, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return nil, err
	}
	if int(n) < len(batch) {
		return b.inserted, b.readAdded(ctx, n)
	}
	for _, e := range batch {
		b.inserted[activeKeyOf(e)] = true
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	if id != b.last+n {
		return nil, fmt.Errorf("the store numbered %d new entries up to %d, not from %d on", n, id, b.last+1)
	}
	b.last = id
	return b.inserted, nil
}

// readAdded reads the keys of the n rows the last statement added: those
// after the newest entry before it, as SQLite numbers a row one past the
// newest. Ids that do not follow on, one by one, fail the import rather
// than record the wrong rows as added.
func (b *batchInserter) readAdded(ctx context.Context, n int64) error {
	rows, err := b.tx.QueryContext(ctx, `SELECT id, list, e164, channel, campaign, prefix FROM entries WHERE id > ? ORDER BY id`, b.last)
	if err != nil {
		return err
	}
	defer rows.Close()
	var got int64
	for rows.Next() {
		var id int64
		var k activeKey
		if err := rows.Scan(&id, &k.list, &k.e164, &k.channel, &k.campaign, &k.prefix); err != nil {
			return err
		}
		if id != b.last+1 {
			return fmt.Errorf("the store numbered a new entry %d after %d", id, b.last)
		}
		b.last = id
		b.inserted[k] = true
		got++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if got != n {
		return fmt.Errorf("the store added %d entries but %d follow the newest one before them", n, got)
	}
	return nil
}

// insertReturning runs the statement with RETURNING, which names the rows
// added whatever their ids.
func (b *batchInserter) insertReturning(ctx context.Context) error {
	rows, err := b.stmt.query(ctx, b.args)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k activeKey
		if err := rows.Scan(&k.list, &k.e164, &k.channel, &k.campaign, &k.prefix); err != nil {
			return err
		}
		b.inserted[k] = true
	}
	return rows.Err()
}

// insertEach is insert a row at a time, naming the entry that fails.
func insertEach(ctx context.Context, tx *sql.Tx, batch []Entry, at time.Time, stamp, by string) (map[activeKey]bool, error) {
	inserted := map[activeKey]bool{}
	for _, e := range batch {
		res, err := tx.ExecContext(ctx, insertEntries+placeholders(1, entryColumns)+` ON CONFLICT DO NOTHING`, appendValues(nil, e, at, stamp, by)...)
		if err != nil {
			return nil, fmt.Errorf("add %s to %s: %w", e.E164, e.List, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, err
		} else if n > 0 {
			inserted[activeKeyOf(e)] = true
		}
	}
	return inserted, nil
}

// extendIn lengthens the active entry e collides with when e lasts longer
// (or for ever): a permanent request must not expire with an earlier
// temporary hold. It reports whether it did.
func extendIn(ctx context.Context, tx *sql.Tx, audit *auditor, e Entry) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE entries SET expires_at = ?
		WHERE list = ? AND e164 = ? AND channel = ? AND campaign = ? AND prefix = ? AND removed_at IS NULL
		AND expires_at IS NOT NULL AND (? IS NULL OR expires_at < ?)`,
		nullTime(e.ExpiresAt), string(e.List), e.E164, string(e.Channel), e.Campaign, e.Prefix, nullTime(e.ExpiresAt), nullTime(e.ExpiresAt))
	if err != nil {
		return false, fmt.Errorf("extend %s on %s: %w", e.E164, e.List, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	until := "never expires now"
	if !e.ExpiresAt.IsZero() {
		until = "expires " + e.ExpiresAt.UTC().Format(timeFormat) + " now"
	}
	return true, audit.record(ctx, "extend", string(e.List), auditNumber(e), until+"; "+describeEntry(e))
}

// Remove ends the active entries of each number on list, in one transaction,
// recording when, by whom and why. A non-empty channel limits it to opt-outs
// of that channel. removed[i] is how many entries numbers[i] had.
func (s *Store) Remove(ctx context.Context, list scrub.List, numbers []string, channel scrub.Channel, reason string, at time.Time, by string) (removed []int, err error) {
	return s.RemoveWhere(ctx, list, numbers, Scope{Channel: channel}, reason, at, by)
}

// Scope narrows a removal: to one channel and one campaign when they are not
// empty, and to prefix entries (or to number entries) by Prefix.
type Scope struct {
	Channel  scrub.Channel
	Campaign string
	Prefix   bool
}

// RemoveWhere is Remove for the entries in scope.
func (s *Store) RemoveWhere(ctx context.Context, list scrub.List, numbers []string, scope Scope, reason string, at time.Time, by string) (removed []int, err error) {
	if !scope.Prefix {
		// A prefix is kept as it is in a protected store; a number is not.
		if err := s.needKey(); err != nil {
			return nil, err
		}
	}
	if s.hasher != nil {
		reason = redactNumbers(reason)
	}
	removed = make([]int, len(numbers))
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// A campaign matches as the index matches it, case and spaces aside
		// (NOCASE folds ASCII letters only: "Ñ" is not "ñ" here).
		stmt, err := tx.PrepareContext(ctx, `UPDATE entries SET removed_at = ?, removed_by = ?, removed_reason = ?
			WHERE list = ? AND e164 = ? AND removed_at IS NULL AND prefix = ?
			AND (? = '' OR channel = ?) AND (trim(?) = '' OR trim(campaign) = trim(?) COLLATE NOCASE)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		stamp := at.UTC().Format(timeFormat)
		for i, n := range numbers {
			stored, audited := n, n
			if !scope.Prefix {
				stored, audited = s.StoredNumber(n), s.auditedNumber(n)
			}
			res, err := stmt.ExecContext(ctx, stamp, by, reason, string(list), stored, scope.Prefix,
				string(scope.Channel), string(scope.Channel), scope.Campaign, scope.Campaign)
			if err != nil {
				return fmt.Errorf("remove %s from %s: %w", n, list, err)
			}
			count, err := res.RowsAffected()
			if err != nil {
				return err
			}
			removed[i] = int(count)
			if count > 0 {
				detail := fmt.Sprintf("%d entries; reason: %s", count, reason)
				if scope != (Scope{}) {
					detail = fmt.Sprintf("%d entries (channel %q, campaign %q, prefix %v); reason: %s", count, scope.Channel, scope.Campaign, scope.Prefix, reason)
				}
				if err := audit.record(ctx, "remove", string(list), audited, detail); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return removed, nil
}

// PurgeExpired ends every active entry whose expiry has passed at now,
// recorded like a removal ("expired"), and says how many there were.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time, by string) (int, error) {
	var n int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stamp := now.UTC().Format(timeFormat)
		// A hashed entry is logged as auditNumber names it: kind:hash.
		rows, err := tx.QueryContext(ctx, `SELECT id, list, iif(hash_kind = '', e164, hash_kind || ':' || e164), expires_at FROM entries
			WHERE removed_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ? ORDER BY id`, stamp)
		if err != nil {
			return fmt.Errorf("purge expired entries: %w", err)
		}
		type expired struct {
			id                    int64
			list, e164, expiresAt string
		}
		var due []expired
		for rows.Next() {
			var e expired
			if err := rows.Scan(&e.id, &e.list, &e.e164, &e.expiresAt); err != nil {
				rows.Close()
				return err
			}
			due = append(due, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		audit, err := s.newAuditor(ctx, tx, now)
		if err != nil {
			return err
		}
		defer audit.close()
		for _, e := range due {
			if _, err := tx.ExecContext(ctx, `UPDATE entries SET removed_at = ?, removed_by = ?, removed_reason = 'expired' WHERE id = ?`, stamp, by, e.id); err != nil {
				return fmt.Errorf("purge expired entries: %w", err)
			}
			if err := audit.record(ctx, "purge", e.list, e.e164, "expired "+e.expiresAt); err != nil {
				return err
			}
		}
		n = len(due)
		return nil
	})
	return n, err
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(timeFormat)
}

// Query selects entries.
type Query struct {
	List           scrub.List // "" for every list
	IncludeRemoved bool
	// ExpiringBy, if not zero, selects active entries whose expiry is at or
	// before it (expired ones included): what review due lists.
	ExpiringBy time.Time
}

// Entries calls fn for each entry matching q, oldest first.
func (s *Store) Entries(ctx context.Context, q Query, fn func(Entry) error) error {
	return entriesIn(ctx, s.db, q, fn)
}

func entriesIn(ctx context.Context, db querier, q Query, fn func(Entry) error) error {
	expiring := ""
	if !q.ExpiringBy.IsZero() {
		expiring = q.ExpiringBy.UTC().Format(timeFormat)
	}
	rows, err := db.QueryContext(ctx, `SELECT id, list, e164, channel, tag, reason, source, added_at, added_by,
			coalesce(removed_at, ''), coalesce(removed_by, ''), coalesce(removed_reason, ''),
			campaign, coalesce(expires_at, ''), prefix, evidence, hash_kind, hash_key
		FROM entries
		WHERE (? = '' OR list = ?) AND (? OR removed_at IS NULL)
		AND (? = '' OR (removed_at IS NULL AND expires_at IS NOT NULL AND expires_at <= ?))
		ORDER BY added_at, id`, string(q.List), string(q.List), q.IncludeRemoved, expiring, expiring)
	if err != nil {
		return fmt.Errorf("read %s: %w", listName(q.List), err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Entry
		var list, channel, addedAt, removedAt, expiresAt string
		if err := rows.Scan(&e.ID, &list, &e.E164, &channel, &e.Tag, &e.Reason, &e.Source, &addedAt, &e.AddedBy,
			&removedAt, &e.RemovedBy, &e.RemovedReason, &e.Campaign, &expiresAt, &e.Prefix, &e.Evidence, &e.Hash, &e.HashKey); err != nil {
			return fmt.Errorf("read %s: %w", listName(q.List), err)
		}
		e.List, e.Channel = scrub.List(list), scrub.Channel(channel)
		if e.AddedAt, err = parseTime(addedAt); err != nil {
			return fmt.Errorf("entry %d: added_at: %w", e.ID, err)
		}
		if removedAt != "" {
			if e.RemovedAt, err = parseTime(removedAt); err != nil {
				return fmt.Errorf("entry %d: removed_at: %w", e.ID, err)
			}
		}
		if expiresAt != "" {
			if e.ExpiresAt, err = parseTime(expiresAt); err != nil {
				return fmt.Errorf("entry %d: expires_at: %w", e.ID, err)
			}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s: %w", listName(q.List), err)
	}
	return nil
}

// LoadIndex reads every active entry and pending review into a new index
// for a run in scope (its channel, campaign and time). They are read in one
// read transaction, so that a run sees one consistent state of the lists.
//
// Hashed entries made with HMAC-SHA-256 need their key among keys: an
// entry under a key not given fails the load (a scrub.MissingKeyError).
func (s *Store) LoadIndex(ctx context.Context, scope scrub.Scope, keys ...scrub.HashKey) (*scrub.Index, error) {
	idx, _, err := s.loadIndex(ctx, scope, keys, false)
	return idx, err
}

// LoadIndexAndStates is LoadIndex, and ListStates read in the same
// transaction: a run's proof then describes the very lists the run was
// checked against, not those of a moment later.
func (s *Store) LoadIndexAndStates(ctx context.Context, scope scrub.Scope, keys ...scrub.HashKey) (*scrub.Index, []ListState, error) {
	return s.loadIndex(ctx, scope, keys, true)
}

// testHookIndexRead, when set, runs between reading the index and the
// lists' states, for tests to change the store in between.
var testHookIndexRead func()

func (s *Store) loadIndex(ctx context.Context, scope scrub.Scope, keys []scrub.HashKey, withStates bool) (*scrub.Index, []ListState, error) {
	keys, err := s.indexKeys(keys)
	if err != nil {
		return nil, nil, err
	}
	tx, idx, err := s.beginIndex(ctx, scope, keys)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	tallies, err := s.indexEntries(ctx, tx, idx)
	if err != nil {
		return nil, nil, fmt.Errorf("load lists from %s: %w", s.path, err)
	}
	if !withStates {
		return idx, nil, nil
	}
	if testHookIndexRead != nil {
		testHookIndexRead()
	}
	states, err := tallies.states(ctx, tx)
	if err != nil {
		return nil, nil, err
	}
	return idx, states, nil
}

// snapshotRefresh is how many entries appended since a snapshot make a run
// write a new one: reading them from the table costs about 3.4 µs each.
func snapshotRefresh(maxID int64) int64 { return max(1024, min(32768, maxID/32)) }

// indexEntries adds every active entry to idx: from the snapshot and the
// entries appended since when the snapshot is valid, else from the table.
// It writes a new snapshot when there is none or it is far behind, and
// returns the tallies of the active entries. A snapshot that cannot be
// written costs the next run time, not correctness: the error is kept for
// IndexSnapshotError.
func (s *Store) indexEntries(ctx context.Context, tx *sql.Tx, idx *scrub.Index) (listTallies, error) {
	s.snapshotErr, s.indexSource = nil, ""
	current, versioned, err := currentVersion(ctx, tx)
	if err != nil {
		return nil, err
	}
	versioned = versioned && !s.noSnapshot
	var w *snapshotWriter
	defer func() {
		if w != nil {
			w.abort()
		}
	}()
	add := func(id int64, e scrub.Entry) error {
		if w != nil {
			if err := w.add(id, e); err != nil {
				w.abort()
				w, s.snapshotErr = nil, err
			}
		}
		return idx.Add(e)
	}
	used, tallies, after := false, listTallies{}, int64(0)
	if versioned {
		used, tallies, after, err = s.readSnapshot(ctx, tx, current, idx, &w, add)
		if err != nil {
			return nil, err
		}
	}
	s.indexSource = "table"
	if used {
		s.indexSource = "snapshot"
	} else {
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM entries WHERE removed_at IS NULL AND list = 'optout'`).Scan(&active); err != nil {
			return nil, err
		}
		idx.Reserve(active)
		if versioned {
			w = s.startSnapshot(current, active)
		}
	}
	appended := 0
	err = indexEntriesWhere(ctx, tx, "id > ?", []any{after}, func(id int64, e scrub.Entry, addedAt string) error {
		tallies.count(string(e.List), addedAt)
		appended++
		return add(id, e)
	})
	if err != nil {
		return nil, err
	}
	if used {
		s.indexSource = fmt.Sprintf("snapshot and %d from the table", appended)
	}
	if w != nil {
		// Before states() adds the removed entries and reviews to tallies.
		if err := w.commit(tallies); err != nil {
			s.snapshotErr = err
		}
		w = nil
	}
	return tallies, nil
}

// IndexSnapshotError is why the last index load could not write its
// snapshot, or nil.
func (s *Store) IndexSnapshotError() error { return s.snapshotErr }

func (s *Store) startSnapshot(v snapshotVersion, optouts int) *snapshotWriter {
	w, err := createSnapshot(s.snapshotPath(), v, optouts)
	if err != nil {
		s.snapshotErr = fmt.Errorf("write the index snapshot %s: %w", s.snapshotPath(), err)
	}
	return w
}

// readSnapshot adds the snapshot's entries to idx if it is valid for
// current, and returns the tallies of its entries and the newest id it
// covers: the caller reads the entries after it from the table. used is
// false when it was not valid; idx then holds no entries. When the table
// has many entries after it, it starts a new snapshot in *w with the old
// one's entries.
func (s *Store) readSnapshot(ctx context.Context, tx *sql.Tx, current snapshotVersion, idx *scrub.Index, w **snapshotWriter,
	add func(int64, scrub.Entry) error) (used bool, tallies listTallies, after int64, err error) {
	snap, err := openSnapshot(s.snapshotPath())
	if err != nil {
		return false, listTallies{}, 0, nil
	}
	defer snap.close()
	v := snap.version
	if v.schema != current.schema || v.token != current.token || v.maxID > current.maxID {
		return false, listTallies{}, 0, nil
	}
	// The audit record that was newest when the snapshot was made must be
	// there still: two copies of one store that went on apart do not
	// share their audit chain, whatever entries they appended.
	if h, err := auditHash(ctx, tx, v.auditID); err != nil {
		return false, nil, 0, err
	} else if h != v.auditHash {
		return false, listTallies{}, 0, nil
	}
	if fp, err := entryFingerprint(ctx, tx, v.maxID); err != nil {
		return false, nil, 0, err
	} else if fp != v.fingerprint {
		return false, listTallies{}, 0, nil
	}
	var behind int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM entries WHERE id > ? AND removed_at IS NULL`, v.maxID).Scan(&behind); err != nil {
		return false, nil, 0, err
	}
	// No more opt-outs than entry ids: a file that says otherwise must not
	// make the run reserve gigabytes.
	optouts := int(min(int64(snap.optouts+behind), current.maxID))
	idx.Reserve(optouts)
	if int64(behind) >= snapshotRefresh(v.maxID) {
		*w = s.startSnapshot(current, optouts)
	}
	s.indexSource = "snapshot"
	tallies, err = snap.each(add)
	if errors.Is(err, errBadSnapshot) {
		// idx holds some of the snapshot's entries: the caller starts again.
		idx.Reset()
		if *w != nil {
			(*w).abort()
			*w = nil
		}
		return false, listTallies{}, 0, nil
	}
	if err != nil {
		return false, nil, 0, err
	}
	return true, tallies, v.maxID, nil
}

// beginIndex starts the read transaction an index is loaded in, and the
// index for scope with the review queue in it. A read-only transaction
// begins deferred, unlike the store's others (_txlock=immediate): it takes
// no write lock, so writers go on, and every read in it sees the one
// snapshot taken at its first. The caller rolls it back.
func (s *Store) beginIndex(ctx context.Context, scope scrub.Scope, keys []scrub.HashKey) (*sql.Tx, *scrub.Index, error) {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, fmt.Errorf("load lists from %s: begin: %w", s.path, err)
	}
	if err := s.sameProtection(ctx, tx); err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	idx := scrub.NewScopedIndex(scope)
	idx.UseKeys(keys...)
	if s.hasher != nil {
		idx.HashPending(s.hasher) // a protected store's review queue holds hashes
	}
	if err := pendingReviews(ctx, tx, func(p scrub.Pending) error { idx.AddPending(p); return nil }); err != nil {
		tx.Rollback()
		return nil, nil, fmt.Errorf("load the review queue from %s: %w", s.path, err)
	}
	return tx, idx, nil
}

// indexEntriesWhere calls fn, in id order, for each active entry that
// also meets the SQL condition where ("" for none) with args.
func indexEntriesWhere(ctx context.Context, db querier, where string, args []any, fn func(id int64, e scrub.Entry, addedAt string) error) error {
	if where != "" {
		where = " AND (" + where + ")"
	}
	rows, err := db.QueryContext(ctx, `SELECT id, list, e164, channel, tag, reason, source, added_at,
			campaign, coalesce(expires_at, ''), prefix, hash_kind, hash_key
		FROM entries WHERE removed_at IS NULL`+where+` ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("read lists: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var e scrub.Entry
		var addedAt, expiresAt string
		if err := rows.Scan(&id, &e.List, &e.E164, &e.Channel, &e.Tag, &e.Reason, &e.Source, &addedAt,
			&e.Campaign, &expiresAt, &e.Prefix, &e.Hash, &e.HashKey); err != nil {
			return fmt.Errorf("read lists: %w", err)
		}
		if e.AddedAt, err = parseTime(addedAt); err != nil {
			return fmt.Errorf("entry %d: added_at: %w", id, err)
		}
		if expiresAt != "" {
			if e.ExpiresAt, err = parseTime(expiresAt); err != nil {
				return fmt.Errorf("entry %d: expires_at: %w", id, err)
			}
		}
		if err := fn(id, e, addedAt); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read lists: %w", err)
	}
	return nil
}

// HasSuppressions reports whether any opt-out or blacklist entry is
// active, without counting them all.
func (s *Store) HasSuppressions(ctx context.Context) (bool, error) {
	var found bool
	err := s.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM entries
		WHERE removed_at IS NULL AND list IN ('optout', 'blacklist'))`).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", s.path, err)
	}
	return found, nil
}

// Counts is the number of active entries on each list.
func (s *Store) Counts(ctx context.Context) (map[scrub.List]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT list, count(*) FROM entries WHERE removed_at IS NULL GROUP BY list`)
	if err != nil {
		return nil, fmt.Errorf("count entries: %w", err)
	}
	defer rows.Close()
	counts := map[scrub.List]int{}
	for _, l := range scrub.Lists {
		counts[l] = 0
	}
	for rows.Next() {
		var list string
		var n int
		if err := rows.Scan(&list, &n); err != nil {
			return nil, fmt.Errorf("count entries: %w", err)
		}
		counts[scrub.List(list)] = n
	}
	return counts, rows.Err()
}

func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("store %s: begin: %w", s.path, err)
	}
	defer tx.Rollback()
	if err := s.sameProtection(ctx, tx); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store %s: commit: %w", s.path, err)
	}
	return nil
}

func parseTime(s string) (time.Time, error) { return time.Parse(timeFormat, s) }

func listName(l scrub.List) string {
	if l == "" {
		return "lists"
	}
	return string(l)
}
