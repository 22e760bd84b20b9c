package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// At-rest protection: a protected store keeps every number of its lists
// and review queue as its HMAC-SHA-256 under a key that is not in the
// store, so that a copy of the file reveals no number. The key is given
// to each command (UseKey); the store records only its fingerprint. See
// docs/store.md#at-rest-protection for what is and is not hidden.

// ErrKeyNeeded is returned for a change or a lookup by number in a
// protected store opened without its key: a plain number written there
// would undo the protection, and a lookup could match nothing.
var ErrKeyNeeded = errors.New("the store keeps its numbers as keyed hashes: give its key (--store-key-file, or DNCCTL_STORE_KEY)")

// ErrNotProtected is returned when a store key is given for a store that
// does not keep its numbers hashed: whoever gave it believes it does.
var ErrNotProtected = errors.New("a store key was given, but the store keeps its numbers in clear: protect it first with dncctl db protect")

// WrongKeyError is returned for a key that is not the protected store's.
type WrongKeyError struct {
	Path       string
	Want, Have string // fingerprints
}

func (e *WrongKeyError) Error() string {
	return fmt.Sprintf("the key given (fingerprint %s) is not the key store %s is protected with (fingerprint %s)", e.Have, e.Path, e.Want)
}

// readProtection reads which key the store is protected with: "" when it
// is not.
func (s *Store) readProtection(ctx context.Context) (err error) {
	s.protectedBy, err = protectionIn(ctx, s.db)
	return err
}

// protectionIn is the fingerprint of the key the store is protected
// with, read in q; "" when it is not protected.
func protectionIn(ctx context.Context, q querier) (string, error) {
	var fingerprint string
	err := q.QueryRowContext(ctx, `SELECT key_fingerprint FROM protection`).Scan(&fingerprint)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return fingerprint, err
}

// ErrProtectedMeanwhile is returned when the store was protected after
// this process opened it: what it would write or read assumes numbers in
// clear.
var ErrProtectedMeanwhile = errors.New("the store was protected while this command ran: run it again (with the store's key)")

// sameProtection fails when the store's protection, read in q (the
// transaction about to change or read the lists), is not what it was
// when the store was opened: a command that waited out db protect would
// otherwise write numbers in clear, or miss the hashed review queue.
func (s *Store) sameProtection(ctx context.Context, q querier) error {
	now, err := protectionIn(ctx, q)
	if err != nil {
		return fmt.Errorf("store %s: read its protection: %w", s.path, err)
	}
	if now != s.protectedBy {
		return fmt.Errorf("store %s: %w", s.path, ErrProtectedMeanwhile)
	}
	return nil
}

// Protected returns the fingerprint of the key the store keeps its
// numbers hashed with, and false when it keeps them in clear.
func (s *Store) Protected() (fingerprint string, ok bool) {
	return s.protectedBy, s.protectedBy != ""
}

// UseKey gives a protected store its key. A key for a store in clear, or
// another key than the store's, is refused.
func (s *Store) UseKey(key scrub.HashKey) error {
	if s.protectedBy == "" {
		return fmt.Errorf("store %s: %w", s.path, ErrNotProtected)
	}
	if key.Fingerprint() != s.protectedBy {
		return &WrongKeyError{Path: s.path, Want: s.protectedBy, Have: key.Fingerprint()}
	}
	h, err := scrub.NewHasher(scrub.HashHMACSHA256, &key)
	if err != nil {
		return err
	}
	s.key, s.hasher = key, h
	return nil
}

// needKey fails a change or lookup by number in a protected store that
// was not given its key.
func (s *Store) needKey() error {
	if s.protectedBy != "" && s.hasher == nil {
		return fmt.Errorf("store %s (key fingerprint %s): %w", s.path, s.protectedBy, ErrKeyNeeded)
	}
	return nil
}

// indexKeys are the HMAC keys an index load uses: those given, and the
// store's own.
func (s *Store) indexKeys(keys []scrub.HashKey) ([]scrub.HashKey, error) {
	if err := s.needKey(); err != nil {
		return nil, err
	}
	if s.hasher != nil {
		keys = append(keys[:len(keys):len(keys)], s.key)
	}
	return keys, nil
}

