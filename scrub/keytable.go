package scrub

import "math/bits"

// keyTable maps NumberKeys to the rows of their entries: a list's numbers.
// A Go map took two probes to add a number (a lookup, then the insert) and
// about two cache misses a lookup; here a slot holds the key and its row
// side by side, open addressing with linear probing, at most 3/4 full, so
// that most lookups touch one cache line and an add probes once.
type keyTable struct {
	slots []keySlot
	n     int
}

type keySlot struct {
	key uint64 // the NumberKey plus one; 0: an empty slot
	row int32
}

func (t *keyTable) len() int { return t.n }

// get returns key's row.
func (t *keyTable) get(key uint64) (int32, bool) {
	if t.n == 0 {
		return 0, false
	}
	k := key + 1
	for i := t.slot(k); ; i = t.next(i) {
		switch t.slots[i].key {
		case k:
			return t.slots[i].row, true
		case 0:
			return 0, false
		}
	}
}

// at returns where key's row is, adding key (with row 0) if it is not in
// the table: found says whether it was. The pointer is good until the
// next call that adds a key.
func (t *keyTable) at(key uint64) (row *int32, found bool) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.resize(max(1024, 2*len(t.slots)))
	}
	k := key + 1
	i := t.slot(k)
	for ; t.slots[i].key != 0; i = t.next(i) {
		if t.slots[i].key == k {
			return &t.slots[i].row, true
		}
	}
	t.slots[i].key = k
	t.n++
	return &t.slots[i].row, false
}

// reserve makes room for n keys without growing: the smallest power of
// two that holds them at most 3/4 full, no larger than a Go map would be.
func (t *keyTable) reserve(n int) {
	if size := 1 << bits.Len(uint(n*4/3)); size > len(t.slots) {
		t.resize(size)
	}
}

func (t *keyTable) resize(size int) {
	old := t.slots
	t.slots = make([]keySlot, size)
	for _, s := range old {
		if s.key == 0 {
			continue
		}
		i := t.slot(s.key)
		for t.slots[i].key != 0 {
			i = t.next(i)
		}
		t.slots[i] = s
	}
}

// slot is where k's probe starts: a 64-bit multiplicative hash (numbers
// share long prefixes), its top bits for the table's power-of-two size.
func (t *keyTable) slot(k uint64) int {
	return int((k * 0x9e3779b97f4a7c15) >> (64 - bits.Len(uint(len(t.slots)-1))))
}

func (t *keyTable) next(i int) int { return (i + 1) & (len(t.slots) - 1) }
