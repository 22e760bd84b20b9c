package scrub

import "math/bits"

// seenSet is the run's duplicate set: for each clean number (as its
// NumberKey), the file and row it was first written from. A scrub of ten
// million rows holds nine million of them; as a Go map of uint64 to uint64
// they took about 32 bytes each, here 14 bytes a slot in parallel arrays,
// open addressing with linear probing, at most 7/8 full.
type seenSet struct {
	keys  []uint64 // 0: empty (no E.164 number is 0)
	rows  []uint32
	files []uint16
	n     int
	// big holds what does not fit a slot: a row past 4G, a file past 65535.
	big map[uint64]origin
}

func (s *seenSet) get(key uint64) (origin, bool) {
	if s.n == 0 {
		return 0, false
	}
	for i := s.slot(key); ; i = s.next(i) {
		switch s.keys[i] {
		case 0:
			return 0, false
		case key:
			if s.files[i] == bigSlot {
				o, ok := s.big[key]
				return o, ok
			}
			return makeOrigin(int(s.files[i]), int(s.rows[i])), true
		}
	}
}

// bigSlot in files marks a slot whose origin is in big.
const bigSlot = 1<<16 - 1

// claim records o as key's origin, unless key is in the set already:
// then it returns the origin there, and true. One probe does both.
func (s *seenSet) claim(key uint64, o origin) (origin, bool) {
	if (s.n+1)*8 > len(s.keys)*7 {
		s.grow()
	}
	i := s.slot(key)
	for ; s.keys[i] != 0; i = s.next(i) {
		if s.keys[i] == key {
			if s.files[i] == bigSlot {
				return s.big[key], true
			}
			return makeOrigin(int(s.files[i]), int(s.rows[i])), true
		}
	}
	s.keys[i] = key
	s.n++
	if o.file() >= bigSlot || o.row() > 1<<32-1 {
		if s.big == nil {
			s.big = map[uint64]origin{}
		}
		s.big[key] = o
		s.files[i] = bigSlot
		return 0, false
	}
	s.files[i], s.rows[i] = uint16(o.file()), uint32(o.row())
	return 0, false
}

// grow makes the table half as large again: doubling would leave a large
// table half empty, and hold both while it copies.
func (s *seenSet) grow() {
	old := *s
	size := max(1024, len(s.keys)*3/2)
	s.keys, s.rows, s.files = make([]uint64, size), make([]uint32, size), make([]uint16, size)
	for j, k := range old.keys {
		if k == 0 {
			continue
		}
		i := s.slot(k)
		for s.keys[i] != 0 {
			i = s.next(i)
		}
		s.keys[i], s.rows[i], s.files[i] = k, old.rows[j], old.files[j]
	}
}

// slot is where key's probe starts: a 64-bit multiplicative hash (numbers
// share long prefixes) scaled to the table's size, which need not be a
// power of two.
func (s *seenSet) slot(key uint64) int {
	hi, lo := bits.Mul64(key, 0x9e3779b97f4a7c15)
	i, _ := bits.Mul64(hi^lo, uint64(len(s.keys)))
	return int(i)
}

func (s *seenSet) next(i int) int {
	if i++; i == len(s.keys) {
		return 0
	}
	return i
}