// protectEntry is e as the store keeps it: in a protected store, a number
// becomes its hash, and the numbers written in its reason and evidence
// are taken out. A blacklist prefix stays as it is: it is a range (a
// premium-rate +34803), not someone's number.
func (s *Store) protectEntry(e Entry) Entry {
	if s.hasher == nil {
		return e
	}
	e.Reason, e.Evidence = redactNumbers(e.Reason), redactNumbers(e.Evidence)
	if e.Hash != "" || e.Prefix {
		return e
	}
	e.E164, e.Hash, e.HashKey = s.hasher.Hash(e.E164), scrub.HashHMACSHA256, s.protectedBy
	return e
}

// StoredNumber is what the e164 column holds for a number a user gives:
// its hash in a protected store given its key. A hash given as it is (64
// hex digits) and a prefix are looked up as they are.
func (s *Store) StoredNumber(n string) string {
	if s.hasher == nil || !strings.HasPrefix(n, "+") {
		return n
	}
	return s.hasher.Hash(n)
}

// OwnHash reports whether e's number is kept as the store keeps its own:
// in clear, or in a protected store, hashed under its key (not a
// partner's hash).
func (s *Store) OwnHash(e Entry) bool {
	if s.protectedBy == "" {
		return e.Hash == ""
	}
	return e.Hash == scrub.HashHMACSHA256 && e.HashKey == s.protectedBy
}

// auditedNumber is how the audit log names a number a user gives.
func (s *Store) auditedNumber(n string) string {
	if h := s.StoredNumber(n); h != n {
		return s.auditedReview(h)
	}
	return n
}

// auditedReview is how the audit log names a number as the store holds it
// (a review's): as auditNumber names a hashed entry's, in a protected store.
func (s *Store) auditedReview(stored string) string {
	if s.protectedBy != "" && !strings.HasPrefix(stored, "+") {
		return auditNumber(Entry{E164: stored, Hash: scrub.HashHMACSHA256})
	}
	return stored
}

// phoneInText is a run of 7 or more digits written as a phone number may
// be, in free text (a reply, a reason typed by hand). Dates and times are
// not numbers to hide, and come first so that they are matched whole.
var phoneInText = regexp.MustCompile(`[0-9A-Fa-f]{16,}|(?:19|20)\d{2}[-/](?:0[1-9]|1[0-2])[-/](?:0[1-9]|[12]\d|3[01])(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|[+＋]?\(?[\d０-９][\d０-９ \-._()/]*[\d０-９]`)

// redactNumbers replaces the phone numbers written in s with "[number]".
// A date and a word of 16 or more hex digits with a letter among them (a
// SHA-256, a fingerprint) are left as they are.
func redactNumbers(s string) string {
	return phoneInText.ReplaceAllStringFunc(s, func(m string) string {
		digits, letters := 0, false
		for _, r := range m {
			switch {
			case '0' <= r && r <= '9', '０' <= r && r <= '９':
				digits++
			case 'a' <= r && r <= 'f', 'A' <= r && r <= 'F':
				letters = true
			}
		}
		if digits < 7 || letters || isDate(m) {
			return m
		}
		return "[number]"
	})
}

var dateInText = regexp.MustCompile(`^(?:19|20)\d{2}[-/](?:0[1-9]|1[0-2])[-/](?:0[1-9]|[12]\d|3[01])(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$`)

func isDate(m string) bool { return dateInText.MatchString(m) }

