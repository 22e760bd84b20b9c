package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Actor is who makes the changes a store records: the command line and the
// OS user.
type Actor struct {
	Command string
	User    string
}

// SetActor names who the store's changes are recorded as made by.
func (s *Store) SetActor(a Actor) { s.actor = a }

// AuditRecord is one change to a list, as the audit log keeps it.
type AuditRecord struct {
	ID       int64
	At       time.Time
	Command  string
	User     string
	Action   string // add, remove, purge, registry-import, scrub
	List     string
	E164     string
	Detail   string
	PrevHash string
	Hash     string
}

// hashOf is a record's hash: SHA-256 over the previous hash and its fields.
func hashOf(r AuditRecord) string {
	h := sha256.New()
	for _, f := range []string{r.PrevHash, strconv.FormatInt(r.ID, 10), r.At.UTC().Format(timeFormat), r.Command, r.User, r.Action, r.List, r.E164, r.Detail} {
		h.Write([]byte(f))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// auditor appends records in one transaction, keeping the chain's end in
// memory so that a large import does not look it up per record.
type auditor struct {
	tx    *sql.Tx
	stmt  *sql.Stmt
	actor Actor
	at    time.Time
	prev  string
	next  int64
	// held are records not yet written, while batched: a million-number
	// import writes them a hundred to a statement.
	held    []any
	batched bool
	insert  multiRow // the held records' INSERT
}

// auditBatch is how many records one INSERT writes while batched.
const auditBatch = 100

func (s *Store) newAuditor(ctx context.Context, tx *sql.Tx, at time.Time) (*auditor, error) {
	a := &auditor{tx: tx, actor: s.actor, at: at}
	err := tx.QueryRowContext(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&a.next, &a.prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read the audit log: %w", err)
	}
	a.next++
	a.insert = multiRow{tx: tx, head: `INSERT INTO audit (id, at, command, os_user, action, list, e164, detail, prev_hash, hash) VALUES `,
		columns: auditColumns, rows: auditBatch}
	if a.stmt, err = tx.PrepareContext(ctx, a.insert.sql(1)); err != nil {
		return nil, err
	}
	return a, nil
}

const auditColumns = 10

func (a *auditor) record(ctx context.Context, action, list, e164, detail string) error {
	r := AuditRecord{ID: a.next, At: a.at, Command: a.actor.Command, User: a.actor.User, Action: action, List: list, E164: e164, Detail: detail, PrevHash: a.prev}
	r.Hash = hashOf(r)
	a.prev, a.next = r.Hash, a.next+1
	a.held = append(a.held, r.ID, r.At.UTC().Format(timeFormat), r.Command, r.User, r.Action, r.List, r.E164, r.Detail, r.PrevHash, r.Hash)
	if !a.batched {
		_, err := a.stmt.ExecContext(ctx, a.held...)
		a.held = a.held[:0]
		if err != nil {
			return fmt.Errorf("append to the audit log: %w", err)
		}
		return nil
	}
	if len(a.held) >= auditBatch*auditColumns {
		return a.writeHeld(ctx)
	}
	return nil
}

// batch makes record hold its records until flush (or a full batch).
func (a *auditor) batch() { a.batched = true }

// flush writes the records held and ends batching. Every caller of batch
// flushes before it returns, so that no record is left unwritten when its
// transaction commits.
func (a *auditor) flush(ctx context.Context) error {
	a.batched = false
	return a.writeHeld(ctx)
}

func (a *auditor) writeHeld(ctx context.Context) error {
	for done := 0; done < len(a.held); {
		n := min(len(a.held)-done, auditBatch*auditColumns)
		if _, err := a.insert.exec(ctx, a.held[done:done+n]); err != nil {
			return fmt.Errorf("append to the audit log: %w", err)
		}
		done += n
	}
	a.held = a.held[:0]
	return nil
}

func (a *auditor) close() {
	a.stmt.Close()
	a.insert.close()
}

// AuditQuery selects audit records.
type AuditQuery struct {
	E164  string    // "" for every number
	Since time.Time // zero for all time
}

// Audit calls fn for each record matching q, in order.
func (s *Store) Audit(ctx context.Context, q AuditQuery, fn func(AuditRecord) error) error {
	if q.E164 != "" {
		if err := s.needKey(); err != nil {
			return err
		}
		q.E164 = s.auditedNumber(q.E164)
	}
	return auditIn(ctx, s.db, q, fn)
}

// auditIn is Audit in db (the store, or a transaction).
func auditIn(ctx context.Context, db querier, q AuditQuery, fn func(AuditRecord) error) error {
	since := ""
	if !q.Since.IsZero() {
		since = q.Since.UTC().Format(timeFormat)
	}
	rows, err := db.QueryContext(ctx, `SELECT id, at, command, os_user, action, list, e164, detail, prev_hash, hash FROM audit
		WHERE (? = '' OR e164 = ?) AND (? = '' OR at >= ?) ORDER BY id`, q.E164, q.E164, since, since)
	if err != nil {
		return fmt.Errorf("read the audit log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanAudit reads a record from rows of the audit table's columns, in
// order: id, at, command, os_user, action, list, e164, detail, prev_hash, hash.
func scanAudit(rows *sql.Rows) (AuditRecord, error) {
	var r AuditRecord
	var at string
	if err := rows.Scan(&r.ID, &at, &r.Command, &r.User, &r.Action, &r.List, &r.E164, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
		return r, err
	}
	var err error
	if r.At, err = parseTime(at); err != nil {
		return r, fmt.Errorf("audit record %d: %w", r.ID, err)
	}
	return r, nil
}

// ErrAuditBroken is returned by VerifyAudit when the chain is broken.
var ErrAuditBroken = errors.New("the audit log has been altered")

// VerifyAudit recomputes the chain and returns how many records it holds,
// or an error wrapping ErrAuditBroken that names the first broken record:
// an edited record, a deleted one, or one inserted out of order. (Records
// cut off at the end leave no trace in the chain itself: compare the count
// with a copy kept elsewhere, such as a backup.)
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	var chain auditChain
	err := s.Audit(ctx, AuditQuery{}, chain.follow)
	return chain.n, err
}

// auditChain follows the audit log's hash chain, record by record in
// order: n records so far, the last with hash prev.
type auditChain struct {
	n    int
	prev string
}

// follow takes the next record, or fails with ErrAuditBroken naming how
// it breaks the chain.
func (c *auditChain) follow(r AuditRecord) error {
	switch want := int64(c.n) + 1; {
	case r.ID != want:
		return fmt.Errorf("%w: record %d is missing (the next is %d)", ErrAuditBroken, want, r.ID)
	case r.PrevHash != c.prev:
		return fmt.Errorf("%w: record %d does not follow record %d", ErrAuditBroken, r.ID, r.ID-1)
	case hashOf(r) != r.Hash:
		return fmt.Errorf("%w: record %d was changed after it was written", ErrAuditBroken, r.ID)
	}
	c.prev, c.n = r.Hash, c.n+1
	return nil
}

// describeEntry is what an audit record says of an entry.
func describeEntry(e Entry) string {
	var parts []string
	if e.Channel != "" {
		parts = append(parts, "channel "+string(e.Channel))
	}
	if e.Prefix {
		parts = append(parts, "prefix")
	}
	if e.Campaign != "" {
		parts = append(parts, "campaign "+e.Campaign)
	}
	if e.Tag != "" {
		parts = append(parts, "tag "+e.Tag)
	}
	if !e.ExpiresAt.IsZero() {
		parts = append(parts, "expires "+e.ExpiresAt.UTC().Format(timeFormat))
	}
	if e.Source != "" {
		parts = append(parts, "source "+e.Source)
	}
	if !e.Since.IsZero() {
		parts = append(parts, "known since "+e.Since.UTC().Format(timeFormat))
	}
	if e.Reason != "" {
		parts = append(parts, "reason: "+e.Reason)
	}
	if e.Evidence != "" {
		parts = append(parts, "evidence: "+e.Evidence)
	}
	return strings.Join(parts, "; ")
}
