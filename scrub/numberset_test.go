package scrub

import (
	"testing"
	"time"
)

func TestNumberKey(t *testing.T) {
	for _, c := range []struct {
		in   string
		key  uint64
		want bool
	}{
		{"+34612345678", 34612345678, true},
		{"+1", 1, true},
		{"+9999999999999999999", 9999999999999999999, true}, // 19 digits: the most a key holds
		{"+99999999999999999999", 0, false},                 // 20
		{"+034612345678", 0, false},                         // a leading zero would collide with +34…
		{"34612345678", 0, false},
		{"+", 0, false},
		{"+3461234567a", 0, false},
		{"", 0, false},
	} {
		key, ok := NumberKey(c.in)
		if ok != c.want || key != c.key {
			t.Errorf("NumberKey(%q) = %d, %v; want %d, %v", c.in, key, ok, c.key, c.want)
		}
	}
}

// The slim sets give back the entries they were given, keep the oldest of
// a number, and keep numbers NumberKey refuses by their text.
func TestNumberSetKeepsOldest(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	old := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	newer := old.Add(time.Hour)
	entries := []Entry{
		{List: ListOptOut, E164: "+34612345678", Channel: ChannelVoice, Reason: "later", Source: "s2", AddedAt: newer},
		{List: ListOptOut, E164: "+34612345678", Channel: ChannelAll, Reason: "first", Source: "s1", AddedAt: old, ExpiresAt: old.Add(24 * time.Hour)},
		{List: ListOptOut, E164: "+34612345678", Channel: ChannelAll, Reason: "same time, read later", AddedAt: old},
		{List: ListWhitelist, E164: "+34612345678", Tag: "vip", AddedAt: old},
		{List: ListBlacklist, E164: "+99999999999999999999", Reason: "too long for a key", AddedAt: old},
	}
	for _, e := range entries {
		if err := idx.Add(e); err != nil {
			t.Fatal(err)
		}
	}
	m := idx.Find("+34612345678")
	if m.OptOut == nil || *m.OptOut != entries[1] {
		t.Errorf("opt-out = %+v, want the oldest, first read: %+v", m.OptOut, entries[1])
	}
	if m.Whitelist == nil || *m.Whitelist != entries[3] {
		t.Errorf("whitelist = %+v, want %+v", m.Whitelist, entries[3])
	}
	if m.Blacklist != nil {
		t.Errorf("blacklist = %+v, want none", m.Blacklist)
	}
	if b := idx.Find("+99999999999999999999").Blacklist; b == nil || *b != entries[4] {
		t.Errorf("blacklist by text = %+v, want %+v", b, entries[4])
	}
	if n := idx.Len(); n != 3 {
		t.Errorf("Len = %d, want 3", n)
	}
}
