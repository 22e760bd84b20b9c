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
		s.put(key, o)
		want[key] = o
	}
	for key := uint64(34600000000); key < 34600000000+400_000; key++ {
		got, ok := s.get(key)
		w, wok := want[key]
		if ok != wok || got != w {
			t.Fatalf("get(%d) = %v (file %d row %d), %v; want %v, %v", key, got, got.file(), got.row(), ok, w, wok)
		}
	}
	if s.n != len(want) {
		t.Errorf("n = %d, want %d", s.n, len(want))
	}
}
