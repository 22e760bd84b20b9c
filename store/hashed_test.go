package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dncctl/dncctl/scrub"
)

// printf '%s' '+34612345678' | sha256sum, and the same under HMAC with
// hashKeyText (openssl dgst -sha256 -hmac).
const (
	hashedNumber = "+34612345678"
	hashedSHA256 = "1e41ef79cb1baa05fa88e837a70de6f6ae248454bc8dae474312c0baebe8c7a5"
	hashKeyText  = "partner-shared-key-0123456789abcdef"
	hashedHMAC   = "7ce38ec05ac3c646252fc32bbd14178cde737a76b7e9993f57f5e7aea0aed604"
)

func hashKey(t *testing.T, text string) scrub.HashKey {
	t.Helper()
	k, err := scrub.NewHashKey([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestHashedEntries(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	key := hashKey(t, hashKeyText)
	mustAdd(t, s, t0,
		Entry{List: scrub.ListOptOut, E164: hashedSHA256, Channel: scrub.ChannelAll, Hash: scrub.HashSHA256, Source: "partner-a"},
		Entry{List: scrub.ListBlacklist, E164: hashedHMAC, Hash: scrub.HashHMACSHA256, HashKey: key.Fingerprint(), Source: "partner-b"},
	)
	got := entries(t, s, Query{})
	if len(got) != 2 || got[0].Hash != scrub.HashSHA256 || got[0].HashKey != "" || got[1].Hash != scrub.HashHMACSHA256 || got[1].HashKey != key.Fingerprint() {
		t.Fatalf("entries: %+v", got)
	}
	// The audit log names a hashed entry by kind and hash: never a number.
	var logged []string
	if err := s.Audit(ctx, AuditQuery{}, func(r AuditRecord) error { logged = append(logged, r.E164); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"sha256:" + hashedSHA256, "hmac-sha256:" + hashedHMAC}; strings.Join(logged, " ") != strings.Join(want, " ") {
		t.Errorf("audit e164s = %q, want %q", logged, want)
	}

	// The run's key matches both; without it the load fails, never skips.
	idx, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice}, key)
	if err != nil {
		t.Fatal(err)
	}
	if m := idx.Find(hashedNumber); m.OptOut == nil || m.Blacklist == nil {
		t.Errorf("Find = %+v, want the hashed opt-out and blacklist entry", m)
	}
	for name, keys := range map[string][]scrub.HashKey{"no key": nil, "another key": {hashKey(t, "a-different-key-of-enough-bytes")}} {
		var missing *scrub.MissingKeyError
		if _, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice}, keys...); !errors.As(err, &missing) {
			t.Errorf("%s: LoadIndex = %v, want a MissingKeyError", name, err)
		}
	}

	// Purging an expired hashed entry logs it the same way.
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: strings.Repeat("0", 64), Channel: scrub.ChannelSMS, Hash: scrub.HashSHA256, ExpiresAt: t1})
	if n, err := s.PurgeExpired(ctx, t2, "cron"); err != nil || n != 1 {
		t.Fatalf("PurgeExpired = %d, %v", n, err)
	}
	var last AuditRecord
	s.Audit(ctx, AuditQuery{}, func(r AuditRecord) error { last = r; return nil })
	if last.Action != "purge" || last.E164 != "sha256:"+strings.Repeat("0", 64) {
		t.Errorf("last audit record = %+v", last)
	}
}

// The schema refuses what a hashed entry cannot be. (A whitelist entry can
// be hashed since migration 15: a protected store keeps it so.)
func TestHashedEntriesChecked(t *testing.T) {
	key := hashKey(t, hashKeyText)
	for name, e := range map[string]Entry{
		"not hex":              {List: scrub.ListOptOut, E164: strings.ToUpper(hashedSHA256), Channel: scrub.ChannelAll, Hash: scrub.HashSHA256},
		"a number":             {List: scrub.ListOptOut, E164: hashedNumber, Channel: scrub.ChannelAll, Hash: scrub.HashSHA256},
		"a prefix":             {List: scrub.ListBlacklist, E164: hashedSHA256, Hash: scrub.HashSHA256, Prefix: true},
		"hmac without its key": {List: scrub.ListBlacklist, E164: hashedHMAC, Hash: scrub.HashHMACSHA256},
		"sha256 with a key":    {List: scrub.ListBlacklist, E164: hashedSHA256, Hash: scrub.HashSHA256, HashKey: key.Fingerprint()},
		"unknown kind":         {List: scrub.ListBlacklist, E164: hashedSHA256, Hash: "md5"},
	} {
		if _, err := openTest(t).Add(context.Background(), []Entry{e}, t0, "x"); err == nil {
			t.Errorf("%s: added", name)
		}
	}
}

