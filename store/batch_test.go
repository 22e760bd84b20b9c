package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dncctl/dncctl/scrub"
)

// Entries are inserted a hundred to a statement, and a large import in
// the order of its numbers: across batch boundaries, with repeats inside a
// batch and numbers already active, each entry must still be reported new
// exactly when it was, and each addition audited once, with the chain
// intact, in the entries' order (by number for a large import).
func TestAddInBatches(t *testing.T) {
	for _, size := range []int{350, bulkImport + 350} {
		t.Run(fmt.Sprint(size), func(t *testing.T) { testAddInBatches(t, size) })
	}
}

func testAddInBatches(t *testing.T, size int) {
	ctx := context.Background()
	s := openTest(t)
	distinct := size * 3 / 4 // a quarter of the entries repeat a number, some in one batch, some in two
	active := fmt.Sprintf("+346%08d", (150*7919)%distinct)
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: active, Channel: scrub.ChannelAll})
	var es []Entry
	var want []bool
	seen := map[string]bool{active: true}
	for i := range size {
		n := fmt.Sprintf("+346%08d", (i%distinct*7919)%distinct) // not in order
		es = append(es, Entry{List: scrub.ListOptOut, E164: n, Channel: scrub.ChannelAll})
		want = append(want, !seen[n])
		seen[n] = true
	}
	added, err := s.Add(ctx, es, t0.Add(1), "ana")
	if err != nil {
		t.Fatal(err)
	}
	newOnes := 0
	var wantOrder []string
	for i := range es {
		if added[i] != want[i] {
			t.Errorf("entry %d (%s): added = %v, want %v", i, es[i].E164, added[i], want[i])
		}
		if want[i] {
			newOnes++
			wantOrder = append(wantOrder, es[i].E164)
		}
	}
	if size > bulkImport {
		slices.Sort(wantOrder)
	}
	wantOrder = append([]string{active}, wantOrder...)
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1+newOnes {
		t.Errorf("audit has %d records, want %d", n, 1+newOnes)
	}
	var order []string
	if err := s.Audit(ctx, AuditQuery{}, func(r AuditRecord) error { order = append(order, r.E164); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(order, " ") != strings.Join(wantOrder, " ") {
		t.Errorf("audit order differs from the entries' order")
	}
	got := entries(t, s, Query{})
	if len(got) != 1+newOnes {
		t.Errorf("%d entries in the store, want %d", len(got), 1+newOnes)
	}
}

// An entry the schema refuses fails the whole add, named, and leaves
// nothing behind: not the entries before it in its batch, not the earlier
// batches.
func TestAddInBatchesRefusedEntry(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var es []Entry
	for i := range 150 {
		es = append(es, Entry{List: scrub.ListOptOut, E164: fmt.Sprintf("+34600000%03d", i), Channel: scrub.ChannelAll})
	}
	es[120].Channel = "pigeon"
	_, err := s.Add(ctx, es, t0, "ana")
	if err == nil || !strings.Contains(err.Error(), "add +34600000120 to optout") {
		t.Fatalf("err = %v, want it to name +34600000120", err)
	}
	if got := entries(t, s, Query{}); len(got) != 0 {
		t.Errorf("%d entries left after a failed add", len(got))
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 0 {
		t.Errorf("audit: %d records, %v; want none", n, err)
	}
}

// An entry at SQLite's largest id (a hand edit, a restored or hostile
// store) makes SQLite number new rows at random: an import must still
// report and audit exactly the entries it added.
func TestAddAfterLargestID(t *testing.T) {
	ctx := context.Background()
	for trial := range 10 {
		s := openTest(t)
		execOn(t, s.Path(), `INSERT INTO entries (id, list, e164, channel, added_at) VALUES (9223372036854775807, 'optout', '+34699999999', 'all', '2026-01-01T00:00:00Z')`)
		var es []Entry
		for i := range 200 {
			es = append(es, Entry{List: scrub.ListOptOut, E164: fmt.Sprintf("+346%08d", i), Channel: scrub.ChannelAll})
		}
		es[150].E164 = "+34699999999" // already active, in the second batch
		added, err := s.Add(ctx, es, t0, "x")
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		var rows, adds int
		if err := s.db.QueryRow(`SELECT count(*) FROM entries`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if err := s.db.QueryRow(`SELECT count(*) FROM audit WHERE action = 'add'`).Scan(&adds); err != nil {
			t.Fatal(err)
		}
		for i, a := range added {
			if a == (i == 150) {
				t.Fatalf("trial %d: added[%d] = %v", trial, i, a)
			}
		}
		if rows != 200 || adds != 199 {
			t.Fatalf("trial %d: %d rows and %d add records, want 200 and 199", trial, rows, adds)
		}
	}
}
