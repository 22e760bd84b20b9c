package scrub

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"unicode"
)

// scrubRows scrubs rows (header name,phone,mobile; phone columns 1 and 2)
// against an index where +34699111222 opted out.
func scrubRows(t *testing.T, region string, rows ...[]string) (clean, rejected [][]string, sum *Summary) {
	t.Helper()
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx, Entry{List: ListOptOut, E164: "+34699111222", Channel: ChannelAll, Reason: "asked", AddedAt: day1})
	var c, r sliceSink
	sum = NewSummary()
	d := NewDecider(mustNormalizer(t, region), idx)
	in := Input{Name: "a.csv", Source: newSource([]string{"name", "phone", "mobile"}, rows...), PhoneColumns: []int{1, 2}}
	if err := d.Scrub(context.Background(), in, &c, &r, sum, nil); err != nil {
		t.Fatalf("Scrub: %v", err)
	}
	if sum.RowsRead != sum.RowsClean+sum.RowsRejected || sum.RowsRead != len(rows) {
		t.Fatalf("rows read %d != clean %d + rejected %d (input %d)", sum.RowsRead, sum.RowsClean, sum.RowsRejected, len(rows))
	}
	return c.rows, r.rows, sum
}

func TestSeveralNumbersInOneCell(t *testing.T) {
	clean, rejected, sum := scrubRows(t, "ES",
		[]string{"Ana", "612345678 / 699111222", ""},
		[]string{"Bo", "612345670; 612345671", ""},
		[]string{"Cy", "699111222,699111222", ""},
	)
	wantClean := [][]string{
		{"Ana", "612345678", "", "+34612345678", "mobile", "ES", "", "Europe/Madrid", ""},
		{"Bo", "612345670; 612345671", "", "+34612345670", "mobile", "ES", "", "Europe/Madrid", ""},
	}
	if !reflect.DeepEqual(clean, wantClean) {
		t.Errorf("clean =\n%q\nwant\n%q", clean, wantClean)
	}
	// Ana's opted-out second number is reported with the row kept; Cy's row,
	// with nothing left to call, is dropped with a line per number.
	if len(rejected) != 3 {
		t.Fatalf("rejected = %q", rejected)
	}
	for i, want := range []struct{ row, raw, reason, outcome string }{
		{"2", "699111222", "OPTED_OUT", OutcomeKept},
		{"4", "699111222", "OPTED_OUT", OutcomeDropped},
		{"4", "699111222", "OPTED_OUT", OutcomeDropped},
	} {
		got := rejected[i]
		if got[1] != want.row || got[3] != want.raw || got[5] != want.reason || got[7] != want.outcome {
			t.Errorf("rejected[%d] = %q, want row %s raw %s reason %s outcome %s", i, got, want.row, want.raw, want.reason, want.outcome)
		}
	}
	if sum.RowsClean != 2 || sum.RowsRejected != 1 || sum.NumbersRemoved != 1 || sum.Reasons[ReasonOptedOut] != 3 {
		t.Errorf("summary = %+v", sum)
	}
}

func TestSeveralPhoneColumns(t *testing.T) {
	clean, rejected, _ := scrubRows(t, "ES",
		[]string{"Ana", "612345678", "699111222"},   // mobile opted out: blanked
		[]string{"Bo", "", "612345670"},             // phone empty: mobile is the number
		[]string{"Cy", "llamar luego", "612345671"}, // text is not a number, left as it is
		[]string{"Di", "llamar luego", ""},          // no number at all
		[]string{"Ed", "", ""},                      // nothing
	)
	wantClean := [][]string{
		{"Ana", "612345678", "", "+34612345678", "mobile", "ES", "", "Europe/Madrid", ""},
		{"Bo", "", "612345670", "+34612345670", "mobile", "ES", "", "Europe/Madrid", ""},
		{"Cy", "llamar luego", "612345671", "+34612345671", "mobile", "ES", "", "Europe/Madrid", ""},
	}
	if !reflect.DeepEqual(clean, wantClean) {
		t.Errorf("clean =\n%q\nwant\n%q", clean, wantClean)
	}
	want := [][]string{
		{"a.csv", "2", "mobile", "699111222", "+34699111222", "OPTED_OUT", "optout (all) since 2024-03-01T10:00:00Z: asked", OutcomeKept, "Ana", "612345678", "699111222"},
		{"a.csv", "5", "phone", "llamar luego", "", "INVALID_NUMBER", "not a phone number", OutcomeDropped, "Di", "llamar luego", ""},
		{"a.csv", "6", "phone", "", "", "NO_PHONE", "phone cell is empty", OutcomeDropped, "Ed", "", ""},
	}
	if !reflect.DeepEqual(rejected, want) {
		t.Errorf("rejected =\n%q\nwant\n%q", rejected, want)
	}
}

// libphonenumber reads the first number in a value; a value with digits for
// more than one number must never pass as that first number alone.
func TestNeverOnlyTheFirstNumber(t *testing.T) {
	n := mustNormalizer(t, "ES")
	for _, raw := range []string{"612345678 699111222", "612345678 - 699111222", "+34 612345678 +34 699111222"} {
		if num, err := n.Normalize(raw); err == nil {
			t.Errorf("Normalize(%q) = %s, want an error", raw, num.E164)
		}
	}
	// A split needs every part to look like a number: Berlin's 030/1234567 is one.
	de := mustNormalizer(t, "DE")
	if parts := splitCell("030/12345678"); len(parts) != 1 {
		t.Errorf("splitCell(030/12345678) = %q", parts)
	}
	if num, err := de.Normalize("030/12345678"); err != nil || num.E164 != "+493012345678" {
		t.Errorf("Normalize(030/12345678, DE) = %q, %v", num.E164, err)
	}
}

