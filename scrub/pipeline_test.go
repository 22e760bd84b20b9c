package scrub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sliceSource is a Source over rows in memory; the header is row 1.
type sliceSource struct {
	header []string
	rows   [][]string
	next   int
	err    error // returned instead of the row at errAt
	errAt  int
}

func newSource(header []string, rows ...[]string) *sliceSource {
	return &sliceSource{header: header, rows: rows, errAt: -1}
}

func (s *sliceSource) Header() []string { return s.header }

func (s *sliceSource) Next() ([]string, int, error) {
	if s.next == s.errAt {
		return nil, 0, s.err
	}
	if s.next >= len(s.rows) {
		return nil, 0, io.EOF
	}
	s.next++
	return s.rows[s.next-1], s.next + 1, nil
}

// sliceSink keeps copies of the rows written to it.
type sliceSink struct {
	rows [][]string
	err  error
}

func (s *sliceSink) Write(fields []string) error {
	if s.err != nil {
		return s.err
	}
	s.rows = append(s.rows, slices.Clone(fields))
	return nil
}

func testIndex(t *testing.T) *Index {
	t.Helper()
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx,
		Entry{List: ListBlacklist, E164: "+34611000001", Reason: "fraud", AddedAt: day1},
		Entry{List: ListOptOut, E164: "+34611000002", Channel: ChannelVoice, Reason: "asked on call", AddedAt: day1},
		Entry{List: ListOptOut, E164: "+34611000003", Channel: ChannelSMS, Reason: "replied STOP", AddedAt: day1},
		Entry{List: ListWhitelist, E164: "+34611000004", Tag: "vip", AddedAt: day1},
	)
	return idx
}

