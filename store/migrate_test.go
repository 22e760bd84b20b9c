package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// A store made by the first dncctl (schema version 1) opens with this one:
// migrated in place, its entries kept and still applied.
func TestUpgradeFromVersion1(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	oldStore(t, path, 1, `INSERT INTO entries (list, e164, channel, reason, source, added_at, added_by)
		 VALUES ('optout', '+34612345678', 'all', 'asked', 'customer', '2026-01-02T03:04:05Z', 'ana')`)

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version < 2 {
		t.Fatalf("user_version = %d, %v; want 2 or more", version, err)
	}
	idx, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice, Campaign: "spring", Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if m := idx.Find("+34612345678"); m.OptOut == nil || m.OptOut.Reason != "asked" {
		t.Fatalf("the old opt-out does not apply after the upgrade: %+v", m)
	}
	// The new columns work on the upgraded store.
	added, err := s.Add(ctx, []Entry{{List: scrub.ListBlacklist, E164: "+34803", Prefix: true, Campaign: "spring", ExpiresAt: time.Now().Add(time.Hour)}}, time.Now(), "ana")
	if err != nil || !added[0] {
		t.Fatalf("Add on the upgraded store: %v, %v", added, err)
	}
}

func TestPurgeExpiredAndExpiring(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	_, err = s.Add(ctx, []Entry{
		{List: scrub.ListOptOut, E164: "+34600000001", Channel: scrub.ChannelAll, ExpiresAt: now.Add(24 * time.Hour)},
		{List: scrub.ListOptOut, E164: "+34600000002", Channel: scrub.ChannelAll, ExpiresAt: now.Add(60 * 24 * time.Hour)},
		{List: scrub.ListOptOut, E164: "+34600000003", Channel: scrub.ChannelAll},
	}, now, "ana")
	if err != nil {
		t.Fatal(err)
	}
	var due []string
	if err := s.Entries(ctx, Query{ExpiringBy: now.Add(30 * 24 * time.Hour)}, func(e Entry) error {
		due = append(due, e.E164)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0] != "+34600000001" {
		t.Errorf("due within 30 days: %q", due)
	}
	if n, err := s.PurgeExpired(ctx, now, "ana"); err != nil || n != 0 {
		t.Errorf("purge before any expiry: %d, %v", n, err)
	}
	if n, err := s.PurgeExpired(ctx, now.Add(48*time.Hour), "cron"); err != nil || n != 1 {
		t.Fatalf("purge two days later: %d, %v; want 1", n, err)
	}
	var removed []Entry
	s.Entries(ctx, Query{IncludeRemoved: true}, func(e Entry) error {
		if !e.Active() {
			removed = append(removed, e)
		}
		return nil
	})
	if len(removed) != 1 || removed[0].E164 != "+34600000001" || removed[0].RemovedReason != "expired" || removed[0].RemovedBy != "cron" {
		t.Errorf("purged entries on record: %+v", removed)
	}
}
