package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

func TestBlockEncoding(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		set := map[uint16]bool{}
		for range rng.IntN(2000) {
			set[uint16(rng.IntN(1<<16))] = true
		}
		var low []uint16
		for v := range set {
			low = append(low, v)
		}
		slices.Sort(low)
		b := encodeBlock(low)
		got, err := decodeBlock(b, nil)
		if err != nil || !slices.Equal(got, low) {
			t.Fatalf("decode(encode(%d values)) = %d values, %v", len(low), len(got), err)
		}
		for range 50 {
			v := uint16(rng.IntN(1 << 16))
			if on, err := blockHas(b, v); err != nil || on != set[v] {
				t.Fatalf("blockHas(%d) = %v, %v; want %v", v, on, err, set[v])
			}
		}
	}
	for _, bad := range [][]byte{{0x80}, {5, 0}, {0xff, 0xff, 0x04}} {
		if _, err := decodeBlock(bad, nil); err == nil {
			t.Errorf("decodeBlock(% x) accepted a corrupt block", bad)
		}
	}
}

// Changes applied through blocks, in batches smaller than the changes so
// that later batches merge with what earlier ones wrote, leave exactly the
// numbers that applying them one by one would.
func TestRegistryBlocksMatchModel(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.db.Exec(`INSERT INTO registries (name) VALUES ('r')`); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	model := map[int64]bool{}
	// Numbers close together (one block) and far apart (many).
	number := func() int64 {
		if rng.IntN(2) == 0 {
			return 12125550000 + int64(rng.IntN(300))
		}
		return 10000000000 + int64(rng.IntN(1e9))
	}
	for round, full := range []bool{true, false, false, true, false} {
		var changes []RegistryChange
		if full {
			clear(model)
		}
		for range 3000 {
			n, del := number(), !full && rng.IntN(3) == 0
			changes = append(changes, RegistryChange{E164: "+" + strconv.FormatInt(n, 10), Delete: del})
			model[n] = !del
		}
		for n, on := range model {
			if !on {
				delete(model, n)
			}
		}
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if full {
				if _, err := tx.ExecContext(ctx, `DELETE FROM registry_blocks WHERE registry = 'r'`); err != nil {
					return err
				}
			}
			w, err := newRegistryBlocks(ctx, tx, "r", full)
			if err != nil {
				return err
			}
			defer w.close()
			w.maxHeld = 700
			for _, c := range changes {
				n, _ := numberKey(c.E164)
				if err := w.change(ctx, n, c.Delete); err != nil {
					return err
				}
			}
			return w.flush(ctx)
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var got []int64
		rows, err := s.db.Query(`SELECT block, n, numbers FROM registry_blocks WHERE registry = 'r' ORDER BY block`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var blk int64
			var n int
			var b []byte
			if err := rows.Scan(&blk, &n, &b); err != nil {
				t.Fatal(err)
			}
			low, err := decodeBlock(b, nil)
			if err != nil || len(low) != n || n == 0 {
				t.Fatalf("block %d: %d numbers, n = %d, %v", blk, len(low), n, err)
			}
			for _, v := range low {
				got = append(got, blk<<blockBits|int64(v))
			}
		}
		rows.Close()
		var want []int64
		for n := range model {
			want = append(want, n)
		}
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: the blocks hold %d numbers, the model %d", round, len(got), len(want))
		}
	}
}

