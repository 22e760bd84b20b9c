package scrub

import "time"

// A million opt-outs held as map[string]Entry took about 600 MB and most of
// a run's garbage-collection time: every entry is a dozen pointers to scan.
// Here a number is a uint64 key and an entry is a row of integers whose
// strings (reasons, sources: a few distinct ones) are interned, so that the
// maps and slices hold no pointers at all.

// NumberKey is an E.164 number as an integer: "+" and the key's decimal
// digits give the number back. ok is false for a string that is not "+"
// and 1 to 19 digits without a leading zero; such a string is kept by its
// text instead.
func NumberKey(e164 string) (key uint64, ok bool) {
	if len(e164) < 2 || len(e164) > 20 || e164[0] != '+' || e164[1] == '0' {
		return 0, false
	}
	for i := 1; i < len(e164); i++ {
		d := e164[i] - '0'
		if d > 9 {
			return 0, false
		}
		key = key*10 + uint64(d)
	}
	return key, true
}

// numberSet maps the numbers of one list to their entries in a slimEntries.
type numberSet struct {
	byKey  keyTable
	byText map[string]int32 // numbers NumberKey refuses
}

func (s *numberSet) len() int { return s.byKey.len() + len(s.byText) }

// lookup returns where the entry of e164 (whose NumberKey is key, ok) is.
func (s *numberSet) lookup(e164 string, key uint64, ok bool) (int32, bool) {
	if s.len() == 0 {
		return 0, false // most stores have no blacklist or whitelist
	}
	if ok {
		return s.byKey.get(key)
	}
	i, found := s.byText[e164]
	return i, found
}

// keepOldest adds e, or keeps the entry already held for its number if that
// was added first: it is when the company first knew.
func (s *numberSet) keepOldest(t *slimEntries, e Entry) {
	if key, ok := NumberKey(e.E164); ok {
		row, found := s.byKey.at(key)
		t.keepOldestAt(row, found, e)
		return
	}
	if s.byText == nil {
		s.byText = map[string]int32{}
	}
	keepOldestRow(s.byText, t, e.E164, e)
}

// keepOldestRow adds e to t under key in m, or keeps the row already there
// for key if it was added first.
func keepOldestRow[K comparable](m map[K]int32, t *slimEntries, key K, e Entry) {
	i, found := m[key]
	t.keepOldestAt(&i, found, e)
	if !found {
		m[key] = i
	}
}

// keepOldestAt adds e to t as the row of a key whose row is *row (found:
// the key has one already), or keeps the row already there if it was
// added first: it is when the company first knew.
func (t *slimEntries) keepOldestAt(row *int32, found bool, e Entry) {
	if found {
		if e.AddedAt.Before(t.rows[*row].addedAt()) {
			t.rows[*row] = t.slim(e)
		}
		return
	}
	*row = int32(len(t.rows))
	t.rows = append(t.rows, t.slim(e))
}

// slimEntries holds the entries of an index's number sets.
type slimEntries struct {
	rows   []slimEntry
	strs   []string
	strIdx map[string]uint32
	// last is the string each field of slim interned last: entries come in
	// runs from one import (one reason, one source), and a compare is far
	// cheaper than a map lookup for each of a million entries' six strings.
	last [6]internedString
}

type internedString struct {
	s  string
	id uint32
	ok bool
}

// slimEntry is an Entry that is not a prefix and not hashed, without its
// number (the set's key) and with its strings interned.
type slimEntry struct {
	addedSec, expiresSec                         int64
	addedNsec, expiresNsec                       int32
	list, channel, tag, reason, source, campaign uint32
}

func (r slimEntry) addedAt() time.Time   { return time.Unix(r.addedSec, int64(r.addedNsec)).UTC() }
func (r slimEntry) expiresAt() time.Time { return time.Unix(r.expiresSec, int64(r.expiresNsec)).UTC() }

func (t *slimEntries) slim(e Entry) slimEntry {
	return slimEntry{
		addedSec: e.AddedAt.Unix(), addedNsec: int32(e.AddedAt.Nanosecond()),
		expiresSec: e.ExpiresAt.Unix(), expiresNsec: int32(e.ExpiresAt.Nanosecond()),
		list: t.internField(0, string(e.List)), channel: t.internField(1, string(e.Channel)), tag: t.internField(2, e.Tag),
		reason: t.internField(3, e.Reason), source: t.internField(4, e.Source), campaign: t.internField(5, e.Campaign),
	}
}

// found is entry i, for a Match.
func (t *slimEntries) found(i int32, e164 string) *Entry {
	e := t.entry(i, e164)
	return &e
}

func (t *slimEntries) entry(i int32, e164 string) Entry {
	r := t.rows[i]
	return Entry{
		List: List(t.strs[r.list]), E164: e164, Channel: Channel(t.strs[r.channel]), Tag: t.strs[r.tag],
		Reason: t.strs[r.reason], Source: t.strs[r.source], AddedAt: r.addedAt(),
		Campaign: t.strs[r.campaign], ExpiresAt: r.expiresAt(),
	}
}

// internField is intern for field f of slim.
func (t *slimEntries) internField(f int, s string) uint32 {
	if l := &t.last[f]; l.ok && l.s == s {
		return l.id
	}
	id := t.intern(s)
	t.last[f] = internedString{s: s, id: id, ok: true}
	return id
}

func (t *slimEntries) intern(s string) uint32 {
	if i, ok := t.strIdx[s]; ok {
		return i
	}
	if t.strIdx == nil {
		t.strIdx = map[string]uint32{}
	}
	i := uint32(len(t.strs))
	t.strs = append(t.strs, s)
	t.strIdx[s] = i
	return i
}
