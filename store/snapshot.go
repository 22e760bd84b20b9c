package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/dncctl/dncctl/internal/tempfile"
	"github.com/dncctl/dncctl/scrub"
)

// The index snapshot.
//
// Reading a million opt-outs from the entries table takes a scrub about
// 3.4 s, more than it spends on the rows of a million-row file. So a run
// that reads the whole table writes what it read to a snapshot beside the
// store (STORE-index), and the next runs read the snapshot instead, and
// from the table only the entries appended since.
//
// Why a snapshot is never used stale. It holds the active entries with an
// id up to maxID, as they were when the token in entries_version had the
// value it records. Triggers (migration 12) give the token a new random
// value whenever any entry is updated or deleted, or one is inserted below
// the newest id: whatever writes the store, this binary, an older one or
// the sqlite3 shell. While the token is unchanged, entries only were
// appended, each with a higher id than every entry before it; the run reads
// those (id > maxID) from the table in the same read transaction as the
// token. Two copies of one store (a backup restored, then changed) could
// each append different entries under one token, so the snapshot also
// records a fingerprint of entry maxID, which the run checks, and a
// restore draws a new token. A snapshot that fails any check, or whose
// checksums or framing are wrong, is ignored and the table read whole.

// snapshotMagic starts a snapshot file; the last digit is its format.
const snapshotMagic = "DNCIDX02"

// maxFrame bounds a frame's length, so that a damaged length cannot make
// the reader allocate gigabytes.
const maxFrame = 16 << 20

// rowsFrame is how many bytes of rows the writer puts in a frame.
const rowsFrame = 1 << 20

const (
	frameHeader  = 'H'
	frameRows    = 'R'
	frameTrailer = 'T'
)

const (
	rowPrefix = 1 << iota
	rowExpires
	rowKeyed // the number is written as its numberKey, not its text
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errBadSnapshot marks a snapshot that cannot be used: the run reads the
// table instead.
var errBadSnapshot = errors.New("index snapshot unusable")

// snapshotVersion says which state of the entries a snapshot holds.
type snapshotVersion struct {
	schema      int    // PRAGMA user_version
	token       int64  // entries_version.token
	maxID       int64  // the newest entry's id, removed or not
	fingerprint string // of entry maxID
	auditID     int64  // the newest audit record's id, 0 for none
	auditHash   string // its hash: the history the entries come from
}

func (s *Store) snapshotPath() string { return s.path + "-index" }

// versionTriggers are the triggers that keep entries_version's token.
var versionTriggers = []any{"entries_version_update", "entries_version_delete", "entries_version_insert",
	"entries_version_conflict"}

// currentVersion is the version a snapshot made now, in tx, would have.
// ok is false when the store lacks the token or any of its triggers, or
// has an entry id below 1 (which the entries read after a snapshot, by id
// above its newest, could miss): no snapshot can then be trusted.
func currentVersion(ctx context.Context, tx *sql.Tx) (v snapshotVersion, ok bool, err error) {
	var token sql.NullInt64
	var triggers int
	var minID int64
	err = tx.QueryRowContext(ctx, `SELECT (SELECT user_version FROM pragma_user_version),
		(SELECT token FROM entries_version WHERE id = 1),
		(SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'entries'
			AND name IN (`+inList(len(versionTriggers))+`)),
		(SELECT coalesce(max(id), 0) FROM entries), (SELECT coalesce(min(id), 1) FROM entries),
		(SELECT coalesce(max(id), 0) FROM audit)`, versionTriggers...).Scan(&v.schema, &token, &triggers, &v.maxID, &minID, &v.auditID)
	if err != nil {
		return v, false, fmt.Errorf("read the entries' version: %w", err)
	}
	if !token.Valid || triggers != len(versionTriggers) || minID < 1 {
		return v, false, nil
	}
	v.token = token.Int64
	if v.fingerprint, err = entryFingerprint(ctx, tx, v.maxID); err != nil {
		return v, false, err
	}
	if v.auditHash, err = auditHash(ctx, tx, v.auditID); err != nil {
		return v, false, err
	}
	return v, true, nil
}

// entryFingerprint identifies entry id by every column it has.
func entryFingerprint(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT * FROM entries WHERE id = ?`, id)
	if err != nil {
		return "", fmt.Errorf("read entry %d: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		return "gone", rows.Err()
	}
	columns, err := rows.Columns()
	if err != nil {
		return "", err
	}
	values := make([]any, len(columns))
	for i := range values {
		values[i] = new(any)
	}
	if err := rows.Scan(values...); err != nil {
		return "", fmt.Errorf("read entry %d: %w", id, err)
	}
	sum := sha256.New()
	for i, v := range values {
		fmt.Fprintf(sum, "%s=%T:%v\x00", columns[i], *v.(*any), *v.(*any))
	}
	return string(sum.Sum(nil)), rows.Err()
}

// auditHash is the hash of audit record id, "" for none.
func auditHash(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	var hash string
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit WHERE id = ?`, id).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return "gone", nil
	}
	if err != nil {
		return "", fmt.Errorf("read audit record %d: %w", id, err)
	}
	return hash, nil
}

