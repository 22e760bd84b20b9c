package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// reportStore is a store at a path, for commands that open and close it.
func reportStore(t *testing.T) (string, storeOpener) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dnc.db")
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	return path, func(ctx context.Context) (*store.Store, error) { return store.OpenExisting(ctx, path) }
}

func TestReportSince(t *testing.T) {
	now := time.Date(2026, 11, 30, 15, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		in, want string
	}{
		{"30d", "2026-10-31T00:00:00Z"},
		{"1w", "2026-11-23T00:00:00Z"},
		{"2026-11-01", "2026-11-01T00:00:00Z"},
	} {
		got, err := reportSince(tt.in, now)
		if err != nil || got.Format(time.RFC3339) != tt.want {
			t.Errorf("reportSince(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "30", "0d", "2026-13-01"} {
		var usage *usageError
		if _, err := reportSince(bad, now); !errors.As(err, &usage) {
			t.Errorf("reportSince(%q) = %v, want a usage error", bad, err)
		}
	}
}

// Runs are added up by their --source; a failed run (its outputs never
// appeared) and a run before --since are left out.
func TestReportSources(t *testing.T) {
	ctx := context.Background()
	path, open := reportStore(t)
	st, err := store.OpenExisting(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	record := func(at time.Time, source string, c scrub.Counts) int64 {
		t.Helper()
		r, err := st.RecordRun(ctx, store.NewRun{StartedAt: at, FinishedAt: at, Version: "test"}, func(id int64) ([]byte, error) {
			return json.Marshal(certificate{RunID: id, Options: certOptions{Source: source}, Counts: c})
		})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	reasons := func(kv ...any) map[scrub.Reason]int {
		m := map[scrub.Reason]int{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(scrub.Reason)] = kv[i+1].(int)
		}
		return m
	}
	record(at, "vendor-a", scrub.Counts{RowsRead: 10, RowsClean: 4, RowsRejected: 6, Reasons: reasons(
		scrub.ReasonInvalidNumber, 1, scrub.ReasonNoPhone, 1, scrub.ReasonPrecisionLost, 1, scrub.ReasonMalformedRow, 1,
		scrub.ReasonDuplicate, 1, scrub.ReasonKeyword, 1)})
	record(at.Add(time.Hour), "vendor-a", scrub.Counts{RowsRead: 10, RowsClean: 6, RowsRejected: 4, Reasons: reasons(
		scrub.ReasonOptedOut, 1, scrub.ReasonBlacklisted, 2, scrub.ReasonRegistry, 1)})
	failed := record(at.Add(2*time.Hour), "vendor-a", scrub.Counts{RowsRead: 100, RowsClean: 100})
	if err := st.FailRun(ctx, failed, "disk full", at); err != nil {
		t.Fatal(err)
	}
	record(at.AddDate(0, 0, -40), "vendor-b", scrub.Counts{RowsRead: 5, RowsClean: 5})
	record(at, "", scrub.Counts{RowsRead: 3, RowsClean: 3})
	st.Close()

	var out, errOut bytes.Buffer
	opts := &reportOptions{IO: &iostreams{Out: &out, ErrOut: &errOut}, OpenStore: open,
		Now: func() time.Time { return at.AddDate(0, 0, 1) }, Since: "30d", Format: "json"}
	if err := runReportSources(ctx, opts); err != nil {
		t.Fatal(err)
	}
	var got []sourceQuality
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := []sourceQuality{
		{Source: "vendor-a", Runs: 2, RowsRead: 20, RowsClean: 10, CleanPct: 50, RowsRejected: 10, Invalid: 4, InvalidPct: 20,
			Duplicates: 1, DuplicatesPct: 5, OptedOut: 1, OptedOutPct: 5, Blacklisted: 2, BlacklistedPct: 10, Registry: 1, RegistryPct: 5, Other: 1},
		{Source: "(none)", Runs: 1, RowsRead: 3, RowsClean: 3, CleanPct: 100},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("report sources:\n got %+v\nwant %+v", got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr %q", errOut.String())
	}
}

// The nightly jobs' records are added up by UTC day and job.
func TestReportRuns(t *testing.T) {
	ctx := context.Background()
	path, open := reportStore(t)
	st, err := store.OpenExisting(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	for i, f := range []store.NightlyFile{
		{Job: "es", Status: store.NightlyProcessed, At: day, RowsRead: 10, RowsClean: 7, RowsRejected: 3},
		{Job: "es", Status: store.NightlyProcessed, At: day.Add(time.Minute), RowsRead: 5, RowsClean: 5},
		{Job: "es", Status: store.NightlyDuplicate, At: day.Add(2 * time.Minute)},
		{Job: "cn", Status: store.NightlyFailed, At: day, Detail: "no phone column"},
		{Job: "es", Status: store.NightlyRescrubbed, At: day.AddDate(0, 0, 1), RowsRead: 15, RowsClean: 11, RowsRejected: 4},
		{Job: "es", Status: store.NightlyProcessed, At: day.AddDate(0, 0, -10), RowsRead: 1, RowsClean: 1},
	} {
		f.SHA256 = strings.Repeat(string(rune('a'+i)), 64)
		f.Input = "leads.csv"
		if err := st.RecordNightly(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	var out, errOut bytes.Buffer
	opts := &reportOptions{IO: &iostreams{Out: &out, ErrOut: &errOut}, OpenStore: open,
		Now: func() time.Time { return day.AddDate(0, 0, 1) }, Since: "7d", Format: "csv"}
	if err := runReportRuns(ctx, opts); err != nil {
		t.Fatal(err)
	}
	want := `date,job,processed,duplicates_skipped,failed,rescrubbed,rows_read,rows_clean,rows_rejected
2026-11-20,cn,0,0,1,0,0,0,0
2026-11-20,es,2,1,0,0,15,12,3
2026-11-21,es,0,0,0,1,15,11,4
`
	if out.String() != want {
		t.Errorf("report runs --format csv:\n%s\nwant\n%s", out.String(), want)
	}

	out.Reset()
	opts.Format = "table"
	if err := runReportRuns(ctx, opts); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "date ") || strings.Join(strings.Fields(lines[2]), " ") != "2026-11-20 es 2 1 0 0 15 12 3" {
		t.Errorf("report runs table:\n%s", out.String())
	}
}
