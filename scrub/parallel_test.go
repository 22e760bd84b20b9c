package scrub

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dncctl/dncctl/importers"
)

// scrubbed is all a run wrote and counted.
type scrubbed struct {
	clean, later, rejected [][]string
	sum                    *Summary
	ticks                  int
	err                    error
}

// scrubInputs scrubs inputs, made afresh, in one run with d. With later,
// the clean rows without a whitelisted number go to their own sink
// (--whitelist-first).
func scrubInputs(ctx context.Context, d *Decider, inputs func() []Input, later bool) scrubbed {
	var clean, laterRows, rejected sliceSink
	out := scrubbed{sum: NewSummary()}
	for _, in := range inputs() {
		if later {
			in.Later = &laterRows
		}
		if out.err = d.Scrub(ctx, in, &clean, &rejected, out.sum, func() { out.ticks++ }); out.err != nil {
			break
		}
	}
	out.clean, out.later, out.rejected = clean.rows, laterRows.rows, rejected.rows
	return out
}

// sameScrub fails t unless got is what want wrote and counted.
func sameScrub(t *testing.T, got, want scrubbed) {
	t.Helper()
	for _, c := range []struct {
		name      string
		got, want [][]string
	}{{"clean", got.clean, want.clean}, {"later", got.later, want.later}, {"rejected", got.rejected, want.rejected}} {
		if len(c.got) != len(c.want) {
			t.Errorf("%d %s rows, want %d", len(c.got), c.name, len(c.want))
		}
		for i := range min(len(c.got), len(c.want)) {
			if !reflect.DeepEqual(c.got[i], c.want[i]) {
				t.Errorf("%s row %d:\n got %q\nwant %q", c.name, i, c.got[i], c.want[i])
				break
			}
		}
	}
	if !reflect.DeepEqual(got.sum, want.sum) {
		t.Errorf("summary:\n got %+v\nwant %+v", got.sum, want.sum)
	}
	if got.ticks != want.ticks {
		t.Errorf("progress called %d times, want %d", got.ticks, want.ticks)
	}
	if !errors.Is(got.err, want.err) {
		t.Errorf("Scrub = %v, want %v", got.err, want.err)
	}
}

// parallelRuns are the ways of spreading a run over workers that must not
// change what it writes: tiny batches interleave the most.
var parallelRuns = []struct{ workers, batchRows int }{{4, 7}, {3, 1}, {0, 0}}

// Workers change nothing in what a scrub writes or counts: not the clean
// rows or their order, not the rejection lines, not which of two rows with
// one number is the DUPLICATE (the first wins, across files too).
func TestScrubParallelSameAsSequential(t *testing.T) {
	n := 50_000
	switch {
	case raceEnabled:
		n = 1_000
	case testing.Short():
		n = 10_000
	}
	g := generateLeads(n)
	inputs := func() []Input {
		// The second file repeats the first's first rows: DUPLICATE across files.
		again := genLeads{header: g.header, rows: g.rows[:n/10]}
		return []Input{
			{Name: "leads.csv", Source: g.source(), PhoneColumns: genPhoneColumns, RegionColumn: &genRegionColumn},
			{Name: "leads.xlsx", Sheet: "Sheet1", Source: again.source(), PhoneColumns: genPhoneColumns, RegionColumn: &genRegionColumn},
		}
	}
	for _, rules := range []bool{false, true} {
		newDecider := func() *Decider {
			idx := g.index()
			d := NewDecider(mustNormalizer(t, "ES"), idx)
			if rules {
				idx.AllowPending()
				d.Policies, d.At, d.CallableAt, d.Registries, d.StrictRegion = genPolicies(), genAt, true, g.registry, true
			}
			return d
		}
		t.Run(fmt.Sprintf("rules=%t", rules), func(t *testing.T) {
			seq := newDecider()
			seq.Workers = 1
			want := scrubInputs(context.Background(), seq, inputs, rules)
			if want.err != nil {
				t.Fatal(want.err)
			}
			if want.sum.Reasons[ReasonDuplicate] == 0 || want.sum.RowsClean == 0 || len(want.rejected) < n/10 {
				t.Fatalf("the generated leads do not test much: %+v", want.sum.Counts)
			}
			for _, p := range parallelRuns {
				t.Run(fmt.Sprintf("workers=%d/batch=%d", p.workers, p.batchRows), func(t *testing.T) {
					d := newDecider()
					d.Workers, d.batchRows = p.workers, p.batchRows
					var batches *batchingRegistry
					if rules {
						batches = &batchingRegistry{genRegistry: g.registry}
						d.Registries = batches
					}
					sameScrub(t, scrubInputs(context.Background(), d, inputs, rules), want)
					if batches != nil && p.workers > 1 && p.batchRows > 1 && batches.batches.Load() == 0 {
						t.Error("the workers never looked up a batch of numbers at once")
					}
					if batches != nil && batches.outside.Load() > 0 {
						t.Errorf("%d numbers were looked up outside the batch they were checked in", batches.outside.Load())
					}
				})
			}
		})
	}
}

