package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// tableOnly opens the store at path a second time, reading the index from
// the table alone: what a snapshot must always agree with.
func tableOnly(t *testing.T, path string) *Store {
	t.Helper()
	ref, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	ref.noSnapshot = true
	t.Cleanup(func() { ref.Close() })
	return ref
}

// sameIndex loads the index of s and of ref in scope and fails unless they
// answer alike for every number in numbers, with the same lists' states.
func sameIndex(t *testing.T, s, ref *Store, scope scrub.Scope, numbers []string, keys ...scrub.HashKey) {
	t.Helper()
	ctx := context.Background()
	got, gotStates, err := s.LoadIndexAndStates(ctx, scope, keys...)
	if err != nil {
		t.Fatalf("load (%s): %v", s.indexSource, err)
	}
	want, wantStates, err := ref.LoadIndexAndStates(ctx, scope, keys...)
	if err != nil {
		t.Fatalf("load from the table: %v", err)
	}
	if !reflect.DeepEqual(gotStates, wantStates) {
		t.Fatalf("scope %+v, from %s: states %+v, from the table %+v", scope, s.indexSource, gotStates, wantStates)
	}
	if got.Len() != want.Len() || got.Suppressions() != want.Suppressions() {
		t.Fatalf("scope %+v, from %s: %d entries (%d suppressing), from the table %d (%d)",
			scope, s.indexSource, got.Len(), got.Suppressions(), want.Len(), want.Suppressions())
	}
	for _, n := range numbers {
		if g, w := got.Find(n), want.Find(n); !reflect.DeepEqual(g, w) {
			t.Fatalf("scope %+v, from %s: Find(%s) = %s, from the table %s", scope, s.indexSource, n, describeMatch(g), describeMatch(w))
		}
	}
}