func TestHashedRegistry(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	changes := func(cs ...RegistryChange) func() (RegistryChange, bool, error) {
		return func() (RegistryChange, bool, error) {
			if len(cs) == 0 {
				return RegistryChange{}, false, nil
			}
			c := cs[0]
			cs = cs[1:]
			return c, true, nil
		}
	}
	other := strings.Repeat("ab", 32)
	n, err := s.StreamHashedRegistry(ctx, "partner", "ES", scrub.HashSHA256, "", true,
		changes(RegistryChange{Hash: strings.ToUpper(hashedSHA256)}, RegistryChange{Hash: other}, RegistryChange{Hash: other}), t0)
	if err != nil || n != 2 {
		t.Fatalf("full import: %d, %v; want 2", n, err)
	}
	if _, err := s.ImportRegistry(ctx, "plain", "ES", true, []RegistryChange{{E164: "+34699111222"}}, t0); err != nil {
		t.Fatal(err)
	}
	find := func(number string) string {
		t.Helper()
		l, err := s.NewRegistryLookup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		name, _, err := l.Find(number)
		if err != nil {
			t.Fatalf("Find(%s): %v", number, err)
		}
		return name
	}
	if got := find(hashedNumber); got != "partner" {
		t.Errorf("Find(%s) = %q, want partner", hashedNumber, got)
	}
	if got := find("+34699111222"); got != "plain" {
		t.Errorf("Find(+34699111222) = %q, want plain", got)
	}

	// A change list keeps the count right, and must be of the registry's kind.
	if n, err = s.StreamHashedRegistry(ctx, "partner", "ES", scrub.HashSHA256, "", false, changes(RegistryChange{Hash: hashedSHA256, Delete: true}), t1); err != nil || n != 1 {
		t.Fatalf("changes: %d, %v; want 1", n, err)
	}
	if got := find(hashedNumber); got != "" {
		t.Errorf("after the delete, Find = %q", got)
	}
	if _, err := s.ImportRegistry(ctx, "partner", "ES", false, []RegistryChange{{E164: hashedNumber}}, t1); !errors.Is(err, ErrRegistryKind) {
		t.Errorf("a plain change list for a hashed registry: %v, want ErrRegistryKind", err)
	}
	regs, err := s.Registries(ctx)
	if err != nil || len(regs) != 2 || regs[0].Name != "partner" || regs[0].Count != 1 {
		t.Fatalf("registries: %+v, %v", regs, err)
	}

	// An HMAC registry is looked up only with its key; a full import may
	// change a registry's kind.
	key := hashKey(t, hashKeyText)
	if _, err := s.StreamHashedRegistry(ctx, "partner", "ES", scrub.HashHMACSHA256, key.Fingerprint(), true, changes(RegistryChange{Hash: hashedHMAC}), t2); err != nil {
		t.Fatal(err)
	}
	l, err := s.NewRegistryLookup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var missing *scrub.MissingKeyError
	if _, _, err := l.Find(hashedNumber); !errors.As(err, &missing) {
		t.Errorf("Find without the key: %v, want a MissingKeyError", err)
	}
	if err := l.UseKeys(hashKey(t, "a-different-key-of-enough-bytes")); !errors.As(err, &missing) || missing.Fingerprint != key.Fingerprint() {
		t.Errorf("UseKeys with another key: %v, want a MissingKeyError", err)
	}
	if err := l.UseKeys(key); err != nil {
		t.Fatal(err)
	}
	if name, _, err := l.Find(hashedNumber); err != nil || name != "partner" {
		t.Errorf("Find with the key = %q, %v; want partner", name, err)
	}
	var c int
	if err := s.db.QueryRow(`SELECT count(*) FROM registry_hashes`).Scan(&c); err != nil || c != 1 {
		t.Errorf("registry_hashes holds %d rows, %v; want 1 (the full import replaced the sha256 hashes)", c, err)
	}
}