func TestScientificNotationIsNeverGuessed(t *testing.T) {
	_, rejected, sum := scrubRows(t, "CN", []string{"Wang", "8.61381E+12", ""}, []string{"Li", "1.38001E+10", ""})
	if sum.Reasons[ReasonPrecisionLost] != 2 || len(rejected) != 2 || rejected[0][5] != string(ReasonPrecisionLost) {
		t.Errorf("rejected = %q, reasons %v", rejected, sum.Reasons)
	}
}

func TestJoinParts(t *testing.T) {
	for _, tc := range []struct {
		cell string
		drop int
		want string
	}{
		{"612345678/612345679/612345670", 1, "612345678/ 612345670"},
		{"612345678\n612345679", 0, "612345679"},
		{"612345678、612345679", 1, "612345678"},
	} {
		parts := splitCell(tc.cell)
		left := append(append([]cellPart{}, parts[:tc.drop]...), parts[tc.drop+1:]...)
		if got := joinParts(left); got != tc.want {
			t.Errorf("joinParts(%q without part %d) = %q, want %q", tc.cell, tc.drop, got, tc.want)
		}
	}
}

// A per-row country column picks the region for numbers written without a
// country code; a number in another country is counted, or rejected with
// StrictRegion; an unknown country is counted and named in the detail.
func TestRegionColumn(t *testing.T) {
	rows := [][]string{
		{"612345678", "España"},  // ES national
		{"13800138000", "中国"},    // CN national
		{"+8613900139000", "ES"}, // valid, but in CN: mismatch
		{"612345679", "Narnia"},  // unknown region: falls back to the default (none here)
		{"612345670", ""},        // empty region: the default
	}
	for _, strict := range []bool{false, true} {
		var clean, rejected sliceSink
		sum := NewSummary()
		d := NewDecider(mustNormalizer(t, ""), NewIndex(ChannelVoice))
		d.StrictRegion = strict
		regionCol := 1
		in := Input{Name: "a.csv", Source: newSource([]string{"phone", "country"}, rows...), PhoneColumns: []int{0}, RegionColumn: &regionCol}
		if err := d.Scrub(context.Background(), in, &clean, &rejected, sum, nil); err != nil {
			t.Fatal(err)
		}
		var e164s []string
		for _, r := range clean.rows {
			e164s = append(e164s, r[2])
		}
		want := []string{"+34612345678", "+8613800138000", "+8613900139000"}
		if strict {
			want = want[:2]
		}
		if !reflect.DeepEqual(e164s, want) {
			t.Errorf("strict=%v: clean numbers %q, want %q", strict, e164s, want)
		}
		if sum.UnknownRegions != 1 {
			t.Errorf("strict=%v: unknown regions %d, want 1", strict, sum.UnknownRegions)
		}
		wantMismatch := map[bool]int{false: 1, true: 0}[strict]
		if sum.RegionMismatches != wantMismatch || sum.Reasons[ReasonRegionMismatch] != 1-wantMismatch {
			t.Errorf("strict=%v: mismatches %d, REGION_MISMATCH %d", strict, sum.RegionMismatches, sum.Reasons[ReasonRegionMismatch])
		}
		for _, r := range rejected.rows {
			switch r[1] {
			case "4":
				if !strict || r[5] != "REGION_MISMATCH" || r[6] != "number is in CN, the row's region is ES" {
					t.Errorf("strict=%v: row 4 rejected as %q", strict, r)
				}
			case "5":
				if r[5] != "INVALID_NUMBER" || !strings.Contains(r[6], `the row's region "Narnia" is not a country dncctl knows`) {
					t.Errorf("row 5 rejected as %q", r)
				}
			}
		}
	}
}

// Found by review: a second number written as an "extension", or after a
// "(0)" that needed the retry, must not pass as the first number alone.
func TestNoNumberHidesBehindAnother(t *testing.T) {
	n := mustNormalizer(t, "ES")
	for _, raw := range []string{
		"+34612345678 ext 699111222",
		"+34612000002 x 699111222",
		"+34612000035 ext. 34699111222",
		"612345678 ext 0034699111222",
		"+34612345678;ext=699111222",
		`+39 (0)6 12345678 \x 0034699111222`,
	} {
		if num, err := n.Normalize(raw); err == nil {
			t.Errorf("Normalize(%q) = %s (ext %q), want an error", raw, num.E164, num.Extension)
		}
	}
	for raw, ext := range map[string]string{"612345678 ext. 42": "42", "+34 612 345 678 x123456": "123456"} {
		if num, err := n.Normalize(raw); err != nil || num.Extension != ext {
			t.Errorf("Normalize(%q) = %+v, %v; want extension %s", raw, num, err, ext)
		}
	}
}

// isNumberSeparator's table says what numberSeparators says, for every rune.
func TestIsNumberSeparator(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := isNumberSeparator(r), strings.ContainsRune(numberSeparators, r); got != want {
			t.Fatalf("isNumberSeparator(%q) = %v, want %v", r, got, want)
		}
	}
}
