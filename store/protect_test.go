package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/dncctl/dncctl/scrub"
)

const storeKeyText = "store-key-of-the-call-center-0123456789"

// The numbers the protection test adds, and their digits as they would
// appear in the file were they kept in clear.
var protectNumbers = map[string]string{
	"+34612345678": "612345678",   // opt-out, with the number in its evidence
	"+34622223333": "622223333",   // blacklist
	"+34633334444": "633334444",   // whitelist
	"+34644445555": "644445555",   // review queue
	"+34655556666": "655556666",   // removed before protecting
	"+34688112233": "688 112 233", // in a removal's reason
	"+34666667777": "666667777",   // a rejected review
	"+34699001122": "699 001 122", // in a rejection's reason
	"+34611223344": "611 223 344", // in a rejection's reason, after protecting
}

// Protect hashes every number the store holds, and afterwards the store
// works as before given its key, refuses to work by number without it,
// and refuses another key. The file (and its WAL) hold none of the numbers.
func TestProtect(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	key := hashKey(t, storeKeyText)
	mustAdd(t, s, t0,
		Entry{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelAll, Reason: "called back from +34 612 345 678 on 2024-01-15",
			Evidence: "sms from +34612345678: STOP"},
		Entry{List: scrub.ListBlacklist, E164: "+34622223333", Reason: "fraud"},
		Entry{List: scrub.ListBlacklist, E164: "+34803", Prefix: true, Reason: "premium range"},
		Entry{List: scrub.ListWhitelist, E164: "+34633334444", Tag: "vip"},
		Entry{List: scrub.ListOptOut, E164: "+34655556666", Channel: scrub.ChannelSMS},
	)
	if _, err := s.Remove(ctx, scrub.ListOptOut, []string{"+34655556666"}, "", "asked again from 688 112 233", t0, "ana"); err != nil {
		t.Fatal(err)
	}
	rejected, err := s.Flag(ctx, []Review{{E164: "+34666667777", Origin: "sms-reply", Reason: "reply", Evidence: "e"}}, t0, "ana")
	if err != nil || !rejected[0] {
		t.Fatal(err)
	}
	if _, err := s.Reject(ctx, []int64{1}, "wrong person, it is 699 001 122", t0, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Apply(ctx, Changes{Flag: []Review{{E164: "+34644445555", Origin: "sms-reply", Reason: "reply 'no more'", Evidence: "from +34644445555"}}}, t0, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice}); err != nil {
		t.Fatal(err) // writes the index snapshot, which holds the numbers
	}

	sum, err := s.Protect(ctx, key, t0.Add(1))
	if err != nil {
		t.Fatal(err)
	}
	if sum.Entries != 5 || sum.Reviews != 2 || sum.Audit == 0 || sum.OldLastHash == "" {
		t.Errorf("summary = %+v", sum)
	}
	if fp, ok := s.Protected(); !ok || fp != key.Fingerprint() {
		t.Errorf("Protected = %q, %v", fp, ok)
	}
	assertNoNumbers(t, s.Path())
	if _, err := os.Stat(s.snapshotPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the index snapshot is still there: %v", err)
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != sum.Audit+1 {
		t.Errorf("VerifyAudit = %d, %v; want %d records", n, err, sum.Audit+1)
	}

	// Reopened without the key: nothing by number.
	locked, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer locked.Close()
	if _, err := locked.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice}); !errors.Is(err, ErrKeyNeeded) {
		t.Errorf("LoadIndex without the key = %v, want ErrKeyNeeded", err)
	}
	if _, err := locked.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34699999999", Channel: scrub.ChannelAll}}, t0, "x"); !errors.Is(err, ErrKeyNeeded) {
		t.Errorf("Add without the key = %v, want ErrKeyNeeded", err)
	}
	if _, err := locked.Remove(ctx, scrub.ListOptOut, []string{"+34612345678"}, "", "", t0, "x"); !errors.Is(err, ErrKeyNeeded) {
		t.Errorf("Remove without the key = %v, want ErrKeyNeeded", err)
	}
	var wrong *WrongKeyError
	if err := locked.UseKey(hashKey(t, "another-key-0123456789abcdef")); !errors.As(err, &wrong) {
		t.Errorf("UseKey(another key) = %v, want a WrongKeyError", err)
	}
	if n, err := locked.VerifyAudit(ctx); err != nil || n == 0 {
		t.Errorf("VerifyAudit without the key = %d, %v", n, err) // needs no number
	}

	// With the key, everything by number works as before.
	if err := locked.UseKey(key); err != nil {
		t.Fatal(err)
	}
	idx, err := locked.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice})
	if err != nil {
		t.Fatal(err)
	}
	if m := idx.Find("+34612345678"); m.OptOut == nil || strings.Contains(m.OptOut.Reason, "612") {
		t.Errorf("opt-out: %+v", m.OptOut)
	}
	if m := idx.Find("+34622223333"); m.Blacklist == nil || m.Blacklist.Reason != "fraud" {
		t.Errorf("blacklist: %+v", m.Blacklist)
	}
	if m := idx.Find("+34803123456"); m.Blacklist == nil || !m.Blacklist.Prefix {
		t.Errorf("blacklist prefix: %+v", m.Blacklist)
	}
	if m := idx.Find("+34633334444"); m.Whitelist == nil || m.Whitelist.Tag != "vip" {
		t.Errorf("whitelist: %+v", m.Whitelist)
	}
	if m := idx.Find("+34655556666"); m.OptOut != nil {
		t.Errorf("the removed opt-out came back: %+v", m.OptOut)
	}
	if _, ok := idx.Pending("+34644445555"); !ok {
		t.Error("the review queue lost its number")
	}
	if idx, _, err := locked.LoadIndexFor(ctx, scrub.Scope{Channel: scrub.ChannelVoice}, []string{"+34612345678"}); err != nil || idx.Find("+34612345678").OptOut == nil {
		t.Errorf("LoadIndexFor: %v", err)
	}

	// New changes are kept hashed too, and found by number.
	mustAdd(t, locked, t0.Add(2), Entry{List: scrub.ListOptOut, E164: "+34677778888", Channel: scrub.ChannelAll, Evidence: "call to +34677778888"})
	var records int
	if err := locked.Audit(ctx, AuditQuery{E164: "+34677778888"}, func(AuditRecord) error { records++; return nil }); err != nil || records != 1 {
		t.Errorf("Audit by number: %d records, %v", records, err)
	}
	var reviewID int64
	if err := locked.Reviews(ctx, ReviewQuery{Status: ReviewPending}, func(r Review) error { reviewID = r.ID; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := locked.Approve(ctx, []int64{reviewID}, "", t0.Add(3), "ana"); err != nil {
		t.Fatal(err)
	}
	var another []bool
	if another, err = locked.Flag(ctx, []Review{{E164: "+34677778888", Origin: "call-outcome", Reason: "r", Evidence: "e"}}, t0.Add(3), "ana"); err != nil || !another[0] {
		t.Fatal(err)
	}
	var lastID int64
	if err := locked.Reviews(ctx, ReviewQuery{Status: ReviewPending}, func(r Review) error { lastID = r.ID; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := locked.Reject(ctx, []int64{lastID}, "not them: 611 223 344", t0.Add(3), "ana"); err != nil {
		t.Fatal(err)
	}
	if removed, err := locked.Remove(ctx, scrub.ListBlacklist, []string{"+34622223333"}, "", "cleared", t0.Add(4), "ana"); err != nil || removed[0] != 1 {
		t.Errorf("Remove = %v, %v", removed, err)
	}
	idx, err = locked.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice})
	if err != nil {
		t.Fatal(err)
	}
	for n, want := range map[string]bool{"+34677778888": true, "+34644445555": true, "+34622223333": false} {
		m := idx.Find(n)
		if got := m.OptOut != nil || m.Blacklist != nil; got != want {
			t.Errorf("%s suppressed = %v, want %v", n, got, want)
		}
	}
	if _, err := locked.Protect(ctx, key, t0.Add(5)); err != nil {
		t.Errorf("Protect again with the same key: %v", err)
	}
	locked.Close()
	protectNumbers["+34677778888"] = "677778888"
	defer delete(protectNumbers, "+34677778888")
	assertNoNumbers(t, s.Path())
	if n, err := s.VerifyAudit(ctx); err != nil || n == 0 {
		t.Errorf("VerifyAudit = %d, %v", n, err)
	}
}

// assertNoNumbers fails if the store's files hold any of protectNumbers'
// digits.
func assertNoNumbers(t *testing.T, path string) {
	t.Helper()
	for _, p := range []string{path, path + "-wal", path + "-index"} {
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		for n, digits := range protectNumbers {
			if bytes.Contains(b, []byte(digits)) {
				t.Errorf("%s holds %s", p, n)
			}
		}
	}
}

// A key given for a store in clear is refused: whoever gave it believes
// the store is protected.
func TestUseKeyOnClearStore(t *testing.T) {
	s := openTest(t)
	if err := s.UseKey(hashKey(t, storeKeyText)); !errors.Is(err, ErrNotProtected) {
		t.Errorf("UseKey = %v, want ErrNotProtected", err)
	}
}

func TestRedactNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"sms from +34612345678: STOP":            "sms from [number]: STOP",
		"call +34 612 345 678 on 2024-01-15":     "call [number] on 2024-01-15",
		"(612) 345-678, then 0034612345678":      "[number], then [number]",
		"row 12, 2024-01-15 10:30:00, ticket 42": "row 12, 2024-01-15 10:30:00, ticket 42",
		"call 0034-61-23-45678":                  "call [number]",
		"ring 6123-45-678":                       "ring [number]",
		"full-width ６１２３４５６７８":                   "full-width [number]",
		"callback_612345678.csv":                 "callback_[number].csv",
		"certificate sha256 3f5a9c1234567890b1234567890c1234567890d1234567890e1234567890f12": "certificate sha256 3f5a9c1234567890b1234567890c1234567890d1234567890e1234567890f12",
		"": "",
	} {
		if got := redactNumbers(in); got != want {
			t.Errorf("redactNumbers(%q) = %q, want %q", in, got, want)
		}
	}
}

