package store

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"slices"
	"sort"
	"sync"

	"github.com/dncctl/dncctl/internal/tempfile"
)

// The registry file.
//
// A scrub looks up every number it would pass on the registries. A
// registry of a hundred million numbers is 130 MB of blocks: too much to
// hold within a scrub's memory, and a block read through SQLite cost about
// 12 µs, a third of a second for a million-row scrub with the rest of the
// query. So the first scrub after a registry changes writes its blocks to
// STORE-registries beside the store, each block's numbers as a sorted
// array of 16-bit low bits with a CRC-32C, and an index of where each block
// is at the end; later scrubs hold only the index (20 bytes a block) and
// read a block with one pread.
//
// Why it is never used stale: it records the token of registry_version,
// which SQLite triggers (migration 13) give a new random value whenever a
// block is inserted, updated or deleted, by any writer; it was written from
// blocks read in the same read transaction as the token; a restore draws a
// new token. A file whose token differs, or whose framing or checksums are
// wrong, is not used; a block whose checksum is wrong when read fails that
// lookup, which the scrub reports as CHECK_FAILED, never as clean.

const (
	registryFileMagic = "DNCREG01"
	registryFileEnd   = "DNCREGND"
	// registryTrailer is the index offset, the block count, the names
	// offset, the checksum of index and names, and registryFileEnd.
	registryTrailer = 8 + 8 + 8 + 4 + 8 // the last 8: registryFileEnd
	indexRecord     = 8 + 8 + 4         // block, offset, length
)

var errBadRegistryFile = errors.New("registry file unusable")

func (s *Store) registryFilePath() string { return s.path + "-registries" }

// registryToken is registry_version's token, read in tx; ok is false when
// the store lacks it or any of its triggers.
func registryToken(ctx context.Context, tx *sql.Tx) (token int64, ok bool, err error) {
	var t sql.NullInt64
	var triggers int
	err = tx.QueryRowContext(ctx, `SELECT (SELECT token FROM registry_version WHERE id = 1),
		(SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'registry_blocks'
			AND name IN ('registry_version_insert', 'registry_version_update', 'registry_version_delete'))`).Scan(&t, &triggers)
	if err != nil {
		return 0, false, fmt.Errorf("read the registries' version: %w", err)
	}
	return t.Int64, t.Valid && triggers == 3, nil
}

// registryFile is an open registry file.
type registryFile struct {
	f       *os.File
	names   []string // the registries, by the index a block refers to them by
	blocks  []uint64 // ascending
	offsets []int64
	lengths []uint32
	bufs    sync.Pool
}

// openRegistryFile opens the file at path if it was written under token.
func openRegistryFile(path string, token int64) (*registryFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadRegistryFile, err)
	}
	r, err := readRegistryFile(f, token)
	if err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