// A store whose registries are a row a number (schema version 10) is moved
// to blocks when it opens: the same numbers found, the same counts.
func TestUpgradeRegistryNumbersToBlocks(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v10.db")
	oldStore(t, path, 10,
		`INSERT INTO registries (name, region, count, last_full_at) VALUES ('us-dnc', 'US', 3, '2026-11-01T00:00:00Z'), ('zz', '', 1, '2026-11-02T00:00:00Z')`,
		`INSERT INTO registry_numbers (registry, number) VALUES ('us-dnc', 12125550100), ('us-dnc', 12125550101), ('us-dnc', 13105550100), ('zz', 12125550101)`)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var left int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'registry_numbers'`).Scan(&left); err != nil || left != 0 {
		t.Errorf("registry_numbers still there (%d), %v", left, err)
	}
	for _, preload := range []bool{false, true} {
		l, err := s.NewRegistryLookup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if preload {
			if err := l.Preload(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for number, want := range map[string]string{"+12125550100": "us-dnc", "+12125550101": "us-dnc", "+13105550100": "us-dnc", "+12125550102": "", "+34612345678": ""} {
			if name, _, err := l.Find(number); err != nil || name != want {
				t.Errorf("preload %v: Find(%s) = %q, %v; want %q", preload, number, name, err, want)
			}
		}
		l.Close()
	}
	// A change list after the upgrade counts from the moved numbers.
	n, err := s.ImportRegistry(ctx, "us-dnc", "US", false, []RegistryChange{{E164: "+12125550100", Delete: true}, {E164: "+12125550199"}}, time.Now())
	if err != nil || n != 3 {
		t.Errorf("change list after the upgrade: count %d, %v; want 3", n, err)
	}
}

// A preloaded lookup answers as a plain one, including blocks it could not
// hold, and the first registry by name wins where several hold a number.
func TestRegistryLookupPreload(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var a, b []RegistryChange
	for i := range 5000 {
		a = append(a, RegistryChange{E164: fmt.Sprintf("+1212555%04d", i)})
		if i%2 == 0 {
			b = append(b, RegistryChange{E164: fmt.Sprintf("+1212555%04d", i)})
		}
	}
	if _, err := s.ImportRegistry(ctx, "b-second", "US", true, a, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportRegistry(ctx, "a-first", "US", true, b, time.Now()); err != nil {
		t.Fatal(err)
	}
	plain, held, pre := lookup(t, s, false), heldLookup(t, s), heldLookup(t, s)
	for blk := range pre.blocks { // as if none had fitted: they are read as needed
		pre.blocks[blk] = nil
	}
	pre.allHeld = false
	check := func(number, want string) {
		t.Helper()
		for name, l := range map[string]*RegistryLookup{"plain": plain, "held": held, "preloaded": pre} {
			if got, _, err := l.Find(number); err != nil || got != want {
				t.Errorf("%s: Find(%s) = %q, %v; want %q", name, number, got, err, want)
			}
		}
	}
	for i := 0; i < 10100; i += 7 {
		want := ""
		switch {
		case i < 5000 && i%2 == 0:
			want = "a-first"
		case i < 5000:
			want = "b-second"
		}
		check(fmt.Sprintf("+1212555%04d", i), want)
	}
	// The first and last numbers, and numbers in no block: below the
	// first, above the last, of another country.
	check("+12125550000", "a-first")
	check("+12125554999", "b-second")
	for _, n := range []string{"+12125549999", "+12000000000", "+19999999999", "+34612345678", "+447911123456", "+8613800138000"} {
		check(n, "")
	}
}

// A batch's lookup, which reads the blocks the preloaded lookup does not
// hold in one query, answers as a plain lookup: for the numbers of its
// batch, for others, and for what is not a number.
func TestRegistryLookupBatch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var a, b []RegistryChange
	var numbers []string
	for i := range 3000 {
		n := fmt.Sprintf("+1212%07d", i*3331) // a few numbers a block, in many blocks
		numbers = append(numbers, n)
		switch i % 3 {
		case 0:
			a = append(a, RegistryChange{E164: n})
		case 1:
			b = append(b, RegistryChange{E164: n})
		}
	}
	if _, err := s.ImportRegistry(ctx, "us-a", "US", true, a, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportRegistry(ctx, "us-b", "US", true, b, time.Now()); err != nil {
		t.Fatal(err)
	}
	plain, pre := lookup(t, s, false), heldLookup(t, s)
	// As if a third of the blocks had fitted.
	held := 0
	for blk := range pre.blocks {
		if held++; held%3 != 0 {
			pre.blocks[blk] = nil
		}
	}
	pre.allHeld = false
	others := append([]string{"+441632960000", "not a number", "+1"}, numbers[2000:]...)
	batch, err := pre.Batch(append(slices.Clone(numbers[:2000]), "+441632960001", "garbage"))
	if err != nil {
		t.Fatal(err)
	}
	if read := batch.(batchLookup).read; len(read) < 50 {
		t.Fatalf("the batch read %d blocks; its numbers are in a hundred, two thirds not held", len(read))
	}
	for _, n := range append(slices.Clone(numbers), others...) {
		wantName, wantAt, wantErr := plain.Find(n)
		name, at, err := batch.Find(n)
		if name != wantName || at != wantAt || (err == nil) != (wantErr == nil) {
			t.Errorf("Find(%s) = %q, %q, %v; plain lookup: %q, %q, %v", n, name, at, err, wantName, wantAt, wantErr)
		}
	}
	// Without Preload, there is nothing to read ahead.
	if l, err := plain.Batch(numbers[:10]); err != nil || l != scrub.RegistryLookup(plain) {
		t.Errorf("Batch without Preload = %v, %v; want the lookup itself", l, err)
	}
}