// The sample lead files, a CSV and a workbook (whose phone cells are read
// from the stored values), scrubbed in one run as the CLI reads them.
func TestScrubParallelSample(t *testing.T) {
	dir := filepath.Join("..", "testdata", "sample")
	norm := mustNormalizer(t, "ES")
	idx := NewIndex(ChannelVoice)
	for _, l := range []struct {
		file    string
		list    List
		channel Channel
	}{
		{"optouts.txt", ListOptOut, ChannelAll},
		{"optouts-sms.txt", ListOptOut, ChannelSMS},
		{"blacklist.csv", ListBlacklist, ""},
		{"whitelist.csv", ListWhitelist, ""},
	} {
		for _, row := range readSample(t, filepath.Join(dir, l.file)) {
			num, err := norm.Normalize(row[0])
			if err != nil {
				t.Fatalf("%s: %q: %v", l.file, row[0], err)
			}
			tag := ""
			if l.list == ListWhitelist && len(row) > 1 {
				tag = row[1]
			}
			mustAdd(t, idx, Entry{List: l.list, E164: num.E164, Channel: l.channel, Tag: tag, AddedAt: day1})
		}
	}
	var closers []func() error
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	inputs := func() []Input {
		var ins []Input
		for _, name := range []string{"leads.csv", "leads.xlsx"} {
			r, err := importers.Open(filepath.Join(dir, name), importers.Options{})
			if err != nil {
				t.Fatal(err)
			}
			closers = append(closers, r.Close)
			src, _, err := LocateHeader(r, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := FindPhoneColumns(src.Header(), nil)
			if err != nil {
				t.Fatal(err)
			}
			ins = append(ins, Input{Name: name, Source: src, PhoneColumns: cols})
		}
		return ins
	}
	seq := NewDecider(norm, idx)
	seq.Workers = 1
	want := scrubInputs(context.Background(), seq, inputs, false)
	if want.err != nil || want.sum.RowsRead != 500 || want.sum.Reasons[ReasonDuplicate] == 0 {
		t.Fatalf("sequential scrub of the sample: %v, %+v", want.err, want.sum.Counts)
	}
	for _, p := range parallelRuns {
		d := NewDecider(norm, idx)
		d.Workers, d.batchRows = p.workers, p.batchRows
		sameScrub(t, scrubInputs(context.Background(), d, inputs, false), want)
	}
}

// readSample reads a sample list's rows past its header, or its lines.
func readSample(t *testing.T, path string) [][]string {
	t.Helper()
	r, err := importers.Open(path, importers.Options{TextAsLines: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var rows [][]string
	for {
		fields, _, err := r.Next()
		if err != nil {
			break
		}
		rows = append(rows, fields)
	}
	return rows
}

// failingSink fails its write number failAt (from 1).
type failingSink struct {
	sliceSink
	writes, failAt int
}

var errSink = errors.New("disk full")

func (s *failingSink) Write(fields []string) error {
	if s.writes++; s.writes == s.failAt {
		return errSink
	}
	return s.sliceSink.Write(fields)
}

// An error midway (the source's, a sink's, a cancelled context) ends a
// parallel scrub as it ends one without workers: the same error, the same
// rows written before it, and no goroutine left behind.
func TestScrubParallelStops(t *testing.T) {
	n := 3000
	if raceEnabled {
		n = 400
	}
	g := generateLeads(n)
	errSource := errors.New("bad gzip")
	in := func(src *sliceSource) Input {
		return Input{Name: "leads.csv", Source: src, PhoneColumns: genPhoneColumns, RegionColumn: &genRegionColumn}
	}
	type outcome struct {
		clean, rejected [][]string
		ticks           int
		err             error
	}
	cases := []struct {
		name string
		run  func(d *Decider) outcome
	}{
		{"source fails", func(d *Decider) outcome {
			src := g.source()
			src.err, src.errAt = errSource, n*2/5
			var clean, rejected sliceSink
			ticks := 0
			err := d.Scrub(context.Background(), in(src), &clean, &rejected, NewSummary(), func() { ticks++ })
			return outcome{clean.rows, rejected.rows, ticks, err}
		}},
		{"clean sink fails", func(d *Decider) outcome {
			clean, rejected := &failingSink{failAt: n / 4}, &sliceSink{}
			ticks := 0
			err := d.Scrub(context.Background(), in(g.source()), clean, rejected, NewSummary(), func() { ticks++ })
			return outcome{clean.rows, rejected.rows, ticks, err}
		}},
		{"rejected sink fails", func(d *Decider) outcome {
			clean, rejected := &sliceSink{}, &failingSink{failAt: n / 6}
			ticks := 0
			err := d.Scrub(context.Background(), in(g.source()), clean, rejected, NewSummary(), func() { ticks++ })
			return outcome{clean.rows, rejected.rows, ticks, err}
		}},
		{"cancelled", func(d *Decider) outcome {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var clean, rejected sliceSink
			ticks := 0
			progress := func() {
				if ticks++; ticks == n/2 {
					cancel()
				}
			}
			err := d.Scrub(ctx, in(g.source()), &clean, &rejected, NewSummary(), progress)
			return outcome{clean.rows, rejected.rows, ticks, err}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			seq := NewDecider(mustNormalizer(t, "ES"), g.index())
			seq.Workers = 1
			want := c.run(seq)
			if want.err == nil {
				t.Fatal("the sequential scrub did not fail")
			}
			for _, p := range parallelRuns {
				before := runtime.NumGoroutine()
				d := NewDecider(mustNormalizer(t, "ES"), g.index())
				d.Workers, d.batchRows = p.workers, p.batchRows
				got := c.run(d)
				if !errors.Is(got.err, want.err) {
					t.Errorf("workers=%d: Scrub = %v, want %v", p.workers, got.err, want.err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("workers=%d batch=%d: wrote %d clean, %d rejected, %d ticks; without workers %d, %d, %d",
						p.workers, p.batchRows, len(got.clean), len(got.rejected), got.ticks, len(want.clean), len(want.rejected), want.ticks)
				}
				noLeak(t, before)
			}
		})
	}
}

// slowRegistry takes its time to find nothing, as a registry on a slow disk.
type slowRegistry struct{}

func (slowRegistry) Find(string) (string, string, error) {
	time.Sleep(2 * time.Millisecond)
	return "", "", nil
}

// A cancelled scrub returns at once, though the numbers of many rows are
// still to check.
func TestScrubParallelCancelIsPrompt(t *testing.T) {
	g := generateLeads(1000)
	before := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	d := NewDecider(mustNormalizer(t, "ES"), g.index())
	d.Workers, d.batchRows, d.Registries = 2, 100, slowRegistry{}
	var clean, rejected sliceSink
	var cancelled time.Time
	progress := func() {
		if cancelled.IsZero() {
			cancel()
			cancelled = time.Now()
		}
	}
	err := d.Scrub(ctx, Input{Name: "leads.csv", Source: g.source(), PhoneColumns: genPhoneColumns}, &clean, &rejected, NewSummary(), progress)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scrub = %v, want context.Canceled", err)
	}
	// The batches in flight hold 400 rows more, a second of lookups.
	if took := time.Since(cancelled); took > 100*time.Millisecond {
		t.Errorf("Scrub returned %v after the cancellation", took)
	}
	noLeak(t, before)
}

// noLeak fails t if more goroutines run than before, once those that were
// ending have had time to.
func noLeak(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines left running, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// panickyRegistry panics on one number, as a bug would.
type panickyRegistry struct{}

func (panickyRegistry) Find(e164 string) (string, string, error) {
	if e164 == "+34612345679" {
		panic("bug")
	}
	return "", "", nil
}

// A panic on a worker reaches the caller of Scrub, who may recover it (the
// CLI does), and leaves no goroutine behind.
func TestScrubParallelPanic(t *testing.T) {
	rows := make([][]string, 100)
	for i := range rows {
		rows[i] = []string{fmt.Sprintf("6123456%02d", i)}
	}
	before := runtime.NumGoroutine()
	d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
	d.Workers, d.batchRows, d.Registries = 3, 4, panickyRegistry{}
	var clean, rejected sliceSink
	func() {
		defer func() {
			if r := recover(); r != "bug" {
				t.Errorf("recovered %v, want the worker's panic", r)
			}
		}()
		d.Scrub(context.Background(), Input{Name: "a.csv", Source: newSource([]string{"phone"}, rows...), PhoneColumns: []int{0}}, &clean, &rejected, NewSummary(), nil)
		t.Error("Scrub returned")
	}()
	// Row 79 panics: the batches before its own are written.
	if len(clean.rows) != 76 {
		t.Errorf("%d rows written before the panic, want 76", len(clean.rows))
	}
	noLeak(t, before)
}

// batchingRegistry is genRegistry able to look up batches: a batch's
// lookup answers for its numbers, and counts those it was not given.
type batchingRegistry struct {
	genRegistry
	batches, outside atomic.Int64
}

func (r *batchingRegistry) Batch(numbers []string) (RegistryLookup, error) {
	r.batches.Add(1)
	in := map[string]bool{}
	for _, n := range numbers {
		in[n] = true
	}
	return batchOf{r: r, in: in}, nil
}

type batchOf struct {
	r  *batchingRegistry
	in map[string]bool
}

func (b batchOf) Find(e164 string) (string, string, error) {
	if !b.in[e164] {
		b.r.outside.Add(1)
	}
	return b.r.genRegistry.Find(e164)
}