func TestScrubMixed(t *testing.T) {
	header := []string{"id", "name", "Teléfono", "city"}
	src := newSource(header,
		[]string{"1", "Ana", "612 345 678", "Madrid"},           // row 2: clean
		[]string{"2", "Bea", "", "Sevilla"},                     // row 3: NO_PHONE
		[]string{"3", "Carlos", "abc", "Bilbao"},                // row 4: INVALID_NUMBER
		[]string{"4", "Dani", "611 000 001", "Vigo"},            // row 5: BLACKLISTED
		[]string{"5", "Eva", "+34 611 000 002", "León"},         // row 6: OPTED_OUT (voice)
		[]string{"6", "Fer", "611000003"},                       // row 7: clean (opted out of SMS only), short row
		[]string{"7", "Gil", "0034 612 345 678", "Cádiz"},       // row 8: DUPLICATE of row 2
		[]string{"8", "Hugo", "611 000 004", "Soria", "", ""},   // row 9: clean, whitelisted; empty extra fields
		[]string{"9", "Inés", "611 000 001", "Lugo"},            // row 10: BLACKLISTED again
		[]string{"10", "Juan", "612 345 678 ext. 7", "Toledo"},  // row 11: DUPLICATE of row 2 despite the extension
		[]string{"11", "Kike", "41 234 5678", "Ávila"},          // row 12: INVALID_NUMBER
		[]string{"12", "Lola", "+86 138 0013 8000", "Shanghai"}, // row 13: clean, foreign
	)
	var clean, rejected sliceSink
	sum := NewSummary()
	col, err := findPhoneColumn(header, "")
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecider(mustNormalizer(t, "ES"), testIndex(t))
	ticks := 0
	if err := d.Scrub(context.Background(), Input{Name: "a.csv", Source: src, PhoneColumns: []int{col}}, &clean, &rejected, sum, func() { ticks++ }); err != nil {
		t.Fatalf("Scrub: %v", err)
	}

	wantClean := [][]string{
		{"1", "Ana", "612 345 678", "Madrid", "+34612345678", "mobile", "ES", "", "Europe/Madrid", ""},
		{"6", "Fer", "611000003", "", "+34611000003", "mobile", "ES", "", "Europe/Madrid", ""},
		{"8", "Hugo", "611 000 004", "Soria", "+34611000004", "mobile", "ES", "vip", "Europe/Madrid", ""},
		{"12", "Lola", "+86 138 0013 8000", "Shanghai", "+8613800138000", "mobile", "CN", "", "Asia/Shanghai", ""},
	}
	if !reflect.DeepEqual(clean.rows, wantClean) {
		t.Errorf("clean rows:\n got %q\nwant %q", clean.rows, wantClean)
	}
	wantRejected := []struct {
		row, raw, e164 string
		reason         Reason
		detail         string
	}{
		{"3", "", "", ReasonNoPhone, "phone cell is empty"},
		{"4", "abc", "", ReasonInvalidNumber, "not a phone number"},
		{"5", "611 000 001", "+34611000001", ReasonBlacklisted, "blacklist since 2024-03-01T10:00:00Z: fraud"},
		{"6", "+34 611 000 002", "+34611000002", ReasonOptedOut, "optout (voice) since 2024-03-01T10:00:00Z: asked on call"},
		{"8", "0034 612 345 678", "+34612345678", ReasonDuplicate, "same number as a.csv row 2"},
		{"10", "611 000 001", "+34611000001", ReasonBlacklisted, "blacklist since 2024-03-01T10:00:00Z: fraud"},
		{"11", "612 345 678 ext. 7", "+34612345678", ReasonDuplicate, "same number as a.csv row 2"},
		{"12", "41 234 5678", "", ReasonInvalidNumber, "not a valid number in ES (+34)"},
	}
	if len(rejected.rows) != len(wantRejected) {
		t.Fatalf("%d rejected rows, want %d:\n%q", len(rejected.rows), len(wantRejected), rejected.rows)
	}
	for i, w := range wantRejected {
		got := rejected.rows[i]
		row := src.rows[mustAtoi(t, w.row)-2]
		want := append([]string{"a.csv", w.row, "Teléfono", w.raw, w.e164, string(w.reason), w.detail, OutcomeDropped}, fitTo(row, len(header))...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("rejected row %d:\n got %q\nwant %q", i, got, want)
		}
	}
	if n := len(rejected.rows[0]); n != len(RejectedHeader(header, false)) {
		t.Errorf("rejected rows have %d fields, the rejected header %d", n, len(RejectedHeader(header, false)))
	}
	if n := len(clean.rows[0]); n != len(CleanHeader(header)) {
		t.Errorf("clean rows have %d fields, the clean header %d", n, len(CleanHeader(header)))
	}

	// Every row read is in exactly one output, and the summary says so.
	if got := len(clean.rows) + len(rejected.rows); got != len(src.rows) {
		t.Errorf("%d clean + %d rejected rows for %d rows in", len(clean.rows), len(rejected.rows), len(src.rows))
	}
	if ticks != len(src.rows) {
		t.Errorf("progress called %d times, want %d", ticks, len(src.rows))
	}
	wantReasons := map[Reason]int{ReasonNoPhone: 1, ReasonInvalidNumber: 2, ReasonPrecisionLost: 0, ReasonMalformedRow: 0, ReasonBlacklisted: 2, ReasonOptedOut: 1, ReasonRegionMismatch: 0, ReasonDuplicate: 2}
	if sum.RowsRead != 12 || sum.RowsClean != 4 || sum.RowsRejected != 8 || !reflect.DeepEqual(nonZero(sum.Reasons), nonZero(wantReasons)) {
		t.Errorf("summary = read %d, clean %d, rejected %d, %v; want 12, 4, 8, %v", sum.RowsRead, sum.RowsClean, sum.RowsRejected, sum.Reasons, wantReasons)
	}
	fs := sum.File("a.csv")
	if fs == nil {
		t.Fatal(`summary has no file "a.csv"`)
	}
	if fs.RowsRead != 12 || fs.RowsClean != 4 || fs.RowsRejected != 8 || !reflect.DeepEqual(nonZero(fs.Reasons), nonZero(wantReasons)) {
		t.Errorf("file summary = %+v, want 12 read, 4 clean, 8 rejected, %v", fs, wantReasons)
	}
	if len(sum.Files) != 1 || sum.File("b.csv") != nil {
		t.Errorf("summary files = %+v, want only a.csv", sum.Files)
	}
}

