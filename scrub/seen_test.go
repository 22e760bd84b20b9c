package scrub

import (
	"math/rand/v2"
	"testing"
)

// The duplicate set answers as a map does, through growth, for origins
// that fit a slot and those that do not.
func TestSeenSetMatchesMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var s seenSet
	want := map[uint64]origin{}
	for i := range 200_000 {
		// Numbers with long shared prefixes, as E.164 numbers are.
		key := 34600000000 + uint64(rng.IntN(400_000))
		if _, ok := want[key]; ok {
			continue
		}
		file, row := rng.IntN(3), i
		switch i % 1000 {
		case 1:
			file = 70000 // past a slot's file field
		case 2:
			row = 1<<33 + i // past a slot's row field
		}
		o := makeOrigin(file, row)
		if _, seen := s.claim(key, o); seen {
			t.Fatalf("claim(%d): seen before it was claimed", key)
		}
		want[key] = o
	}
	for key := uint64(34600000000); key < 34600000000+400_000; key++ {
		got, ok := s.get(key)
		w, wok := want[key]
		if ok != wok || got != w {
			t.Fatalf("get(%d) = %v (file %d row %d), %v; want %v, %v", key, got, got.file(), got.row(), ok, w, wok)
		}
	}
	for key, w := range want {
		if got, seen := s.claim(key, makeOrigin(9, 9)); !seen || got != w {
			t.Fatalf("claim(%d) again = %v, %v; want the first origin %v", key, got, seen, w)
		}
	}
	if s.n != len(want) {
		t.Errorf("n = %d, want %d", s.n, len(want))
	}
}