// Protect makes the store keep its numbers as HMAC-SHA-256 hashes under
// key, from now on and for what it holds: every entry's number (but for
// blacklist prefixes), reason and evidence, the review queue, and the
// audit log, whose chain is rehashed over the records as rewritten and
// ends in a "protect" record giving the old chain's last hash. It is one
// transaction. What SQLite freed on the way still holds the old text
// until the file is rewritten: Protect then vacuums the store, empties its
// WAL, and removes the index snapshot beside it, which held the numbers.
func (s *Store) Protect(ctx context.Context, key scrub.HashKey, at time.Time) (ProtectSummary, error) {
	var sum ProtectSummary
	h, err := scrub.NewHasher(scrub.HashHMACSHA256, &key)
	if err != nil {
		return sum, err
	}
	switch {
	case s.protectedBy == key.Fingerprint():
		// Protected already: only the clean-up, which may have failed.
		sum.Already = true
		return sum, s.cleanUpAfterProtect(ctx)
	case s.protectedBy != "":
		return sum, &WrongKeyError{Path: s.path, Want: s.protectedBy, Have: key.Fingerprint()}
	}
	p := &Store{path: s.path, protectedBy: key.Fingerprint(), key: key, hasher: h}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := bulkCache(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO protection (id, key_fingerprint, since) VALUES (1, ?, ?)`,
			key.Fingerprint(), at.UTC().Format(timeFormat)); err != nil {
			return err
		}
		if sum.Entries, err = protectEntries(ctx, tx, p); err != nil {
			return fmt.Errorf("entries: %w", err)
		}
		if sum.Reviews, err = protectReviews(ctx, tx, p); err != nil {
			return fmt.Errorf("reviews: %w", err)
		}
		if sum.Audit, sum.OldLastHash, err = protectAudit(ctx, tx, p); err != nil {
			return fmt.Errorf("audit log: %w", err)
		}
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		return audit.record(ctx, "protect", "", "", fmt.Sprintf("numbers kept as HMAC-SHA-256 under the key with fingerprint %s: %d entries, %d reviews and %d audit records rewritten; the audit chain was rehashed, its last hash before was %s",
			key.Fingerprint(), sum.Entries, sum.Reviews, sum.Audit, sum.OldLastHash))
	})
	if err != nil {
		return ProtectSummary{}, fmt.Errorf("protect store %s: %w", s.path, err)
	}
	s.protectedBy, s.key, s.hasher = p.protectedBy, key, h
	return sum, s.cleanUpAfterProtect(ctx)
}

// cleanUpAfterProtect removes what still holds numbers in clear once the
// store's rows are hashed: the index snapshot, the pages SQLite freed
// (VACUUM rewrites the file) and the WAL's old frames.
func (s *Store) cleanUpAfterProtect(ctx context.Context) error {
	fail := func(what string, err error) error {
		return fmt.Errorf("protect store %s: the numbers are hashed, but %s failed, so old numbers may remain in clear (run dncctl db protect again to retry): %w", s.path, what, err)
	}
	if err := os.Remove(s.snapshotPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail("removing the index snapshot", err)
	}
	if err := s.vacuum(ctx); err != nil {
		return fail("VACUUM", err)
	}
	var busy, frames, done int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &frames, &done); err != nil {
		return fail("emptying the WAL", err)
	}
	if busy != 0 {
		return fail("emptying the WAL", errors.New("another process is reading the store"))
	}
	// Again: a scrub whose read began before the protection may have put
	// its snapshot in place meanwhile.
	if err := os.Remove(s.snapshotPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail("removing the index snapshot", err)
	}
	return nil
}

// ProtectSummary says what Protect rewrote.
type ProtectSummary struct {
	Already                 bool // the store was protected with the key already
	Entries, Reviews, Audit int
	OldLastHash             string // the audit chain's last hash before; "" for an empty log
}

// protectChunk is how many rows Protect reads at a time: a store of a
// million entries read whole took 2 GB.
const protectChunk = 10000

func protectEntries(ctx context.Context, tx *sql.Tx, p *Store) (int, error) {
	stmt, err := tx.PrepareContext(ctx, `UPDATE entries SET e164 = ?, reason = ?, evidence = ?,
		removed_reason = CASE WHEN removed_reason IS NULL THEN NULL ELSE ? END, hash_kind = ?, hash_key = ? WHERE id = ?`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	n := 0
	for last := int64(math.MinInt64); ; {
		var ids []int64
		var chunk []Entry
		rows, err := tx.QueryContext(ctx, `SELECT id, e164, reason, evidence, coalesce(removed_reason, ''), prefix, hash_kind, hash_key FROM entries
			WHERE id > ? ORDER BY id LIMIT ?`, last, protectChunk)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var id int64
			var e Entry
			if err := rows.Scan(&id, &e.E164, &e.Reason, &e.Evidence, &e.RemovedReason, &e.Prefix, &e.Hash, &e.HashKey); err != nil {
				rows.Close()
				return 0, err
			}
			ids, chunk = append(ids, id), append(chunk, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		if len(chunk) == 0 {
			return n, nil
		}
		for i, e := range chunk {
			e = p.protectEntry(e)
			if _, err := stmt.ExecContext(ctx, e.E164, e.Reason, e.Evidence, redactNumbers(e.RemovedReason), string(e.Hash), e.HashKey, ids[i]); err != nil {
				return 0, fmt.Errorf("entry %d: %w", ids[i], err)
			}
		}
		n, last = n+len(chunk), ids[len(ids)-1]
	}
}

func protectReviews(ctx context.Context, tx *sql.Tx, p *Store) (int, error) {
	var all []Review // a review queue is short: read whole
	if err := reviewsIn(ctx, tx, ReviewQuery{}, func(r Review) error { all = append(all, r); return nil }); err != nil {
		return 0, err
	}
	for _, r := range all {
		update := func(evidence string) error {
			_, err := tx.ExecContext(ctx, `UPDATE reviews SET e164 = ?, reason = ?, evidence = ?,
				decision = CASE WHEN decision IS NULL THEN NULL ELSE ? END WHERE id = ?`,
				p.StoredNumber(r.E164), redactNumbers(r.Reason), evidence, redactNumbers(r.Decision), r.ID)
			return err
		}
		err := update(redactNumbers(r.Evidence))
		if isConstraint(err) {
			// Two reviews of a number whose evidence differed only in the
			// numbers written in it: told apart by their ids.
			err = update(fmt.Sprintf("%s [review %d]", redactNumbers(r.Evidence), r.ID))
		}
		if err != nil {
			return 0, fmt.Errorf("review %d: %w", r.ID, err)
		}
	}
	return len(all), nil
}

// protectAudit rewrites the numbers of every audit record and rehashes
// the chain over the records as rewritten, a chunk at a time.
func protectAudit(ctx context.Context, tx *sql.Tx, p *Store) (int, string, error) {
	stmt, err := tx.PrepareContext(ctx, `UPDATE audit SET e164 = ?, detail = ?, prev_hash = ?, hash = ? WHERE id = ?`)
	if err != nil {
		return 0, "", err
	}
	defer stmt.Close()
	var chain auditChain
	prev := ""
	for last := int64(math.MinInt64); ; {
		var chunk []AuditRecord
		rows, err := tx.QueryContext(ctx, `SELECT id, at, command, os_user, action, list, e164, detail, prev_hash, hash FROM audit
			WHERE id > ? ORDER BY id LIMIT ?`, last, protectChunk)
		if err != nil {
			return 0, "", err
		}
		for rows.Next() {
			r, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return 0, "", err
			}
			chunk = append(chunk, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, "", err
		}
		if len(chunk) == 0 {
			return chain.n, chain.prev, nil
		}
		for _, r := range chunk {
			// The chain is checked as it is rewritten: rehashing a broken
			// one would hide the edit that broke it.
			if err := chain.follow(r); err != nil {
				return 0, "", fmt.Errorf("%w: not protecting", err)
			}
			if r.E164 != "" {
				// A record about a number may hold it in its free text (a
				// reason, a reply); the others (runs, imports, restores)
				// hold counts and hashes, which a run's proof depends on.
				r.E164 = p.auditedNumber(r.E164)
				r.Detail = redactNumbers(r.Detail)
			}
			r.PrevHash = prev
			r.Hash = hashOf(r)
			prev = r.Hash
			if _, err := stmt.ExecContext(ctx, r.E164, r.Detail, r.PrevHash, r.Hash, r.ID); err != nil {
				return 0, "", fmt.Errorf("record %d: %w", r.ID, err)
			}
		}
		last = chunk[len(chunk)-1].ID
	}
}

// allowHashedWhitelist lets a whitelist entry be hashed, as a protected
// store keeps it: migration 7's CHECK allowed hashes on the opt-out and
// blacklist lists alone. SQLite cannot alter a CHECK; its documented way
// to loosen one is to edit the table's SQL in sqlite_schema and bump the
// schema version (https://sqlite.org/lang_altertable.html, "otherwise"
// section): rows that met the old CHECK meet the new one, so the file
// itself need not change. The edit must change exactly the one text.
func allowHashedWhitelist(ctx context.Context, tx *sql.Tx) error {
	const old, new = `AND prefix = 0 AND list IN ('optout', 'blacklist')`, `AND prefix = 0`
	var schema int
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&schema); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `PRAGMA writable_schema = ON`); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_schema SET sql = replace(sql, ?, ?)
		WHERE type = 'table' AND name = 'entries' AND instr(sql, ?) > 0`, old, new, old)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("the entries table's CHECK on hashes is not migration 7's (%d tables changed, %v): not migrating", n, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA schema_version = %d`, schema+1)); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `PRAGMA writable_schema = OFF`)
	return err
}

// vacuum rewrites the store's file. VACUUM builds the new file in a
// temporary database, which the store's temp_store(2) would hold in
// memory: 1.7 GB for the 1M-opt-out benchmark store. This connection
// keeps it on disk.
func (s *Store) vacuum(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA temp_store = FILE`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `PRAGMA temp_store = MEMORY`)
	_, err = conn.ExecContext(ctx, `VACUUM`)
	return err
}