// Duplicates are found across every file of a run, and the summary counts each file apart.
func TestScrubAcrossFiles(t *testing.T) {
	d := NewDecider(mustNormalizer(t, "ES"), testIndex(t))
	sum := NewSummary()
	var clean1, rej1, clean2, rej2 sliceSink
	a := newSource([]string{"phone"}, []string{"612 345 678"}, []string{"611 000 001"})
	b := newSource([]string{"name", "móvil"},
		[]string{"x", "+34612345678"}, // DUPLICATE of a.csv row 2
		[]string{"y", "611 000 001"},  // BLACKLISTED, not DUPLICATE
		[]string{"z", "612 345 679"},  // clean
		[]string{"w", "612-345-679"},  // DUPLICATE within b.csv
	)
	if err := d.Scrub(context.Background(), Input{Name: "a.csv", Source: a, PhoneColumns: []int{0}}, &clean1, &rej1, sum, nil); err != nil {
		t.Fatalf("Scrub a.csv: %v", err)
	}
	if err := d.Scrub(context.Background(), Input{Name: "b.xlsx", Source: b, PhoneColumns: []int{1}}, &clean2, &rej2, sum, nil); err != nil {
		t.Fatalf("Scrub b.xlsx: %v", err)
	}
	if len(clean1.rows) != 1 || len(rej1.rows) != 1 {
		t.Errorf("a.csv: %d clean, %d rejected; want 1, 1", len(clean1.rows), len(rej1.rows))
	}
	wantRej2 := [][]string{
		{"b.xlsx", "2", "móvil", "+34612345678", "+34612345678", "DUPLICATE", "same number as a.csv row 2", "dropped", "x", "+34612345678"},
		{"b.xlsx", "3", "móvil", "611 000 001", "+34611000001", "BLACKLISTED", "blacklist since 2024-03-01T10:00:00Z: fraud", "dropped", "y", "611 000 001"},
		{"b.xlsx", "5", "móvil", "612-345-679", "+34612345679", "DUPLICATE", "same number as b.xlsx row 4", "dropped", "w", "612-345-679"},
	}
	if !reflect.DeepEqual(rej2.rows, wantRej2) {
		t.Errorf("b.xlsx rejected:\n got %q\nwant %q", rej2.rows, wantRej2)
	}
	if want := [][]string{{"z", "612 345 679", "+34612345679", "mobile", "ES", "", "Europe/Madrid", ""}}; !reflect.DeepEqual(clean2.rows, want) {
		t.Errorf("b.xlsx clean:\n got %q\nwant %q", clean2.rows, want)
	}
	if sum.RowsRead != 6 || sum.RowsClean != 2 || sum.RowsRejected != 4 || sum.Reasons[ReasonDuplicate] != 2 || sum.Reasons[ReasonBlacklisted] != 2 {
		t.Errorf("run summary = %+v", sum)
	}
	if len(sum.Files) != 2 || sum.Files[0].Input != "a.csv" || sum.Files[1].Input != "b.xlsx" {
		t.Fatalf("summary files = %+v, want a.csv then b.xlsx", sum.Files)
	}
	fa, fb := sum.File("a.csv"), sum.File("b.xlsx")
	if fa.RowsRead != 2 || fa.RowsClean != 1 || fa.Reasons[ReasonBlacklisted] != 1 || fa.Reasons[ReasonDuplicate] != 0 {
		t.Errorf("a.csv summary = %+v", fa)
	}
	if fb.RowsRead != 4 || fb.RowsClean != 1 || fb.RowsRejected != 3 || fb.Reasons[ReasonDuplicate] != 2 || fb.Reasons[ReasonBlacklisted] != 1 {
		t.Errorf("b.xlsx summary = %+v", fb)
	}
	for _, f := range sum.Files {
		if f.RowsRead != f.RowsClean+f.RowsRejected {
			t.Errorf("%s: %d read != %d clean + %d rejected", f.Input, f.RowsRead, f.RowsClean, f.RowsRejected)
		}
	}
}