// snapshotWriter writes a snapshot to a temporary file, renamed into
// place by commit.
type snapshotWriter struct {
	f      *os.File
	final  string
	w      *bufio.Writer
	frame  []byte
	strs   map[string]uint64
	lastID int64
	rows   int
}

// createSnapshot starts a snapshot of version v at final, of about
// optouts opt-outs: what the reader reserves room for.
func createSnapshot(final string, v snapshotVersion, optouts int) (*snapshotWriter, error) {
	f, err := tempfile.Create(final)
	if err != nil {
		return nil, err
	}
	w := &snapshotWriter{f: f, final: final, w: bufio.NewWriterSize(f, 1<<16), strs: map[string]uint64{}}
	w.w.WriteString(snapshotMagic)
	w.frame = append(w.frame[:0], frameHeader)
	w.frame = binary.AppendUvarint(w.frame, uint64(v.schema))
	w.frame = binary.AppendVarint(w.frame, v.token)
	w.frame = binary.AppendVarint(w.frame, v.maxID)
	w.frame = appendText(w.frame, v.fingerprint)
	w.frame = binary.AppendVarint(w.frame, v.auditID)
	w.frame = appendText(w.frame, v.auditHash)
	w.frame = binary.AppendUvarint(w.frame, uint64(optouts))
	w.flush()
	return w, nil
}

// add writes entry id; entries come in id order.
func (w *snapshotWriter) add(id int64, e scrub.Entry) error {
	if id <= w.lastID {
		return fmt.Errorf("index snapshot: entry %d after %d", id, w.lastID)
	}
	if len(w.frame) == 0 {
		w.frame = append(w.frame, frameRows)
	}
	w.frame = binary.AppendUvarint(w.frame, uint64(id-w.lastID))
	w.lastID = id
	var flags byte
	if e.Prefix {
		flags |= rowPrefix
	}
	if !e.ExpiresAt.IsZero() {
		flags |= rowExpires
	}
	key, keyed := scrub.NumberKey(e.E164)
	if keyed {
		flags |= rowKeyed
	}
	w.frame = append(w.frame, flags)
	if keyed {
		w.frame = binary.AppendUvarint(w.frame, key)
	} else {
		w.frame = appendText(w.frame, e.E164)
	}
	for _, s := range [...]string{string(e.List), string(e.Channel), e.Tag, e.Reason, e.Source, e.Campaign, string(e.Hash), e.HashKey} {
		w.frame = w.appendString(w.frame, s)
	}
	w.frame = appendTime(w.frame, e.AddedAt)
	if !e.ExpiresAt.IsZero() {
		w.frame = appendTime(w.frame, e.ExpiresAt)
	}
	w.rows++
	if len(w.frame) > maxFrame {
		return fmt.Errorf("index snapshot: entry %d takes %d bytes, more than a frame holds", id, len(w.frame))
	}
	if len(w.frame) >= rowsFrame {
		w.flush()
	}
	return nil
}

// commit ends the snapshot with the lists' tallies and puts it in place.
// A snapshot is a cache: it is not synced, since one torn by a crash fails
// its checksums and is ignored.
func (w *snapshotWriter) commit(tallies listTallies) error {
	w.flush()
	w.frame = append(w.frame[:0], frameTrailer)
	w.frame = binary.AppendUvarint(w.frame, uint64(w.rows))
	w.frame = binary.AppendUvarint(w.frame, uint64(len(tallies)))
	for list, t := range tallies {
		w.frame = appendText(w.frame, list)
		w.frame = binary.AppendUvarint(w.frame, uint64(t.active))
		w.frame = appendText(w.frame, t.last)
	}
	w.flush()
	if err := putInPlace(w.f, w.w, w.final); err != nil {
		return fmt.Errorf("write the index snapshot %s: %w", w.final, err)
	}
	return nil
}

// abort removes the unfinished snapshot.
func (w *snapshotWriter) abort() { discard(w.f) }

// putInPlace flushes w to f, closes f and renames it to final; on a failure
// it removes f.
func putInPlace(f *os.File, w *bufio.Writer, final string) error {
	err := w.Flush()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), final)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// discard closes and removes the temporary file f.
