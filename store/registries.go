package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// Registry is a national do-not-call registry in the store.
type Registry struct {
	Name         string
	Region       string // the ISO region its numbers belong to; "" for any
	Count        int
	LastFullAt   time.Time // zero if never fully imported
	LastChangeAt time.Time // zero if no change list was applied
}

// Updated is when the registry last changed: its newest import.
func (r Registry) Updated() time.Time {
	if r.LastChangeAt.After(r.LastFullAt) {
		return r.LastChangeAt
	}
	return r.LastFullAt
}

// RegistryChange is one line of a registry import: a number to add, or to delete.
type RegistryChange struct {
	E164   string
	Hash   string // in a hashed registry (StreamHashedRegistry), the hash instead of E164
	Delete bool
}

// ImportRegistry loads a registry in one transaction. A full import replaces
// its numbers; otherwise the changes are applied to them. It returns how
// many numbers the registry holds after.
func (s *Store) ImportRegistry(ctx context.Context, name, region string, full bool, changes []RegistryChange, at time.Time) (int, error) {
	i := 0
	return s.StreamRegistry(ctx, name, region, full, func() (RegistryChange, bool, error) {
		if i == len(changes) {
			return RegistryChange{}, false, nil
		}
		i++
		return changes[i-1], true, nil
	}, at)
}

// StreamRegistry is ImportRegistry for changes read one by one from next
// (until it returns false), so that a registry of hundreds of millions of
// numbers is never held in memory. An error from next rolls it all back.
func (s *Store) StreamRegistry(ctx context.Context, name, region string, full bool, next func() (RegistryChange, bool, error), at time.Time) (int, error) {
	return s.streamRegistry(ctx, name, region, registryKind{}, full, next, at)
}

func (s *Store) streamRegistry(ctx context.Context, name, region string, kind registryKind, full bool, next func() (RegistryChange, bool, error), at time.Time) (int, error) {
	var count int
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		stamp := at.UTC().Format(timeFormat)
		var before int
		oldRegion := region
		if err := tx.QueryRowContext(ctx, `SELECT count, region FROM registries WHERE name = ?`, name).Scan(&before, &oldRegion); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("registry %s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO registries (name, region) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET region = excluded.region`, name, region); err != nil {
			return fmt.Errorf("registry %s: %w", name, err)
		}
		if err := setRegistryKind(ctx, tx, name, kind, full); err != nil {
			return err
		}
		if err := bulkCache(ctx, tx); err != nil {
			return err
		}
		apply, finish, err := registryWriter(ctx, tx, name, kind, full, before)
		if err != nil {
			return err
		}
		var adds, deletes int
		for {
			c, more, err := next()
			if err != nil {
				return err
			}
			if !more {
				break
			}
			if c.Delete {
				deletes++
			} else {
				adds++
			}
			if err := apply(c); err != nil {
				return err
			}
		}
		if count, err = finish(); err != nil {
			return err
		}
		if full && !s.allowShrink && (count == 0 || count*2 < before) {
			return &ShrinkError{Registry: name, Before: before, After: count}
		}
		column, detail := "last_change_at", fmt.Sprintf("change list: %d adds, %d deletes; the registry holds %d numbers", adds, deletes, count)
		if full {
			column, detail = "last_full_at", fmt.Sprintf("full import: the registry holds %d numbers", count)
		}
		if kind.hash != "" {
			detail += ", as " + kind.String()
		}
		if oldRegion != region {
			detail += fmt.Sprintf("; region changed from %q to %q", oldRegion, region)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE registries SET count = ?, `+column+` = ? WHERE name = ?`, count, stamp, name); err != nil {
			return err
		}
		audit, err := s.newAuditor(ctx, tx, at)
		if err != nil {
			return err
		}
		defer audit.close()
		return audit.record(ctx, "registry-import", name, "", detail)
	})
	return count, err
}

// registryWriter returns how one change is applied to the registry in tx,
// and how the changes are finished, giving the count of numbers after:
// numbers go to blocks (registry_blocks.go), hashes a row each.
func registryWriter(ctx context.Context, tx *sql.Tx, name string, kind registryKind, full bool, before int) (apply func(RegistryChange) error, finish func() (int, error), err error) {
	if kind.hash == "" {
		blocks, err := newRegistryBlocks(ctx, tx, name, full)
		if err != nil {
			return nil, nil, err
		}
		apply = func(c RegistryChange) error {
			n, err := numberKey(c.E164)
			if err != nil {
				return err
			}
			if err := blocks.change(ctx, n, c.Delete); err != nil {
				return fmt.Errorf("registry %s: %s: %w", name, c.E164, err)
			}
			return nil
		}
		finish = func() (int, error) {
			defer blocks.close()
			if err := blocks.flush(ctx); err != nil {
				return 0, fmt.Errorf("registry %s: %w", name, err)
			}
			if full {
				before = 0 // emptied first
			}
			return before + blocks.delta, nil
		}
		return apply, finish, nil
	}
	add, err := tx.PrepareContext(ctx, `INSERT INTO registry_hashes (registry, hash) VALUES (?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return nil, nil, err
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM registry_hashes WHERE registry = ? AND hash = ?`)
	if err != nil {
		add.Close()
		return nil, nil, err
	}
	apply = func(c RegistryChange) error {
		h, err := hashedKey(c)
		if err != nil {
			return err
		}
		stmt := add
		if c.Delete {
			stmt = del
		}
		if _, err := stmt.ExecContext(ctx, name, h); err != nil {
			return fmt.Errorf("registry %s: %s: %w", name, c.Hash, err)
		}
		return nil
	}
	finish = func() (int, error) {
		defer add.Close()
		defer del.Close()
		var count int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM registry_hashes WHERE registry = ?`, name).Scan(&count)
		return count, err
	}
	return apply, finish, nil
}

