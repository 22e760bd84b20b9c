package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// A registry of numbers is kept in blocks: the numbers n with the same
// n >> blockBits share a row of registry_blocks, as the ascending varint
// differences of their low bits. A row a number (the first design) took
// about 20 bytes on disk and a statement a number to import; a block takes
// 1 to 3 bytes a number, and an import writes a row a block.

const (
	blockBits = 16
	blockLow  = 1<<blockBits - 1
	// maxRegistryNumber bounds what a block row can hold; E.164 numbers have
	// at most 15 digits, far below.
	maxRegistryNumber = 1 << 62
)

// encodeBlock writes low, the ascending distinct low bits of one block's
// numbers.
func encodeBlock(low []uint16) []byte {
	b := make([]byte, 0, len(low)*2)
	prev := uint64(0)
	for i, v := range low {
		d := uint64(v) - prev
		if i == 0 {
			d = uint64(v)
		}
		b = binary.AppendUvarint(b, d)
		prev = uint64(v)
	}
	return b
}

// decodeBlock appends a block's low bits to low.
func decodeBlock(b []byte, low []uint16) ([]uint16, error) {
	v := uint64(0)
	for i := 0; len(b) > 0; i++ {
		d, n := binary.Uvarint(b)
		if n <= 0 || (i > 0 && d == 0) || v+d > blockLow {
			return nil, errors.New("registry block is corrupt")
		}
		v += d
		low = append(low, uint16(v))
		b = b[n:]
	}
	return low, nil
}

// blockHas reports whether a block holds the low bits low.
func blockHas(b []byte, low uint16) (bool, error) {
	v := uint64(0)
	for i := 0; len(b) > 0; i++ {
		d, n := binary.Uvarint(b)
		if n <= 0 || (i > 0 && d == 0) {
			return false, errors.New("registry block is corrupt")
		}
		v += d
		if v >= uint64(low) {
			return v == uint64(low), nil
		}
		b = b[n:]
	}
	return false, nil
}

// registryBlocks applies one registry's changes to its blocks, in a
// transaction. Changes are held (8 bytes each) and written a block at a
// time, in number order, when maxHeldChanges have come or at flush.
type registryBlocks struct {
	tx    *sql.Tx
	name  string
	ops   []uint64 // number<<1 | 1 for a delete, in the order given
	delta int      // numbers gained, less numbers lost
	// empty says the registry has no blocks yet (a full import emptied
	// it): a flush then need not read any.
	empty   bool
	maxHeld int  // maxHeldChanges; tests make it small
	deletes bool // some of ops are deletes
	upsert  *sql.Stmt
	delete  *sql.Stmt
}

// maxHeldChanges is how many changes are held before they are written:
// 128 MiB. A registry of up to that many numbers is written in one pass.
const maxHeldChanges = 1 << 24

func newRegistryBlocks(ctx context.Context, tx *sql.Tx, name string, empty bool) (*registryBlocks, error) {
	w := &registryBlocks{tx: tx, name: name, empty: empty, maxHeld: maxHeldChanges}
	var err error
	if w.upsert, err = tx.PrepareContext(ctx, `INSERT INTO registry_blocks (block, registry, n, numbers) VALUES (?, ?, ?, ?)
		ON CONFLICT (block, registry) DO UPDATE SET n = excluded.n, numbers = excluded.numbers`); err != nil {
		return nil, err
	}
	if w.delete, err = tx.PrepareContext(ctx, `DELETE FROM registry_blocks WHERE block = ? AND registry = ?`); err != nil {
		w.upsert.Close()
		return nil, err
	}
	return w, nil
}

func (w *registryBlocks) close() {
	w.upsert.Close()
	w.delete.Close()
}

// change adds (or with del, deletes) the number n.
func (w *registryBlocks) change(ctx context.Context, n int64, del bool) error {
	if n <= 0 || n >= maxRegistryNumber {
		return fmt.Errorf("registry number %d out of range", n)
	}
	op := uint64(n) << 1
	if del {
		op |= 1
		w.deletes = true
	}
	w.ops = append(w.ops, op)
	if len(w.ops) >= w.maxHeld {
		return w.flush(ctx)
	}
	return nil
}

// blockReadBatch is how many blocks one query reads back to merge with.
const blockReadBatch = 500