func readRegistryFile(f *os.File, token int64) (*registryFile, error) {
	bad := func(what string) error { return fmt.Errorf("%w: %s", errBadRegistryFile, what) }
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() < int64(len(registryFileMagic)+8+registryTrailer) {
		return nil, bad("not a registry file")
	}
	head := make([]byte, len(registryFileMagic)+8)
	if _, err := f.ReadAt(head, 0); err != nil || string(head[:len(registryFileMagic)]) != registryFileMagic {
		return nil, bad("not a registry file")
	}
	if int64(binary.LittleEndian.Uint64(head[len(registryFileMagic):])) != token {
		return nil, bad("made from other registries")
	}
	tail := make([]byte, registryTrailer)
	if _, err := f.ReadAt(tail, fi.Size()-registryTrailer); err != nil || string(tail[registryTrailer-len(registryFileEnd):]) != registryFileEnd {
		return nil, bad("cut short")
	}
	indexAt, count, namesAt := binary.LittleEndian.Uint64(tail), binary.LittleEndian.Uint64(tail[8:]), binary.LittleEndian.Uint64(tail[16:])
	end := uint64(fi.Size() - registryTrailer)
	if indexAt < uint64(len(head)) || namesAt < indexAt || namesAt > end || count != (namesAt-indexAt)/indexRecord || (namesAt-indexAt)%indexRecord != 0 {
		return nil, bad("bad trailer")
	}
	meta := make([]byte, end-indexAt)
	if _, err := f.ReadAt(meta, int64(indexAt)); err != nil {
		return nil, bad("cut short")
	}
	if crc32.Checksum(meta, castagnoli) != binary.LittleEndian.Uint32(tail[24:]) {
		return nil, bad("index checksum")
	}
	r := &registryFile{f: f, blocks: make([]uint64, count), offsets: make([]int64, count), lengths: make([]uint32, count)}
	for i := range count {
		rec := meta[i*indexRecord:]
		r.blocks[i] = binary.LittleEndian.Uint64(rec)
		r.offsets[i] = int64(binary.LittleEndian.Uint64(rec[8:]))
		r.lengths[i] = binary.LittleEndian.Uint32(rec[16:])
		off, n := uint64(r.offsets[i]), uint64(r.lengths[i])
		if (i > 0 && r.blocks[i] <= r.blocks[i-1]) || off < uint64(len(head)) || off > indexAt || n > indexAt-off || n < 4 {
			return nil, bad("bad index")
		}
	}
	d := decoder{b: meta[namesAt-indexAt:]}
	for n := d.uvarint(); n > 0 && d.err == nil; n-- {
		r.names = append(r.names, d.text())
	}
	if err := d.end(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *registryFile) close() { r.f.Close() }

// find returns the index of the first registry (by name) whose block blk
// holds low, or -1.
func (r *registryFile) find(blk uint64, low uint16) (int, error) {
	if len(r.blocks) == 0 || blk < r.blocks[0] || blk > r.blocks[len(r.blocks)-1] {
		return -1, nil // most numbers of a lead file are of other countries
	}
	i := sort.Search(len(r.blocks), func(i int) bool { return r.blocks[i] >= blk })
	if i == len(r.blocks) || r.blocks[i] != blk {
		return -1, nil
	}
	bp, _ := r.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer r.bufs.Put(bp)
	b := slices.Grow((*bp)[:0], int(r.lengths[i]))[:r.lengths[i]]
	*bp = b
	if _, err := r.f.ReadAt(b, r.offsets[i]); err != nil {
		return -1, fmt.Errorf("read %s: %w", r.f.Name(), err)
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return -1, fmt.Errorf("%s: block %d is damaged (checksum): delete the file to have it written again", r.f.Name(), blk)
	}
	for len(body) > 0 {
		name, n1 := binary.Uvarint(body)
		count, n2 := 0, 0
		if n1 > 0 {
			var c uint64
			c, n2 = binary.Uvarint(body[n1:])
			count = int(min(c, 1<<16))
		}
		if n1 <= 0 || n2 <= 0 || name >= uint64(len(r.names)) || len(body) < n1+n2+2*count {
			return -1, fmt.Errorf("%s: block %d is damaged", r.f.Name(), blk)
		}
		lows := body[n1+n2 : n1+n2+2*count]
		j := sort.Search(count, func(j int) bool { return binary.LittleEndian.Uint16(lows[2*j:]) >= low })
		if j < count && binary.LittleEndian.Uint16(lows[2*j:]) == low {
			return int(name), nil
		}
		body = body[n1+n2+2*count:]
	}
	return -1, nil
}

// registryFileWriter writes a registry file from the blocks, in block and
// registry order, to a temporary file renamed into place by commit.
type registryFileWriter struct {
	f      *os.File
	final  string
	w      *bufio.Writer
	at     int64 // bytes written
	names  map[string]uint64
	index  []byte
	block  uint64
	record []byte // the block being written
	lows   []uint16
	err    error
}

func createRegistryFile(final string, token int64) (*registryFileWriter, error) {
	f, err := tempfile.Create(final)
	if err != nil {
		return nil, err
	}
	w := &registryFileWriter{f: f, final: final, w: bufio.NewWriterSize(f, 1<<16), names: map[string]uint64{}}
	head := binary.LittleEndian.AppendUint64([]byte(registryFileMagic), uint64(token))
	w.write(head)
	return w, nil
}

func (w *registryFileWriter) write(b []byte) {
	if w.err == nil {
		_, w.err = w.w.Write(b)
		w.at += int64(len(b))
	}
}

// add writes one registry's block, as registry_blocks holds it.
func (w *registryFileWriter) add(blk uint64, registry string, numbers []byte) error {
	if len(w.record) > 0 && blk != w.block {
		if blk < w.block {
			return fmt.Errorf("registry file: block %d after %d", blk, w.block)
		}
		w.endBlock()
	}
	w.block = blk
	i, ok := w.names[registry]
	if !ok {
		i = uint64(len(w.names))
		w.names[registry] = i
	}
	var err error
	if w.lows, err = decodeBlock(numbers, w.lows[:0]); err != nil {
		return err
	}
	w.record = binary.AppendUvarint(binary.AppendUvarint(w.record, i), uint64(len(w.lows)))
	for _, v := range w.lows {
		w.record = binary.LittleEndian.AppendUint16(w.record, v)
	}
	return nil
}

func (w *registryFileWriter) endBlock() {
	w.record = binary.LittleEndian.AppendUint32(w.record, crc32.Checksum(w.record, castagnoli))
	w.index = binary.LittleEndian.AppendUint64(w.index, w.block)
	w.index = binary.LittleEndian.AppendUint64(w.index, uint64(w.at))
	w.index = binary.LittleEndian.AppendUint32(w.index, uint32(len(w.record)))
	w.write(w.record)
	w.record = w.record[:0]
}

// commit writes the index and puts the file in place. Like the index
// snapshot it is a cache, not synced: a torn one fails its checksums.
func (w *registryFileWriter) commit() error {
	if len(w.record) > 0 {
		w.endBlock()
	}
	names := make([]string, len(w.names))
	for name, i := range w.names {
		names[i] = name
	}
	meta := binary.AppendUvarint(slices.Clone(w.index), uint64(len(names)))
	for _, name := range names {
		meta = appendText(meta, name)
	}
	indexAt := w.at
	w.write(meta)
	var tail []byte
	tail = binary.LittleEndian.AppendUint64(tail, uint64(indexAt))
	tail = binary.LittleEndian.AppendUint64(tail, uint64(len(w.index)/indexRecord))
	tail = binary.LittleEndian.AppendUint64(tail, uint64(indexAt)+uint64(len(w.index)))
	tail = binary.LittleEndian.AppendUint32(tail, crc32.Checksum(meta, castagnoli))
	w.write(append(tail, registryFileEnd...))
	err := w.err
	if err != nil {
		discard(w.f)
	} else {
		err = putInPlace(w.f, w.w, w.final)
	}
	if err != nil {
		return fmt.Errorf("write the registry file %s: %w", w.final, err)
	}
	return nil
}

func (w *registryFileWriter) abort() { discard(w.f) }