// ShrinkError refuses a full import that would leave a registry empty, or
// with less than half the numbers it held: a truncated download or the
// wrong file must not pass the numbers it lost as clean.
type ShrinkError struct {
	Registry      string
	Before, After int
}

func (e *ShrinkError) Error() string {
	if e.After == 0 {
		return fmt.Sprintf("registry %s: the files hold no valid number, and a full import would empty the registry", e.Registry)
	}
	return fmt.Sprintf("registry %s: a full import of %d numbers would replace %d, less than half: a truncated download or the wrong file?", e.Registry, e.After, e.Before)
}

// AllowShrink lets full registry imports empty a registry or halve it.
func (s *Store) AllowShrink() { s.allowShrink = true }

// Registries lists the registries, by name.
func (s *Store) Registries(ctx context.Context) ([]Registry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, region, count, coalesce(last_full_at, ''), coalesce(last_change_at, '')
		FROM registries ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("read registries: %w", err)
	}
	defer rows.Close()
	var out []Registry
	for rows.Next() {
		var r Registry
		var full, change string
		if err := rows.Scan(&r.Name, &r.Region, &r.Count, &full, &change); err != nil {
			return nil, err
		}
		if full != "" {
			r.LastFullAt, _ = parseTime(full)
		}
		if change != "" {
			r.LastChangeAt, _ = parseTime(change)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RegistryLookup finds numbers in the registries: a number's block is
// read by index (registries are too large to load for a run), unless
// Preload has held the blocks in memory.
type RegistryLookup struct {
	db     *sql.DB
	stmt   *sql.Stmt
	hashed *hashedRegistries // nil when no registry is hashed

	// After Preload: blocks has every block any registry has, so that a
	// number in none needs no query, with the block's registries when
	// they were held (up to maxHeldBlockBytes), nil when not. It is not
	// changed after Preload, so lookups share it without a lock.
	preloaded bool
	allHeld   bool
	blocks    map[uint64][]blockHit
	// minBlock and maxBlock bound the keys of blocks: a number of another
	// country than a registry's is outside them, and needs no map lookup.
	minBlock, maxBlock uint64

	// After Preload, when the registry file could be used: the file, and
	// when each registry was imported. blocks is then nil. filePath is
	// where the file is, "" for none (for tests of the held blocks).
	filePath string
	file     *registryFile
	imported map[string]string
	fileErr  error
}

// FileError is why Preload could not write the registry file, or nil.
func (l *RegistryLookup) FileError() error { return l.fileErr }

// blockHit is one registry's block: what a lookup needs of it.
type blockHit struct {
	registry, imported string
	numbers            []byte
}

// maxHeldBlockBytes bounds the blocks a preloaded lookup keeps: all of a
// registry of ten million numbers, a part of one of a hundred million.
// Registries of more numbers than fit are read from the registry file.
var maxHeldBlockBytes int64 = 48 << 20

// fileBytesPerNumber is about what a number takes in blocks, at most: the
// registries' counts times it say whether their blocks fit in memory.
const fileBytesPerNumber = 2

// NewRegistryLookup prepares lookups; Close releases them.
func (s *Store) NewRegistryLookup(ctx context.Context) (*RegistryLookup, error) {
	stmt, err := s.db.PrepareContext(ctx, `SELECT rb.registry, coalesce(r.last_full_at, r.last_change_at, ''), rb.numbers
		FROM registry_blocks rb JOIN registries r ON r.name = rb.registry
		WHERE rb.block = ? ORDER BY rb.registry`)
	if err != nil {
		return nil, fmt.Errorf("prepare registry lookup: %w", err)
	}
	hashed, err := s.loadHashedRegistries(ctx)
	if err != nil {
		stmt.Close()
		return nil, err
	}
	return &RegistryLookup{db: s.db, stmt: stmt, hashed: hashed, filePath: s.registryFilePath()}, nil
}

// Preload readies the lookup for many numbers, as a scrub looks up. It
// opens the registry file when it was written from the registries as they
// are; else it reads every block, writes the file, and uses it. Without a
// file, it holds which blocks exist and the blocks themselves while they
// fit in maxHeldBlockBytes. A few lookups (dncctl check) are faster
// without.
func (l *RegistryLookup) Preload(ctx context.Context) error {
	tx, err := l.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("read registries: %w", err)
	}
	defer tx.Rollback()
	token, versioned, err := registryToken(ctx, tx)
	if err != nil {
		return err
	}
	versioned = versioned && l.filePath != ""
	if versioned {
		// Registries whose blocks fit in memory are held: the file would
		// double what they take on disk for little gain.
		var numbers int64
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(count), 0) FROM registries WHERE hash_kind = ''`).Scan(&numbers); err != nil {
			return fmt.Errorf("read registries: %w", err)
		}
		versioned = numbers*fileBytesPerNumber > maxHeldBlockBytes
	}
	if versioned {
		if f, err := openRegistryFile(l.filePath, token); err == nil {
			return l.useFile(ctx, tx, f)
		}
	}
	var w *registryFileWriter
	if versioned {
		if w, err = createRegistryFile(l.filePath, token); err != nil {
			l.fileErr, w = fmt.Errorf("write the registry file %s: %w", l.filePath, err), nil
		}
	}
	defer func() {
		if w != nil {
			w.abort()
		}
	}()
	rows, err := tx.QueryContext(ctx, `SELECT rb.block, rb.registry, coalesce(r.last_full_at, r.last_change_at, ''), rb.numbers
		FROM registry_blocks rb JOIN registries r ON r.name = rb.registry ORDER BY rb.block, rb.registry`)
	if err != nil {
		return fmt.Errorf("read registries: %w", err)
	}
	defer rows.Close()
	l.blocks = map[uint64][]blockHit{}
	l.minBlock, l.maxBlock = math.MaxUint64, 0
	full, heldBytes := false, 0
	for rows.Next() {
		var blk int64
		var h blockHit
		var numbers sql.RawBytes
		if err := rows.Scan(&blk, &h.registry, &h.imported, &numbers); err != nil {
			return fmt.Errorf("read registries: %w", err)
		}
		if w != nil {
			if err := w.add(uint64(blk), h.registry, numbers); err != nil {
				w.abort()
				l.fileErr, w = fmt.Errorf("write the registry file %s: %w", l.filePath, err), nil
			}
		}
		l.minBlock, l.maxBlock = min(l.minBlock, uint64(blk)), max(l.maxBlock, uint64(blk))
		if full = full || int64(heldBytes+len(numbers)) > maxHeldBlockBytes; !full {
			h.numbers = slices.Clone(numbers)
			l.blocks[uint64(blk)] = append(l.blocks[uint64(blk)], h)
			heldBytes += len(numbers)
		} else {
			l.blocks[uint64(blk)] = nil // a block's registries are held all or none
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read registries: %w", err)
	}
	l.preloaded, l.allHeld = true, !full
	if w != nil {
		err, w = w.commit(), nil
		if err == nil {
			var f *registryFile
			if f, err = openRegistryFile(l.filePath, token); err == nil {
				return l.useFile(ctx, tx, f)
			}
		}
		l.fileErr = err
	}
	return nil
}

// useFile makes the lookup read blocks from f, and reads in tx when each
// registry was imported.
func (l *RegistryLookup) useFile(ctx context.Context, tx *sql.Tx, f *registryFile) error {
	rows, err := tx.QueryContext(ctx, `SELECT name, coalesce(last_full_at, last_change_at, '') FROM registries`)
	if err != nil {
		f.close()
		return fmt.Errorf("read registries: %w", err)
	}
	defer rows.Close()
	imported := map[string]string{}
	for rows.Next() {
		var name, at string
		if err := rows.Scan(&name, &at); err != nil {
			f.close()
			return fmt.Errorf("read registries: %w", err)
		}
		imported[name] = at
	}
	if err := rows.Err(); err != nil {
		f.close()
		return fmt.Errorf("read registries: %w", err)
	}
	l.file, l.imported, l.blocks, l.preloaded, l.allHeld = f, imported, nil, true, false
	return nil
}

// Find returns the registry a number is on, and when that registry was
// imported; "" when it is on none. A hashed registry under a key the lookup
// was not given (UseKeys) is an error. It is safe for concurrent use.
func (l *RegistryLookup) Find(e164 string) (name, imported string, err error) {
	return l.find(e164, nil)
}

// find is Find, with the blocks in read (by block) looked at first.
func (l *RegistryLookup) find(e164 string, read map[uint64][]blockHit) (name, imported string, err error) {
	n, err := numberKey(e164)
	if err != nil {
		return "", "", err
	}
	if l.file != nil {
		i, err := l.file.find(blockOf(n))
		if err != nil {
			return "", "", fmt.Errorf("registry lookup: %w", err)
		}
		if i >= 0 {
			name = l.file.names[i]
			imported = l.imported[name]
		}
		if l.hashed != nil {
			return l.hashed.find(e164, name, imported)
		}
		return name, imported, nil
	}
	hits, ok := read[uint64(n)>>blockBits]
	if !ok {
		hits, err = l.block(n)
	}
	if err != nil {
		return "", "", fmt.Errorf("registry lookup: %w", err)
	}
	_, low := blockOf(n)
	for _, h := range hits {
		on, err := blockHas(h.numbers, low)
		if err != nil {
			return "", "", fmt.Errorf("registry lookup: registry %s: %w", h.registry, err)
		}
		if on {
			name, imported = h.registry, h.imported
			break
		}
	}
	if l.hashed != nil {
		return l.hashed.find(e164, name, imported)
	}
	return name, imported, nil
}

// Batch returns a lookup that has read, in one query, the blocks of
// numbers that Preload did not hold: a scrub's worker asks for a batch of
// rows at once. Without Preload, it returns l.
func (l *RegistryLookup) Batch(numbers []string) (scrub.RegistryLookup, error) {
	if !l.preloaded || l.allHeld || l.file != nil {
		return l, nil // every lookup is one map access, or one pread
	}
	var need []any
	seen := map[uint64]bool{}
	for _, e164 := range numbers {
		n, err := numberKey(e164)
		if err != nil {
			continue // Find says so
		}
		blk, _ := blockOf(n)
		if seen[blk] {
			continue
		}
		seen[blk] = true
		if hits, exists := l.blocks[blk]; exists && hits == nil {
			need = append(need, int64(blk))
		}
	}
	if len(need) == 0 {
		return l, nil
	}
	rows, err := l.db.Query(`SELECT rb.block, rb.registry, coalesce(r.last_full_at, r.last_change_at, ''), rb.numbers
		FROM registry_blocks rb JOIN registries r ON r.name = rb.registry
		WHERE rb.block IN (`+inList(len(need))+`)
		ORDER BY rb.block, rb.registry`, need...)
	if err != nil {
		return nil, fmt.Errorf("registry lookup: %w", err)
	}
	defer rows.Close()
	read := make(map[uint64][]blockHit, len(need))
	for rows.Next() {
		var blk int64
		var h blockHit
		if err := rows.Scan(&blk, &h.registry, &h.imported, &h.numbers); err != nil {
			return nil, fmt.Errorf("registry lookup: %w", err)
		}
		read[uint64(blk)] = append(read[uint64(blk)], h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("registry lookup: %w", err)
	}
	for _, blk := range need {
		if _, ok := read[uint64(blk.(int64))]; !ok {
			read[uint64(blk.(int64))] = nil // gone since Preload: on no registry
		}
	}
	return batchLookup{l: l, read: read}, nil
}

// batchLookup is a RegistryLookup with a batch's blocks read.
type batchLookup struct {
	l    *RegistryLookup
	read map[uint64][]blockHit
}

func (b batchLookup) Find(e164 string) (name, imported string, err error) {
	return b.l.find(e164, b.read)
}

// block returns the registries' blocks of n, by registry name.
func (l *RegistryLookup) block(n int64) ([]blockHit, error) {
	blk, _ := blockOf(n)
	if l.preloaded {
		if blk < l.minBlock || blk > l.maxBlock {
			return nil, nil
		}
		hits, exists := l.blocks[blk]
		if !exists || hits != nil {
			return hits, nil
		}
	}
	rows, err := l.stmt.Query(int64(blk))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []blockHit
	for rows.Next() {
		var h blockHit
		if err := rows.Scan(&h.registry, &h.imported, &h.numbers); err != nil {
			return nil, err
		}
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// Close releases the lookup.
func (l *RegistryLookup) Close() error {
	if l.file != nil {
		l.file.close()
	}
	if l.hashed != nil {
		l.hashed.close()
	}
	return l.stmt.Close()
}

// numberKey is the integer a registry keeps a number as: its E.164 digits.
// It reads them as the scrub's index does: strconv.ParseInt also took
// signs and leading zeros, which no normalized number has.
func numberKey(e164 string) (int64, error) {
	n, ok := scrub.NumberKey(e164)
	if !ok || n > math.MaxInt64 {
		return 0, fmt.Errorf("registry number %q is not in E.164 form", e164)
	}
	return int64(n), nil
}