// flush writes the changes held. The last change of a number wins, as if
// they were applied one by one.
func (w *registryBlocks) flush(ctx context.Context) error {
	if len(w.ops) == 0 {
		return nil
	}
	if w.deletes {
		slices.SortStableFunc(w.ops, func(a, b uint64) int { return cmp.Compare(a>>1, b>>1) })
	} else {
		slices.Sort(w.ops) // only additions: their order does not matter
	}
	// Group the changes by block, keeping the last of each number.
	type group struct {
		block    uint64
		from, to int // w.ops[from:to], one change a number
	}
	var groups []group
	kept := w.ops[:0]
	for i, op := range w.ops {
		if i+1 < len(w.ops) && w.ops[i+1]>>1 == op>>1 {
			continue // a later change of the same number
		}
		blk := op >> 1 >> blockBits
		if len(groups) == 0 || groups[len(groups)-1].block != blk {
			groups = append(groups, group{block: blk, from: len(kept)})
		}
		kept = append(kept, op)
		groups[len(groups)-1].to = len(kept)
	}
	for chunk := range slices.Chunk(groups, blockReadBatch) {
		old := map[uint64][]byte{}
		if !w.empty {
			blocks := make([]any, len(chunk))
			for i, g := range chunk {
				blocks[i] = int64(g.block)
			}
			var err error
			if old, err = w.read(ctx, blocks); err != nil {
				return err
			}
		}
		for _, g := range chunk {
			if err := w.merge(ctx, g.block, old[g.block], kept[g.from:g.to]); err != nil {
				return err
			}
		}
	}
	w.ops, w.empty, w.deletes = w.ops[:0], false, false
	return nil
}

// read returns the registry's blocks among blocks.
func (w *registryBlocks) read(ctx context.Context, blocks []any) (map[uint64][]byte, error) {
	args := append([]any{w.name}, blocks...)
	rows, err := w.tx.QueryContext(ctx, `SELECT block, numbers FROM registry_blocks
		WHERE registry = ? AND block IN `+placeholders(1, len(blocks)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[uint64][]byte{}
	for rows.Next() {
		var blk int64
		var b []byte
		if err := rows.Scan(&blk, &b); err != nil {
			return nil, err
		}
		out[uint64(blk)] = b
	}
	return out, rows.Err()
}

// merge applies ops (ascending, one a number) to the block's numbers old.
func (w *registryBlocks) merge(ctx context.Context, blk uint64, old []byte, ops []uint64) error {
	have, err := decodeBlock(old, nil)
	if err != nil {
		return fmt.Errorf("registry %s: block %d: %w", w.name, blk, err)
	}
	merged := make([]uint16, 0, len(have)+len(ops))
	i := 0
	for _, op := range ops {
		low := uint16(op >> 1 & blockLow)
		for i < len(have) && have[i] < low {
			merged = append(merged, have[i])
			i++
		}
		present := i < len(have) && have[i] == low
		if present {
			i++
		}
		switch del := op&1 == 1; {
		case del && present:
			w.delta--
		case !del && !present:
			w.delta++
			merged = append(merged, low)
		case !del:
			merged = append(merged, low)
		}
	}
	merged = append(merged, have[i:]...)
	if len(merged) == 0 {
		if old != nil {
			_, err = w.delete.ExecContext(ctx, int64(blk), w.name)
		}
		return err
	}
	_, err = w.upsert.ExecContext(ctx, int64(blk), w.name, len(merged), encodeBlock(merged))
	return err
}

// blockOf splits a registry number into its block and low bits.
func blockOf(n int64) (uint64, uint16) {
	return uint64(n) >> blockBits, uint16(uint64(n) & blockLow)
}

// blocksFromRegistryNumbers moves the registries of a store from a row a
// number (registry_numbers, before schema version 11) to blocks, and drops
// the old table.
func blocksFromRegistryNumbers(ctx context.Context, tx *sql.Tx) error {
	writers := map[string]*registryBlocks{}
	defer func() {
		for _, w := range writers {
			w.close()
		}
	}()
	// In the table's own order (number, registry): no sort of it all.
	rows, err := tx.QueryContext(ctx, `SELECT registry, number FROM registry_numbers`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			rows.Close()
			return err
		}
		w := writers[name]
		if w == nil {
			if w, err = newRegistryBlocks(ctx, tx, name, true); err != nil {
				rows.Close()
				return err
			}
			writers[name] = w
		}
		if err := w.change(ctx, n, false); err != nil {
			rows.Close()
			return fmt.Errorf("registry %s: %w", name, err)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for name, w := range writers {
		if err := w.flush(ctx); err != nil {
			return fmt.Errorf("registry %s: %w", name, err)
		}
	}
	_, err = tx.ExecContext(ctx, `DROP TABLE registry_numbers`)
	return err
}