// A broken audit chain is not rehashed: that would hide the edit.
func TestProtectRefusesBrokenAudit(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelAll},
		Entry{List: scrub.ListOptOut, E164: "+34612345679", Channel: scrub.ChannelAll})
	execOn(t, s.Path(), `UPDATE audit SET detail = 'edited' WHERE id = 1`)
	if _, err := s.Protect(ctx, hashKey(t, storeKeyText), t1); !errors.Is(err, ErrAuditBroken) {
		t.Fatalf("Protect = %v, want ErrAuditBroken", err)
	}
	if _, ok := s.Protected(); ok {
		t.Error("the store says it is protected")
	}
	if got := entries(t, s, Query{}); len(got) != 2 || got[0].E164 != "+34612345678" {
		t.Errorf("entries changed: %+v", got)
	}
}

// A command that opened the store before another protected it must not
// go on as if it were in clear: it would write numbers in clear, and miss
// the hashed review queue.
func TestProtectedMeanwhile(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Flag(ctx, []Review{{E164: "+34644445555", Origin: "sms-reply", Reason: "r", Evidence: "e"}}, t0, "ana"); err != nil {
		t.Fatal(err)
	}
	p, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Protect(ctx, hashKey(t, storeKeyText), t1); err != nil {
		t.Fatal(err)
	}
	p.Close()
	for name, try := range map[string]func() error{
		"Add": func() error {
			_, err := s.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34699887766", Channel: scrub.ChannelAll}}, t1, "bob")
			return err
		},
		"Flag": func() error {
			_, err := s.Flag(ctx, []Review{{E164: "+34699887766", Origin: "sms-reply", Reason: "r", Evidence: "e"}}, t1, "bob")
			return err
		},
		"Approve": func() error { _, err := s.Approve(ctx, []int64{1}, "", t1, "bob"); return err },
		"Remove": func() error {
			_, err := s.Remove(ctx, scrub.ListOptOut, []string{"+34699887766"}, "", "", t1, "bob")
			return err
		},
		"LoadIndex": func() error { _, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice}); return err },
		"LoadIndexFor": func() error {
			_, _, err := s.LoadIndexFor(ctx, scrub.Scope{Channel: scrub.ChannelVoice}, []string{"+34644445555"})
			return err
		},
	} {
		if err := try(); !errors.Is(err, ErrProtectedMeanwhile) {
			t.Errorf("%s = %v, want ErrProtectedMeanwhile", name, err)
		}
	}
	b, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b, []byte("699887766")) {
		t.Error("the number was written in clear")
	}
}