// A row with more fields than the header may have shifted columns: it is
// dropped as MALFORMED_ROW with its extra fields in the detail, and the rows
// around it are scrubbed as usual.
func TestScrubRowTooLong(t *testing.T) {
	src := newSource([]string{"name", "phone"},
		[]string{"Ana", "612 345 678"},
		[]string{"Bea", "612 345 679", "", ""},               // trailing empty fields: fine
		[]string{"Carlos, Jr", "612 345 670", "", "oops, 2"}, // row 4: fields with no column
		[]string{"Dani", "612 345 671"},
	)
	var clean, rejected sliceSink
	sum := NewSummary()
	d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
	if err := d.Scrub(context.Background(), Input{Name: "leads.csv", Source: src, PhoneColumns: []int{1}}, &clean, &rejected, sum, nil); err != nil {
		t.Fatalf("Scrub: %v", err)
	}
	want := [][]string{
		{"Ana", "612 345 678", "+34612345678", "mobile", "ES", "", "Europe/Madrid", ""},
		{"Bea", "612 345 679", "+34612345679", "mobile", "ES", "", "Europe/Madrid", ""},
		{"Dani", "612 345 671", "+34612345671", "mobile", "ES", "", "Europe/Madrid", ""},
	}
	if !reflect.DeepEqual(clean.rows, want) {
		t.Errorf("clean %q, want %q", clean.rows, want)
	}
	wantRejected := [][]string{{"leads.csv", "4", "phone", "612 345 670", "", "MALFORMED_ROW",
		`4 fields but the header has 2: columns may be shifted (a delimiter in an unquoted field?); fields beyond the header: ,"oops, 2"`,
		OutcomeDropped, "Carlos, Jr", "612 345 670"}}
	if !reflect.DeepEqual(rejected.rows, wantRejected) {
		t.Errorf("rejected %q\nwant %q", rejected.rows, wantRejected)
	}
	if sum.RowsRead != 4 || sum.RowsClean != 3 || sum.RowsRejected != 1 || sum.Reasons[ReasonMalformedRow] != 1 {
		t.Errorf("summary %+v", sum)
	}
}

func TestScrubShortRowPadded(t *testing.T) {
	src := newSource([]string{"phone", "name", "city"}, []string{"612 345 678"}, []string{""}, []string{})
	var clean, rejected sliceSink
	d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
	if err := d.Scrub(context.Background(), Input{Name: "s.csv", Source: src, PhoneColumns: []int{0}}, &clean, &rejected, NewSummary(), nil); err != nil {
		t.Fatalf("Scrub: %v", err)
	}
	if want := [][]string{{"612 345 678", "", "", "+34612345678", "mobile", "ES", "", "Europe/Madrid", ""}}; !reflect.DeepEqual(clean.rows, want) {
		t.Errorf("clean = %q, want %q", clean.rows, want)
	}
	want := [][]string{
		{"s.csv", "3", "phone", "", "", "NO_PHONE", "phone cell is empty", "dropped", "", "", ""},
		{"s.csv", "4", "phone", "", "", "NO_PHONE", "phone cell is empty", "dropped", "", "", ""},
	}
	if !reflect.DeepEqual(rejected.rows, want) {
		t.Errorf("rejected = %q, want %q", rejected.rows, want)
	}
}

// A clean file scrubbed again keeps one set of phone_* columns, refreshed.
func TestScrubRescrub(t *testing.T) {
	header := []string{"name", "phone", "phone_e164", "phone_type", "phone_region", "priority", "phone_timezone", "call_window_utc"}
	wantHeader := []string{"name", "phone", "phone_e164", "phone_type", "phone_region", "priority", "phone_timezone", "call_window_utc"}
	if got := CleanHeader(header); !reflect.DeepEqual(got, wantHeader) {
		t.Errorf("CleanHeader(%q) = %q, want %q", header, got, wantHeader)
	}
	// The columns may be anywhere: they move to the end.
	mixed := []string{"phone_e164", "name", "priority", "phone"}
	if got, want := CleanHeader(mixed), []string{"name", "phone", "phone_e164", "phone_type", "phone_region", "priority", "phone_timezone", "call_window_utc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CleanHeader(%q) = %q, want %q", mixed, got, want)
	}

	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx, Entry{List: ListWhitelist, E164: "+34612345678", Tag: "gold", AddedAt: day1})
	src := newSource(header, []string{"Ana", "612 345 678", "+34612345678", "mobile", "ES", "old-tag", "Europe/Madrid", ""})
	var clean, rejected sliceSink
	d := NewDecider(mustNormalizer(t, "ES"), idx)
	if err := d.Scrub(context.Background(), Input{Name: "a.clean.csv", Source: src, PhoneColumns: []int{1}}, &clean, &rejected, NewSummary(), nil); err != nil {
		t.Fatalf("Scrub: %v", err)
	}
	if want := [][]string{{"Ana", "612 345 678", "+34612345678", "mobile", "ES", "gold", "Europe/Madrid", ""}}; !reflect.DeepEqual(clean.rows, want) {
		t.Errorf("clean = %q, want %q", clean.rows, want)
	}
}