func token(t *testing.T, s *Store) int64 {
	t.Helper()
	var v int64
	if err := s.db.QueryRow(`SELECT token FROM entries_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A run that reads its index from the snapshot and the entries appended
// since must see what a run reading the table sees, whatever was done to
// the lists in between: additions (new numbers, the same number again
// with a longer expiry, older and newer ones), removals, purges, hashed
// and prefix entries, campaigns, channels and expiry.
func TestIndexSnapshotMatchesTable(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ref := tableOnly(t, s.Path())
	key := hashKey(t, hashKeyText)
	rng := rand.New(rand.NewPCG(7, 11))
	var numbers []string
	for i := range 80 {
		numbers = append(numbers, fmt.Sprintf("+346120%05d", i))
	}
	lookups := append(slices.Clone(numbers), hashedNumber, "+34803123456", "+34803100000")
	entry := func(at time.Time) Entry {
		e := Entry{E164: numbers[rng.IntN(len(numbers))], Source: fmt.Sprintf("file-%d", rng.IntN(3)), Reason: "r" + fmt.Sprint(rng.IntN(4))}
		switch r := rng.IntN(20); {
		case r < 12:
			e.List = scrub.ListOptOut
			e.Channel = []scrub.Channel{scrub.ChannelAll, scrub.ChannelVoice, scrub.ChannelSMS}[rng.IntN(3)]
		case r < 15:
			e.List = scrub.ListBlacklist
		case r < 17:
			e.List, e.Tag = scrub.ListWhitelist, "vip"
		case r < 18:
			e.List, e.E164, e.Prefix = scrub.ListBlacklist, []string{"+34803", "+348031"}[rng.IntN(2)], true
		case r < 19:
			e.List, e.E164, e.Channel, e.Hash = scrub.ListOptOut, hashedSHA256, scrub.ChannelAll, scrub.HashSHA256
		default:
			e.List, e.E164, e.Hash, e.HashKey = scrub.ListBlacklist, hashedHMAC, scrub.HashHMACSHA256, key.Fingerprint()
		}
		if rng.IntN(4) == 0 {
			e.Campaign = []string{"Spring", "autumn"}[rng.IntN(2)]
		}
		if rng.IntN(3) == 0 {
			e.ExpiresAt = at.Add(time.Duration(1+rng.IntN(6)) * time.Hour)
		}
		if rng.IntN(5) == 0 {
			e.Since = at.Add(-time.Duration(rng.IntN(48)) * time.Hour)
		}
		return e
	}
	at := t0
	sources := map[string]int{}
	for step := range 150 {
		at = at.Add(time.Duration(rng.IntN(90)) * time.Minute)
		switch op := rng.IntN(10); {
		case op < 6:
			batch := make([]Entry, 1+rng.IntN(25))
			for i := range batch {
				batch[i] = entry(at)
			}
			if _, err := s.Add(ctx, batch, at, "tester"); err != nil {
				t.Fatalf("step %d: add: %v", step, err)
			}
		case op < 8:
			list := scrub.Lists[rng.IntN(len(scrub.Lists))]
			if _, err := s.Remove(ctx, list, []string{numbers[rng.IntN(len(numbers))], numbers[rng.IntN(len(numbers))]}, "", "test", at, "tester"); err != nil {
				t.Fatalf("step %d: remove: %v", step, err)
			}
		case op < 9:
			if _, err := s.PurgeExpired(ctx, at, "tester"); err != nil {
				t.Fatalf("step %d: purge: %v", step, err)
			}
		}
		for _, scope := range []scrub.Scope{
			{Channel: scrub.ChannelVoice, Now: at},
			{Channel: scrub.ChannelSMS, Campaign: "spring", Now: at.Add(3 * time.Hour)},
			{Channel: scrub.ChannelWhatsApp},
		} {
			sameIndex(t, s, ref, scope, lookups, key)
			if err := s.IndexSnapshotError(); err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			sources[strings.Fields(s.indexSource)[0]]++
		}
	}
	if sources["snapshot"] < 100 || sources["table"] < 10 {
		t.Errorf("index sources %v: the snapshot and the table should both have served many loads", sources)
	}
}

// Appending entries, as every import and add does, leaves the token alone:
// the snapshot stays valid and only the new entries are read from the
// table. Anything else changes it, whoever makes the change.
func TestEntriesVersion(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	many := make([]Entry, 450) // several batched statements
	for i := range many {
		many[i] = Entry{List: scrub.ListOptOut, E164: fmt.Sprintf("+34612%06d", i), Channel: scrub.ChannelAll}
	}
	before := token(t, s)
	mustAdd(t, s, t0, many...)
	if got := token(t, s); got != before {
		t.Fatalf("adding entries changed the token")
	}
	if _, _, err := s.LoadIndexAndStates(ctx, scrub.Scope{Channel: scrub.ChannelVoice}); err != nil {
		t.Fatal(err)
	}
	mustAdd(t, s, t0.Add(time.Hour), Entry{List: scrub.ListBlacklist, E164: "+34699000000"})
	if _, _, err := s.LoadIndexAndStates(ctx, scrub.Scope{Channel: scrub.ChannelVoice}); err != nil {
		t.Fatal(err)
	}
	if got := s.indexSource; got != "snapshot and 1 from the table" {
		t.Errorf("after one addition the index came from %q", got)
	}

	changes := map[string]func(){
		"remove": func() {
			if _, err := s.Remove(ctx, scrub.ListOptOut, []string{many[3].E164}, "", "asked", t0, "tester"); err != nil {
				t.Fatal(err)
			}
		},
		"longer expiry": func() {
			mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34655000000", Channel: scrub.ChannelAll, ExpiresAt: t0.Add(time.Hour)})
			before := token(t, s)
			mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34655000000", Channel: scrub.ChannelAll})
			if token(t, s) == before {
				t.Error("extending an entry left the token alone")
			}
		},
		"purge": func() {
			mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34655000001", Channel: scrub.ChannelAll, ExpiresAt: t0.Add(time.Hour)})
			before := token(t, s)
			if _, err := s.PurgeExpired(ctx, t0.Add(2*time.Hour), "tester"); err != nil {
				t.Fatal(err)
			}
			if token(t, s) == before {
				t.Error("purging left the token alone")
			}
		},
		"hand update": func() { execOn(t, s.Path(), `UPDATE entries SET reason = 'edited' WHERE id = 5`) },
		"hand delete": func() { execOn(t, s.Path(), `DELETE FROM entries WHERE id = 6`) },
		"hand insert below the newest": func() {
			execOn(t, s.Path(), `INSERT INTO entries (id, list, e164, channel, added_at) VALUES (6, 'optout', '+34612999999', 'all', '2024-01-15T09:30:00Z')`)
		},
	}
	changes["an entry already there"] = func() { mustAdd(t, s, t0, many[:10]...) } // skipped, yet like a REPLACE
	for _, name := range []string{"an entry already there", "remove", "longer expiry", "purge", "hand update", "hand delete", "hand insert below the newest"} {
		before := token(t, s)
		changes[name]()
		if token(t, s) == before {
			t.Errorf("%s: token unchanged", name)
		}
	}
	path := s.Path()
	s.Close()
	tokenAt := func() int64 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return token(t, s)
	}
	before = tokenAt()
	if err := recordRestore(ctx, path, Actor{Command: "dncctl db restore"}, t0, "test"); err != nil {
		t.Fatal(err)
	}
	if tokenAt() == before {
		t.Error("a restore left the token alone")
	}
}

// Two copies of one store may append different entries under one token: a
// snapshot of one must not serve the other. Their newest entries may even
// be alike (both imported the same reply log, stamped with the replies'
// times); their audit chains are not.
func TestIndexSnapshotOfAnotherCopy(t *testing.T) {
	replies := []Entry{{List: scrub.ListOptOut, E164: "+34612000009", Channel: scrub.ChannelAll, Source: "sms", Since: t0.Add(-time.Hour)}}
	for name, tail := range map[string][]Entry{"different newest entries": nil, "alike newest entries": replies} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			s := openTest(t)
			mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34612000001", Channel: scrub.ChannelAll})
			copied := backupOf(t, s)
			mustAdd(t, s, t0, append([]Entry{{List: scrub.ListOptOut, E164: "+34612000002", Channel: scrub.ChannelAll}}, tail...)...)
			if _, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice}); err != nil {
				t.Fatal(err)
			}
			path := s.Path()
			s.Close()
			copyFile(t, copied, path)
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// The same ids, at the same second, from the same source: another number.
			mustAdd(t, s, t0, append([]Entry{{List: scrub.ListOptOut, E164: "+34612000003", Channel: scrub.ChannelAll}}, tail...)...)
			idx, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice})
			if err != nil {
				t.Fatal(err)
			}
			if idx.Find("+34612000003").OptOut == nil || idx.Find("+34612000002").OptOut != nil {
				t.Errorf("the copy's index (from %s) holds the other copy's entries", s.indexSource)
			}
		})
	}
}

// A snapshot cut short, altered, or not a snapshot at all is ignored: the
// run reads the table and writes a good one.
func TestIndexSnapshotDamaged(t *testing.T) {
	s := openTest(t)
	ref := tableOnly(t, s.Path())
	var numbers []string
	var batch []Entry
	for i := range 3000 { // a few frames of rows
		n := fmt.Sprintf("+34612%06d", i)
		numbers = append(numbers, n)
		batch = append(batch, Entry{List: scrub.ListOptOut, E164: n, Channel: scrub.ChannelAll, Reason: fmt.Sprintf("reason %d", i)})
	}
	mustAdd(t, s, t0, batch...)
	scope := scrub.Scope{Channel: scrub.ChannelVoice}
	sameIndex(t, s, ref, scope, numbers)
	good, err := os.ReadFile(s.snapshotPath())
	if err != nil {
		t.Fatal(err)
	}
	damaged := map[string][]byte{"empty": nil, "garbage": []byte("not a snapshot at all"), "extra byte": append(slices.Clone(good), 0)}
	for _, n := range []int{4, 8, 12, 40, len(good) / 2, len(good) - 4, len(good) - 1} {
		damaged[fmt.Sprintf("cut at %d", n)] = good[:n]
	}
	for _, at := range []int{0, 9, 20, 200, len(good) / 3, len(good) / 2, len(good) - 30, len(good) - 6, len(good) - 1} {
		b := slices.Clone(good)
		b[at] ^= 0x20
		damaged[fmt.Sprintf("byte %d altered", at)] = b
	}
	for name, b := range damaged {
		if err := os.WriteFile(s.snapshotPath(), b, 0o600); err != nil {
			t.Fatal(err)
		}
		sameIndex(t, s, ref, scope, numbers)
		if got := s.indexSource; got != "table" {
			t.Errorf("%s: index from %s", name, got)
		}
		sameIndex(t, s, ref, scope, numbers)
		if got := s.indexSource; !strings.HasPrefix(got, "snapshot") {
			t.Errorf("%s: the load after did not use the new snapshot (%s)", name, got)
		}
	}

	// A snapshot that cannot be written is said, and costs nothing else.
	if err := os.Remove(s.snapshotPath()); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(s.snapshotPath(), 0o700); err != nil {
		t.Fatal(err)
	}
	sameIndex(t, s, ref, scope, numbers)
	if s.IndexSnapshotError() == nil {
		t.Error("no error for a snapshot that could not be written")
	}
}

// An entry under an HMAC key not given fails the load from a snapshot as it
// does from the table.
func TestIndexSnapshotMissingKey(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	key := hashKey(t, hashKeyText)
	mustAdd(t, s, t0, Entry{List: scrub.ListBlacklist, E164: hashedHMAC, Hash: scrub.HashHMACSHA256, HashKey: key.Fingerprint()})
	if _, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice}, key); err != nil {
		t.Fatal(err)
	}
	_, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice})
	var missing *scrub.MissingKeyError
	if !errors.As(err, &missing) || !strings.HasPrefix(s.indexSource, "snapshot") {
		t.Errorf("load from %s without the key: %v, want a MissingKeyError", s.indexSource, err)
	}
}

// REPLACE deletes the rows it conflicts with without firing delete
// triggers. Made by hand on the newest entry, or on an active entry, it
// must not leave the snapshot holding the old row (found in review: the
// number passed once the old row's expiry had gone by).
func TestIndexSnapshotReplaceByHand(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ref := tableOnly(t, s.Path())
	mustAdd(t, s, t0, Entry{List: scrub.ListWhitelist, E164: "+34612000001", Tag: "vip"},
		Entry{List: scrub.ListOptOut, E164: "+34612000002", Channel: scrub.ChannelAll, ExpiresAt: t0.Add(time.Hour)})
	numbers := []string{"+34612000001", "+34612000002"}
	scope := scrub.Scope{Channel: scrub.ChannelVoice, Now: t0.Add(2 * time.Hour)}
	for _, c := range []struct{ name, stmt string }{
		{"the newest entry (the opt-out) made permanent", `INSERT OR REPLACE INTO entries (id, list, e164, channel, added_at)
			SELECT id, list, e164, channel, added_at FROM entries WHERE id = (SELECT max(id) FROM entries)`},
		{"an active whitelist entry given an expiry", `INSERT OR REPLACE INTO entries (list, e164, channel, tag, added_at, expires_at)
			VALUES ('whitelist', '+34612000001', '', 'vip', '2024-01-15T09:30:00Z', '2024-01-15T10:00:00Z')`},
	} {
		name, stmt := c.name, c.stmt
		sameIndex(t, s, ref, scope, numbers)
		execOn(t, s.Path(), stmt)
		sameIndex(t, s, ref, scope, numbers)
		if t.Failed() {
			t.Fatalf("after %s", name)
		}
	}
	if idx, err := s.LoadIndex(ctx, scope); err != nil || idx.Find("+34612000002").OptOut == nil {
		t.Errorf("the opt-out made permanent by hand is not in the index (from %s): %v", s.indexSource, err)
	}
}

// Entries read after a snapshot are those above its newest id: an id below
// 1, put in by hand, could be missed, so such a store gets no snapshot.
func TestIndexSnapshotIDBelowOne(t *testing.T) {
	s := openTest(t)
	ref := tableOnly(t, s.Path())
	scope := scrub.Scope{Channel: scrub.ChannelVoice}
	sameIndex(t, s, ref, scope, nil) // a snapshot of the empty store
	execOn(t, s.Path(), `INSERT INTO entries (id, list, e164, channel, added_at) VALUES (0, 'optout', '+34612000001', 'all', '2024-01-15T09:30:00Z')`)
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34612000002", Channel: scrub.ChannelAll})
	sameIndex(t, s, ref, scope, []string{"+34612000001", "+34612000002"})
	if got := s.indexSource; got != "table" {
		t.Errorf("with an entry id 0 the index came from %s", got)
	}
}

// An entry too large for a frame makes the snapshot fail, and says so.
func TestIndexSnapshotHugeEntry(t *testing.T) {
	s := openTest(t)
	ref := tableOnly(t, s.Path())
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34612000001", Channel: scrub.ChannelAll, Reason: strings.Repeat("x", maxFrame+1)})
	sameIndex(t, s, ref, scrub.Scope{Channel: scrub.ChannelVoice}, []string{"+34612000001"})
	if s.IndexSnapshotError() == nil {
		t.Error("no error for an entry too large for the snapshot")
	}
}
