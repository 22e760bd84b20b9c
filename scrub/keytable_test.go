package scrub

import (
	"math/rand/v2"
	"testing"
)

// TestKeyTable holds the table to a Go map over adds and lookups of keys
// that share long prefixes, as numbers do, the largest NumberKey, and
// growth from empty and from a reserve.
func TestKeyTable(t *testing.T) {
	for _, reserve := range []int{0, 10, 50_000} {
		var tab keyTable
		tab.reserve(reserve)
		want := map[uint64]int32{}
		rng := rand.New(rand.NewPCG(3, uint64(reserve)))
		key := func() uint64 {
			switch rng.IntN(4) {
			case 0:
				return 34_600_000_000 + rng.Uint64N(1000)
			case 1:
				return 1 + rng.Uint64N(9_999_999_999_999_999_999)
			case 2:
				return 9_999_999_999_999_999_999 - rng.Uint64N(3)
			}
			return 86_138_000_00000 + rng.Uint64N(200_000)
		}
		for i := range 100_000 {
			k := key()
			row, found := tab.at(k)
			w, ok := want[k]
			if found != ok || found && *row != w {
				t.Fatalf("at(%d) = %d, %v; want %d, %v", k, *row, found, w, ok)
			}
			if !found {
				*row = int32(i)
				want[k] = int32(i)
			}
			probe := key()
			got, found := tab.get(probe)
			if w, ok := want[probe]; found != ok || got != w {
				t.Fatalf("get(%d) = %d, %v; want %d, %v", probe, got, found, w, ok)
			}
		}
		if tab.len() != len(want) {
			t.Fatalf("len %d, want %d", tab.len(), len(want))
		}
		for k, w := range want {
			if got, found := tab.get(k); !found || got != w {
				t.Fatalf("get(%d) = %d, %v after the adds; want %d", k, got, found, w)
			}
		}
		if _, found := tab.get(0); found {
			t.Fatal("key 0, never added, was found")
		}
	}
}

// TestKeyTableReserve holds reserve to its promise: n keys go in without
// growing the table, and it is no more than twice the smallest size that
// holds them at most 3/4 full.
func TestKeyTableReserve(t *testing.T) {
	for _, n := range []int{1, 2, 3, 767, 768, 769, 1000, 1 << 16, 1<<16 + 1, 1_000_000} {
		var tab keyTable
		tab.reserve(n)
		size := len(tab.slots)
		if size*3 < n*4 || size > 2*(n*4/3+1) {
			t.Errorf("reserve(%d): %d slots", n, size)
		}
		for k := range uint64(n) {
			tab.at(1 + k*7919)
		}
		if len(tab.slots) != size {
			t.Errorf("reserve(%d): grew from %d to %d slots", n, size, len(tab.slots))
		}
	}
}