func TestHeaders(t *testing.T) {
	in := []string{"name", "phone"}
	if got, want := CleanHeader(in), []string{"name", "phone", "phone_e164", "phone_type", "phone_region", "priority", "phone_timezone", "call_window_utc"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CleanHeader = %q, want %q", got, want)
	}
	want := []string{"source_file", "source_row", "phone_column", "phone_raw", "phone_e164", "reason", "detail", "row_outcome", "name", "phone"}
	if got := RejectedHeader(in, false); !reflect.DeepEqual(got, want) {
		t.Errorf("RejectedHeader = %q, want %q", got, want)
	}
	// The package's column lists are not handed out to be appended to.
	h1 := RejectedHeader(nil, false)
	h1 = append(h1[:1], "x")
	if got := RejectedHeader(nil, false); got[1] != "source_row" {
		t.Errorf("RejectedHeader shares its backing array: %q after changing an earlier result (%q)", got, h1)
	}
	if !reflect.DeepEqual(in, []string{"name", "phone"}) {
		t.Errorf("the headers changed their input: %q", in)
	}
}

func TestScrubCancel(t *testing.T) {
	rows := make([][]string, 10)
	for i := range rows {
		rows[i] = []string{"612 345 6" + string(rune('0'+i)) + "0"}
	}
	t.Run("before the first row", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var clean, rejected sliceSink
		sum := NewSummary()
		d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
		err := d.Scrub(ctx, Input{Name: "a.csv", Source: newSource([]string{"phone"}, rows...), PhoneColumns: []int{0}}, &clean, &rejected, sum, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Scrub = %v, want context.Canceled", err)
		}
		if len(clean.rows)+len(rejected.rows) != 0 || sum.RowsRead != 0 {
			t.Errorf("a cancelled run wrote %d clean, %d rejected, read %d", len(clean.rows), len(rejected.rows), sum.RowsRead)
		}
	})
	// Nothing is written after the cancellation. Without workers no row
	// is read past it; with them, the batches in flight at most.
	for _, workers := range []int{1, 2} {
		t.Run(fmt.Sprintf("midway/workers=%d", workers), func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			var clean, rejected sliceSink
			sum := NewSummary()
			d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
			d.Workers, d.batchRows = workers, 2
			n := 0
			progress := func() {
				if n++; n == 3 {
					cancel(errors.New("interrupted"))
				}
			}
			src := newSource([]string{"phone"}, slices.Repeat(rows, 10)...)
			err := d.Scrub(ctx, Input{Name: "a.csv", Source: src, PhoneColumns: []int{0}}, &clean, &rejected, sum, progress)
			if !errors.Is(err, context.Canceled) || err != ctx.Err() {
				t.Fatalf("Scrub = %v, want ctx.Err() (%v)", err, ctx.Err())
			}
			if len(clean.rows) != 3 || sum.RowsRead != 3 {
				t.Errorf("cancelled after 3 rows: %d clean, %d read by the summary; want 3", len(clean.rows), sum.RowsRead)
			}
			most := 3
			if workers > 1 {
				most += (2*workers + 1) * d.batchRows // the batches in flight
			}
			if src.next < 3 || src.next > most {
				t.Errorf("cancelled after 3 rows: %d read from the source, want 3 to %d", src.next, most)
			}
		})
	}
}

func TestScrubPassesErrorsOn(t *testing.T) {
	boom := errors.New("boom")
	t.Run("source", func(t *testing.T) {
		src := newSource([]string{"phone"}, []string{"612 345 678"}, []string{"612 345 679"})
		src.err, src.errAt = boom, 1
		var clean, rejected sliceSink
		d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
		if err := d.Scrub(context.Background(), Input{Name: "a.csv", Source: src, PhoneColumns: []int{0}}, &clean, &rejected, NewSummary(), nil); !errors.Is(err, boom) {
			t.Errorf("Scrub = %v, want the source's error", err)
		}
		if len(clean.rows) != 1 {
			t.Errorf("%d clean rows before the error, want 1", len(clean.rows))
		}
	})
	for _, which := range []string{"clean", "rejected"} {
		t.Run(which+" sink", func(t *testing.T) {
			src := newSource([]string{"phone"}, []string{"612 345 678"}, []string{""})
			var clean, rejected sliceSink
			map[string]*sliceSink{"clean": &clean, "rejected": &rejected}[which].err = boom
			ticks := 0
			d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
			err := d.Scrub(context.Background(), Input{Name: "a.csv", Source: src, PhoneColumns: []int{0}}, &clean, &rejected, NewSummary(), func() { ticks++ })
			if !errors.Is(err, boom) {
				t.Errorf("Scrub = %v, want the %s sink's error", err, which)
			}
			if want := map[string]int{"clean": 0, "rejected": 1}[which]; ticks != want {
				t.Errorf("progress called %d times, want %d (not for the row that failed)", ticks, want)
			}
		})
	}
}

