package scrub

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The summary counts the numbers removed by their region and type (a value
// that is no valid number under ""), and the callable ones by type, in all
// and per file; every line of the report is counted once.
func TestSummaryByRegionAndType(t *testing.T) {
	header := []string{"id", "phone"}
	src := newSource(header,
		[]string{"1", "612 345 678"},                // clean, ES mobile
		[]string{"2", "611 000 001"},                // BLACKLISTED, ES mobile
		[]string{"3", "abc"},                        // INVALID_NUMBER: no region, no type
		[]string{"4", ""},                           // NO_PHONE
		[]string{"5", "+86 138 0013 8000"},          // clean, CN mobile
		[]string{"6", "912 345 678"},                // clean, ES fixed line
		[]string{"7", "612 345 678 / 611 000 002"},  // dropped: a DUPLICATE and an OPTED_OUT
		[]string{"8", "+34 612 345 678", "x", "y"},  // MALFORMED_ROW
		[]string{"9", "0034 912 345 678"},           // DUPLICATE, ES fixed line
		[]string{"10", "8.61381E+12"},               // EXCEL_PRECISION_LOST
		[]string{"11", "+86 138 0013 8000 ext. 12"}, // DUPLICATE, CN mobile
	)
	var clean, rejected sliceSink
	sum := NewSummary()
	d := NewDecider(mustNormalizer(t, "ES"), testIndex(t))
	if err := d.Scrub(context.Background(), Input{Name: "a.csv", Source: src, PhoneColumns: []int{1}}, &clean, &rejected, sum, nil); err != nil {
		t.Fatal(err)
	}
	lines := len(rejected.rows)
	wantRegion := map[string]int{"": 4, "ES": 4, "CN": 1}
	wantType := map[string]int{"": 4, "mobile": 4, "fixed_line": 1}
	wantCleanType := map[string]int{"mobile": 2, "fixed_line": 1}
	for _, c := range []Counts{sum.Counts, sum.File("a.csv").Counts} {
		if !reflect.DeepEqual(c.RejectedByRegion, wantRegion) {
			t.Errorf("rejected by region = %v, want %v", c.RejectedByRegion, wantRegion)
		}
		if !reflect.DeepEqual(c.RejectedByType, wantType) {
			t.Errorf("rejected by type = %v, want %v", c.RejectedByType, wantType)
		}
		if !reflect.DeepEqual(c.CleanByType, wantCleanType) {
			t.Errorf("clean by type = %v, want %v", c.CleanByType, wantCleanType)
		}
		total := 0
		for _, n := range c.RejectedByRegion {
			total += n
		}
		if total != lines {
			t.Errorf("rejected by region adds up to %d, the report has %d lines", total, lines)
		}
	}
}

// A run that removed nothing leaves the new counts out of the JSON, so
// existing documents keep their shape; the old fields keep their names.
func TestSummaryJSONFields(t *testing.T) {
	sum := NewSummary()
	b, err := json.Marshal(sum.Counts)
	if err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"clean_numbers_by_type", "rejected_numbers_by_region", "rejected_numbers_by_type"} {
		if strings.Contains(string(b), absent) {
			t.Errorf("%s in %s", absent, b)
		}
	}
	sum.count(rowVerdict{rejected: [][]string{{}}, reasons: []Reason{ReasonOptedOut}, removed: []Number{{Region: "ES", Type: "mobile"}}})
	b, _ = json.Marshal(sum.Counts)
	for _, present := range []string{`"rows_read":1`, `"clean_numbers_by_region":null`, `"rejected_numbers_by_region":{"ES":1}`, `"rejected_numbers_by_type":{"mobile":1}`} {
		if !strings.Contains(string(b), present) {
			t.Errorf("%s not in %s", present, b)
		}
	}
}