func discard(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// flush writes the frame being built, if any. Write errors surface in commit.
func (w *snapshotWriter) flush() {
	if len(w.frame) == 0 {
		return
	}
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(w.frame)))
	w.w.Write(n[:])
	w.w.Write(w.frame)
	binary.LittleEndian.PutUint32(n[:], crc32.Checksum(w.frame, castagnoli))
	w.w.Write(n[:])
	w.frame = w.frame[:0]
}

// appendString writes s as a reference to a string written before, or as
// 0 and the string the first time.
func (w *snapshotWriter) appendString(b []byte, s string) []byte {
	if i, ok := w.strs[s]; ok {
		return binary.AppendUvarint(b, i)
	}
	w.strs[s] = uint64(len(w.strs) + 1)
	return appendText(binary.AppendUvarint(b, 0), s)
}

func appendText(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func appendTime(b []byte, t time.Time) []byte {
	return binary.AppendUvarint(binary.AppendVarint(b, t.Unix()), uint64(t.Nanosecond()))
}

// snapshotReader reads a snapshot file frame by frame.
type snapshotReader struct {
	f       *os.File
	r       *bufio.Reader
	frame   []byte
	version snapshotVersion
	optouts int
	strs    []string
	digits  []byte // a number being decoded
}

// openSnapshot opens the snapshot at path and reads its version. It
// returns errBadSnapshot for a file that is missing or not a snapshot.
func openSnapshot(path string) (*snapshotReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadSnapshot, err)
	}
	s := &snapshotReader{f: f, r: bufio.NewReaderSize(f, 1<<16)}
	magic := make([]byte, len(snapshotMagic))
	if _, err := io.ReadFull(s.r, magic); err != nil || string(magic) != snapshotMagic {
		f.Close()
		return nil, fmt.Errorf("%w: not a snapshot", errBadSnapshot)
	}
	if err := s.readHeader(); err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

func (s *snapshotReader) close() { s.f.Close() }

func (s *snapshotReader) readHeader() error {
	kind, d, err := s.next()
	if err != nil {
		return err
	}
	if kind != frameHeader {
		return fmt.Errorf("%w: no header", errBadSnapshot)
	}
	schema := d.uvarint()
	s.version = snapshotVersion{schema: int(schema), token: d.varint(), maxID: d.varint(), fingerprint: d.text(),
		auditID: d.varint(), auditHash: d.text()}
	s.optouts = int(min(d.uvarint(), 1<<30))
	return d.end()
}

// each calls fn for each entry, in id order, then returns the tallies of
// the lists. Any damage found is an errBadSnapshot, possibly after some
// entries were given to fn. The file is decoded on a goroutine of its own
// while fn adds the entries: a scrub waits for the index with a core idle.
func (s *snapshotReader) each(fn func(id int64, e scrub.Entry) error) (listTallies, error) {
	type batch struct {
		ids     []int64
		entries []scrub.Entry
	}
	const batchRows = 4096
	full, free := make(chan *batch, 2), make(chan *batch, 3)
	for range cap(free) {
		free <- &batch{ids: make([]int64, 0, batchRows), entries: make([]scrub.Entry, 0, batchRows)}
	}
	stop := make(chan struct{})
	var tallies listTallies
	var decodeErr error
	go func() {
		defer close(full)
		b := <-free
		tallies, decodeErr = s.decode(func(id int64, e scrub.Entry) bool {
			b.ids, b.entries = append(b.ids, id), append(b.entries, e)
			if len(b.ids) < batchRows {
				return true
			}
			select {
			case full <- b:
			case <-stop:
				return false
			}
			select {
			case b = <-free:
				return true
			case <-stop:
				return false
			}
		})
		if decodeErr == nil && len(b.ids) > 0 {
			full <- b
		}
	}()
	stopDecoding := func() {
		close(stop)
		for range full {
		}
	}
	defer func() {
		if p := recover(); p != nil {
			stopDecoding() // the decoder must not wait for ever on full
			panic(p)
		}
	}()
	for b := range full {
		for i, id := range b.ids {
			if err := fn(id, b.entries[i]); err != nil {
				stopDecoding()
				return nil, err
			}
		}
		b.ids, b.entries = b.ids[:0], b.entries[:0]
		free <- b
	}
	if decodeErr != nil {
		return nil, decodeErr
	}
	return tallies, nil
}

// errStopped is decode's error when emit asked it to stop.
var errStopped = errors.New("stopped")