func TestScrubEmptyInput(t *testing.T) {
	var clean, rejected sliceSink
	sum := NewSummary()
	d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
	if err := d.Scrub(context.Background(), Input{Name: "empty.csv", Source: newSource([]string{"phone"}), PhoneColumns: []int{0}}, &clean, &rejected, sum, nil); err != nil {
		t.Fatalf("Scrub: %v", err)
	}
	fs := sum.File("empty.csv")
	if fs == nil || fs.RowsRead != 0 || len(clean.rows)+len(rejected.rows) != 0 {
		t.Errorf("empty input: file summary %+v, %d clean, %d rejected", fs, len(clean.rows), len(rejected.rows))
	}
	if fs != nil && len(fs.Reasons) != len(Reasons) {
		t.Errorf("file summary reasons = %v, want every reason at zero", fs.Reasons)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A clean file scrubbed again, whose number has since opted out: the report
// has each column once, the stale phone_* columns of the input dropped.
func TestScrubRescrubRejected(t *testing.T) {
	header := []string{"name", "phone", "phone_e164", "phone_type", "phone_region", "priority", "phone_timezone", "call_window_utc"}
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx, Entry{List: ListOptOut, E164: "+34612345678", Channel: ChannelAll, Reason: "asked", AddedAt: day1})
	src := newSource(header, []string{"Ana", "612 345 678", "+34612345678", "mobile", "ES", "", "Europe/Madrid", ""})
	var clean, rejected sliceSink
	d := NewDecider(mustNormalizer(t, "ES"), idx)
	if err := d.Scrub(context.Background(), Input{Name: "a.clean.csv", Source: src, PhoneColumns: []int{1}}, &clean, &rejected, NewSummary(), nil); err != nil {
		t.Fatalf("Scrub: %v", err)
	}
	wantHeader := []string{"source_file", "source_row", "phone_column", "phone_raw", "phone_e164", "reason", "detail", "row_outcome", "name", "phone"}
	if got := RejectedHeader(header, false); !reflect.DeepEqual(got, wantHeader) {
		t.Errorf("RejectedHeader = %q, want %q", got, wantHeader)
	}
	if len(rejected.rows) != 1 || len(rejected.rows[0]) != len(wantHeader) || rejected.rows[0][8] != "Ana" || rejected.rows[0][5] != "OPTED_OUT" {
		t.Errorf("rejected = %q", rejected.rows)
	}
}

func TestScrubPhoneColumnOutOfRange(t *testing.T) {
	d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
	for _, col := range []int{-1, 2} {
		src := newSource([]string{"name", "phone"}, []string{"Ana", "612345678"})
		err := d.Scrub(context.Background(), Input{Name: "a.csv", Source: src, PhoneColumns: []int{col}}, &sliceSink{}, &sliceSink{}, NewSummary(), nil)
		if err == nil || !strings.Contains(err.Error(), "a.csv: phone column") {
			t.Errorf("PhoneColumn %d: err = %v, want a phone column error", col, err)
		}
	}
}

// An opt-out whose channel is blank is read as all channels: fail closed.
func TestIndexBlankChannelOptOutSuppresses(t *testing.T) {
	for _, ch := range Channels {
		idx := NewIndex(ch)
		mustAdd(t, idx, Entry{List: ListOptOut, E164: "+34612345678", AddedAt: day1})
		if m := idx.Find("+34612345678"); m.OptOut == nil {
			t.Errorf("channel %s: a blank-channel opt-out does not apply", ch)
		}
	}
}

// nonZero drops the reasons counted zero times.
func nonZero(m map[Reason]int) map[Reason]int {
	out := map[Reason]int{}
	for r, n := range m {
		if n != 0 {
			out[r] = n
		}
	}
	return out
}