// Protecting does not touch what a run's proof rests on: the audit record
// of a run (its certificate's hash) still verifies.
func TestProtectKeepsRunsVerifiable(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var runs []Run
	for range 10 {
		r, err := s.RecordRun(ctx, NewRun{StartedAt: t0, FinishedAt: t0, Version: "x"}, func(id int64) ([]byte, error) {
			return []byte(fmt.Sprintf(`{"run_id":%d}`, id)), nil
		})
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	if _, err := s.Protect(ctx, hashKey(t, storeKeyText), t1); err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if err := s.VerifyRun(ctx, r); err != nil {
			t.Errorf("run %d: %v", r.ID, err)
		}
	}
}

// Two reviews of one number whose evidence differed only in the numbers
// in it are both kept, told apart.
func TestProtectReviewsAlikeOnceRedacted(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Flag(ctx, []Review{
		{E164: "+34644445555", Origin: "reply", Reason: "r", Evidence: "no more, msg 88812345"},
		{E164: "+34644445555", Origin: "reply", Reason: "r", Evidence: "no more, msg 88812399"},
	}, t0, "ana"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Protect(ctx, hashKey(t, storeKeyText), t1); err != nil {
		t.Fatal(err)
	}
	var evidence []string
	if err := s.Reviews(ctx, ReviewQuery{}, func(r Review) error { evidence = append(evidence, r.Evidence); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(evidence) != 2 || evidence[0] == evidence[1] || strings.Contains(strings.Join(evidence, " "), "888") {
		t.Errorf("evidence = %q", evidence)
	}
}
