package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dncctl/dncctl/scrub"
)

// Entries are inserted a hundred to a statement: across batch boundaries,
// with repeats inside a batch and numbers already active, each entry must
// still be reported new exactly when it was, and each addition audited
// once, in order, with the chain intact.
func TestAddInBatches(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: "+34600000150", Channel: scrub.ChannelAll})
	var es []Entry
	var want []bool
	seen := map[string]bool{"+34600000150": true}
	for i := range 350 {
		n := fmt.Sprintf("+34600000%03d", i%260) // 90 numbers come twice, some in one batch, some in two
		es = append(es, Entry{List: scrub.ListOptOut, E164: n, Channel: scrub.ChannelAll})
		want = append(want, !seen[n])
		seen[n] = true
	}
	added, err := s.Add(ctx, es, t0.Add(1), "ana")
	if err != nil {
		t.Fatal(err)
	}
	newOnes := 0
	for i := range es {
		if added[i] != want[i] {
			t.Errorf("entry %d (%s): added = %v, want %v", i, es[i].E164, added[i], want[i])
		}
		if want[i] {
			newOnes++
		}
	}
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
	var wantOrder []string
	wantOrder = append(wantOrder, "+34600000150")
	for i, e := range es {
		if want[i] {
			wantOrder = append(wantOrder, e.E164)
		}
	}
	if strings.Join(order, " ") != strings.Join(wantOrder, " ") {
		t.Errorf("audit order differs from the entries' order")
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