// decode calls emit for each entry, in id order, until emit returns false,
// then returns the tallies of the lists.
func (s *snapshotReader) decode(emit func(id int64, e scrub.Entry) bool) (listTallies, error) {
	var lastID int64
	rows := 0
	for {
		kind, d, err := s.next()
		if err != nil {
			return nil, err
		}
		switch kind {
		case frameRows:
			for !d.done() {
				id, e := s.row(&d, lastID)
				if d.err != nil {
					return nil, d.err
				}
				if !emit(id, e) {
					return nil, errStopped
				}
				lastID = id
				rows++
			}
		case frameTrailer:
			tallies, err := s.trailer(&d, rows)
			if err != nil {
				return nil, err
			}
			if _, err := s.r.ReadByte(); err != io.EOF {
				return nil, fmt.Errorf("%w: data after its end", errBadSnapshot)
			}
			if lastID > s.version.maxID {
				return nil, fmt.Errorf("%w: entry %d above %d", errBadSnapshot, lastID, s.version.maxID)
			}
			return tallies, nil
		default:
			return nil, fmt.Errorf("%w: frame %q", errBadSnapshot, kind)
		}
	}
}

func (s *snapshotReader) row(d *decoder, lastID int64) (int64, scrub.Entry) {
	var e scrub.Entry
	delta := d.uvarint()
	if delta == 0 {
		d.fail("entries out of order")
	}
	flags := d.readByte()
	if flags&rowKeyed != 0 {
		s.digits = strconv.AppendUint(append(s.digits[:0], '+'), d.uvarint(), 10)
		e.E164 = string(s.digits)
	} else {
		e.E164 = d.text()
	}
	e.Prefix = flags&rowPrefix != 0
	e.List = scrub.List(s.string(d))
	e.Channel = scrub.Channel(s.string(d))
	e.Tag, e.Reason, e.Source, e.Campaign = s.string(d), s.string(d), s.string(d), s.string(d)
	e.Hash, e.HashKey = scrub.HashKind(s.string(d)), s.string(d)
	e.AddedAt = d.time()
	if flags&rowExpires != 0 {
		e.ExpiresAt = d.time()
	}
	return lastID + int64(delta), e
}

func (s *snapshotReader) string(d *decoder) string {
	i := d.uvarint()
	if i == 0 {
		t := d.text()
		s.strs = append(s.strs, t)
		return t
	}
	if i > uint64(len(s.strs)) {
		d.fail("unknown string")
		return ""
	}
	return s.strs[i-1]
}

func (s *snapshotReader) trailer(d *decoder, rows int) (listTallies, error) {
	if n := d.uvarint(); n != uint64(rows) {
		d.fail("entry count")
	}
	tallies := listTallies{}
	for n := d.uvarint(); n > 0 && d.err == nil; n-- {
		list := d.text()
		tallies[list] = listTally{active: int(d.uvarint()), last: d.text()}
	}
	return tallies, d.end()
}

// next reads a frame and checks its checksum.
func (s *snapshotReader) next() (byte, decoder, error) {
	var n [4]byte
	if _, err := io.ReadFull(s.r, n[:]); err != nil {
		return 0, decoder{}, fmt.Errorf("%w: cut short", errBadSnapshot)
	}
	size := binary.LittleEndian.Uint32(n[:])
	if size == 0 || size > maxFrame {
		return 0, decoder{}, fmt.Errorf("%w: frame of %d bytes", errBadSnapshot, size)
	}
	if cap(s.frame) < int(size) {
		s.frame = make([]byte, size)
	}
	s.frame = s.frame[:size]
	if _, err := io.ReadFull(s.r, s.frame); err != nil {
		return 0, decoder{}, fmt.Errorf("%w: cut short", errBadSnapshot)
	}
	if _, err := io.ReadFull(s.r, n[:]); err != nil {
		return 0, decoder{}, fmt.Errorf("%w: cut short", errBadSnapshot)
	}
	if binary.LittleEndian.Uint32(n[:]) != crc32.Checksum(s.frame, castagnoli) {
		return 0, decoder{}, fmt.Errorf("%w: checksum", errBadSnapshot)
	}
	return s.frame[0], decoder{b: s.frame[1:]}, nil
}

// decoder reads the values of one frame; its first failure sticks.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", errBadSnapshot, what)
	}
	d.b = nil
}

func (d *decoder) done() bool { return len(d.b) == 0 }

func (d *decoder) end() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	return d.err
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) readByte() byte {
	if len(d.b) == 0 {
		d.fail("cut short")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) text() string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail("cut short")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) time() time.Time {
	sec, nsec := d.varint(), d.uvarint()
	if nsec >= 1e9 {
		d.fail("bad time")
	}
	return time.Unix(sec, int64(nsec)).UTC()
}
