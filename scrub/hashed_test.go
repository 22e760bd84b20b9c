package scrub

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The vectors come from outside Go, so the tests do not check crypto/sha256
// against itself:
//
//	printf '%s' '+34612345678' | sha256sum
//	printf '%s' '+34612345678' | openssl dgst -sha256 -hmac 'partner-shared-key-0123456789abcdef'
//	printf '%s' 'partner-shared-key-0123456789abcdef' | sha256sum   (the fingerprint: its first 16 digits)
const (
	vectorNumber      = "+34612345678"
	vectorSHA256      = "1e41ef79cb1baa05fa88e837a70de6f6ae248454bc8dae474312c0baebe8c7a5"
	vectorKey         = "partner-shared-key-0123456789abcdef"
	vectorHMAC        = "7ce38ec05ac3c646252fc32bbd14178cde737a76b7e9993f57f5e7aea0aed604"
	vectorFingerprint = "d195494621f526be"
)

func mustKey(t *testing.T, key string) HashKey {
	t.Helper()
	k, err := NewHashKey([]byte(key))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestHashVectors(t *testing.T) {
	plain, err := NewHasher(HashSHA256, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := plain.Hash(vectorNumber); got != vectorSHA256 {
		t.Errorf("sha256(%s) = %s, want %s", vectorNumber, got, vectorSHA256)
	}
	key := mustKey(t, vectorKey)
	if got := key.Fingerprint(); got != vectorFingerprint {
		t.Errorf("fingerprint = %s, want %s", got, vectorFingerprint)
	}
	keyed, err := NewHasher(HashHMACSHA256, &key)
	if err != nil {
		t.Fatal(err)
	}
	if got := keyed.Hash(vectorNumber); got != vectorHMAC {
		t.Errorf("hmac-sha256(%s) = %s, want %s", vectorNumber, got, vectorHMAC)
	}
	if keyed.Fingerprint() != vectorFingerprint || plain.Fingerprint() != "" {
		t.Errorf("fingerprints: %q, %q", keyed.Fingerprint(), plain.Fingerprint())
	}
}

func TestHasherNeedsTheRightKey(t *testing.T) {
	key := mustKey(t, vectorKey)
	if _, err := NewHasher(HashHMACSHA256, nil); err == nil {
		t.Error("hmac-sha256 without a key: no error")
	}
	if _, err := NewHasher(HashSHA256, &key); err == nil {
		t.Error("sha256 with a key: no error")
	}
	if _, err := NewHashKey([]byte("short")); !errors.Is(err, ErrShortKey) {
		t.Errorf("short key: %v, want ErrShortKey", err)
	}
}

func TestParseHash(t *testing.T) {
	if got, err := ParseHash("  " + strings.ToUpper(vectorSHA256) + " "); err != nil || got != vectorSHA256 {
		t.Errorf("upper case: %q, %v", got, err)
	}
	for _, bad := range []string{"", vectorSHA256[:63], vectorSHA256 + "0", "g" + vectorSHA256[1:], vectorNumber} {
		if got, err := ParseHash(bad); err == nil {
			t.Errorf("ParseHash(%q) = %q, want an error", bad, got)
		}
	}
	for _, s := range []string{"sha256", "HMAC-SHA256"} {
		if _, err := ParseHashKind(s); err != nil {
			t.Errorf("ParseHashKind(%q): %v", s, err)
		}
	}
	if _, err := ParseHashKind("md5"); err == nil {
		t.Error("ParseHashKind(md5): no error")
	}
}

// A hashed opt-out or blacklist entry decides a number exactly as the plain
// entry would: Check is not told which it was.
func TestIndexMatchesHashedEntries(t *testing.T) {
	key := mustKey(t, vectorKey)
	idx := NewIndex(ChannelVoice)
	idx.UseKeys(key)
	mustAdd(t, idx,
		Entry{List: ListOptOut, E164: vectorSHA256, Channel: ChannelAll, Hash: HashSHA256, Reason: "partner", AddedAt: day1},
		// Another channel's hashed opt-out does not apply, as a plain one would not.
		Entry{List: ListOptOut, E164: mustHash(t, HashSHA256, nil, "+34611000002"), Channel: ChannelSMS, Hash: HashSHA256, AddedAt: day1},
		Entry{List: ListBlacklist, E164: mustHash(t, HashHMACSHA256, &key, "+34611000003"), Hash: HashHMACSHA256, HashKey: key.Fingerprint(), AddedAt: day1},
		Entry{List: ListBlacklist, E164: "+34611", Prefix: true, AddedAt: day1},
		Entry{List: ListWhitelist, E164: "+34611000003", Tag: "vip", AddedAt: day1},
	)
	if idx.Suppressions() != 3 {
		t.Errorf("Suppressions = %d, want 3", idx.Suppressions())
	}
	norm := mustNormalizer(t, "ES")
	tests := []struct {
		raw    string
		reason Reason
		detail string
	}{
		{"612 345 678", ReasonOptedOut, "optout (all) via sha256 hash since 2024-03-01T10:00:00Z: partner"},
		{"611 000 002", ReasonBlacklisted, "blacklist prefix +34611"},
		// The exact hashed entry beats the prefix; the whitelist is overridden.
		{"611 000 003", ReasonBlacklisted, "blacklist via hmac-sha256 hash since 2024-03-01T10:00:00Z; overrides whitelist entry (vip)"},
		{"699 000 000", "", ""},
	}
	for _, tt := range tests {
		d := Check(norm, idx, tt.raw)
		if d.Reason != tt.reason || !strings.HasPrefix(d.Detail, tt.detail) {
			t.Errorf("Check(%q) = %s %q, want %s %q…", tt.raw, d.Reason, d.Detail, tt.reason, tt.detail)
		}
	}
}

// The oldest entry is reported, hashed or not, as for plain duplicates.
func TestIndexHashedKeepsOldest(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx,
		Entry{List: ListOptOut, E164: vectorNumber, Channel: ChannelAll, Reason: "plain", AddedAt: day2},
		Entry{List: ListOptOut, E164: vectorSHA256, Channel: ChannelAll, Hash: HashSHA256, Reason: "hashed", AddedAt: day1},
	)
	if m := idx.Find(vectorNumber); m.OptOut == nil || m.OptOut.Reason != "hashed" {
		t.Errorf("Find = %+v, want the older hashed opt-out", m.OptOut)
	}
}

// Fail closed: an HMAC entry whose key the run was not given (or given
// another key) refuses the index rather than passing the number.
func TestIndexRefusesHMACEntryWithoutItsKey(t *testing.T) {
	key := mustKey(t, vectorKey)
	other := mustKey(t, "another-key-of-sixteen-or-more-bytes")
	entry := Entry{List: ListOptOut, E164: vectorHMAC, Channel: ChannelAll, Hash: HashHMACSHA256, HashKey: key.Fingerprint(), AddedAt: day1}
	for name, keys := range map[string][]HashKey{"no key": nil, "wrong key": {other}} {
		idx := NewIndex(ChannelVoice)
		idx.UseKeys(keys...)
		err := idx.Add(entry)
		var missing *MissingKeyError
		if !errors.As(err, &missing) || missing.Fingerprint != vectorFingerprint {
			t.Errorf("%s: Add = %v, want a MissingKeyError for %s", name, err, vectorFingerprint)
		}
	}
	idx := NewIndex(ChannelVoice)
	idx.UseKeys(other, key)
	mustAdd(t, idx, entry)
	if m := idx.Find(vectorNumber); m.OptOut == nil {
		t.Error("the right key: no match")
	}
	// Another campaign's entry does not apply, so it needs no key.
	idx = NewIndex(ChannelVoice)
	entry.Campaign = "brand-b"
	mustAdd(t, idx, entry)
}

func TestIndexRefusesHashedPrefix(t *testing.T) {
	e := Entry{List: ListBlacklist, E164: vectorSHA256, Hash: HashSHA256, Prefix: true}
	if err := NewIndex(ChannelVoice).Add(e); err == nil {
		t.Errorf("Add(%+v): no error", e)
	}
}

// A protected store keeps its whitelist hashed: such an entry marks the
// number as the plain one does, and suppresses nothing.
func TestIndexHashedWhitelist(t *testing.T) {
	key := mustKey(t, vectorKey)
	idx := NewIndex(ChannelVoice)
	idx.UseKeys(key)
	vip := Entry{List: ListWhitelist, E164: vectorHMAC, Tag: "vip", AddedAt: day1, Hash: HashHMACSHA256, HashKey: key.Fingerprint()}
	mustAdd(t, idx, vip)
	if idx.Suppressions() != 0 || idx.Len() != 1 {
		t.Errorf("Suppressions = %d, Len = %d; want 0 and 1", idx.Suppressions(), idx.Len())
	}
	if m := idx.Find(vectorNumber); m.Whitelist == nil || *m.Whitelist != vip {
		t.Errorf("Whitelist = %+v, want %+v", m.Whitelist, vip)
	}
	if d := Check(mustNormalizer(t, "ES"), idx, "612 345 678"); !d.Clean() || d.Priority != "vip" {
		t.Errorf("Check = %+v, want clean with priority vip", d)
	}
}

func mustHash(t *testing.T, kind HashKind, key *HashKey, e164 string) string {
	t.Helper()
	h, err := NewHasher(kind, key)
	if err != nil {
		t.Fatal(err)
	}
	return h.Hash(e164)
}

// A hashed match is the entry as it was added, every field, though the
// index keeps it slim; of two entries for one hash the older is kept,
// whichever comes first.
func TestIndexHashedEntryWhole(t *testing.T) {
	key := mustKey(t, vectorKey)
	hmacSum := mustHash(t, HashHMACSHA256, &key, vectorNumber)
	older := Entry{List: ListOptOut, E164: hmacSum, Channel: ChannelVoice, Reason: "STOP by SMS", Source: "replies.csv",
		AddedAt: day1.Add(1500 * time.Millisecond), Campaign: "spring", ExpiresAt: day2.Add(time.Hour), Hash: HashHMACSHA256, HashKey: key.Fingerprint()}
	newer := older
	newer.Reason, newer.AddedAt = "later", day2
	black := Entry{List: ListBlacklist, E164: vectorSHA256, Reason: "fraud", Source: "legal", AddedAt: day1, Hash: HashSHA256}
	for _, order := range [][]Entry{{older, newer, black}, {newer, older, black}} {
		idx := NewScopedIndex(Scope{Channel: ChannelVoice, Campaign: "Spring", Now: day1})
		idx.UseKeys(key)
		mustAdd(t, idx, order...)
		m := idx.Find(vectorNumber)
		if m.OptOut == nil || *m.OptOut != older {
			t.Errorf("OptOut = %+v, want %+v", m.OptOut, older)
		}
		if m.Blacklist == nil || *m.Blacklist != black {
			t.Errorf("Blacklist = %+v, want %+v", m.Blacklist, black)
		}
		if m := idx.Find("+34612345679"); m.OptOut != nil || m.Blacklist != nil {
			t.Errorf("another number matched: %+v", m)
		}
	}
}

// A hashed entry whose hash is not 64 hex digits is refused, not kept
// under a hash no number has.
func TestIndexRefusesMalformedHash(t *testing.T) {
	for _, h := range []string{"", "abc", strings.Repeat("g", 64), strings.Repeat("a", 63), strings.Repeat("a", 66)} {
		idx := NewIndex(ChannelVoice)
		if err := idx.Add(Entry{List: ListOptOut, E164: h, Channel: ChannelAll, Hash: HashSHA256, AddedAt: day1}); err == nil {
			t.Errorf("Add(hash %q) = nil, want an error", h)
		}
	}
}
