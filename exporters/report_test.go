package exporters

import (
	"archive/zip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var reportColumns = []string{"source_file", "source_sheet", "source_row", "phone_column", "phone_raw", "phone_e164", "reason", "detail", "row_outcome"}

func testSummary() ReportSummary {
	return ReportSummary{
		StartedAt:  time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC),
		FinishedAt: time.Date(2026, 11, 20, 10, 0, 3, 0, time.UTC),
		Source:     "vendor-a", Channel: "voice", Region: "ES",
		Inputs:   []ReportInput{{"a.csv", 3, 1, 2}, {"b.xlsx", 1, 0, 1}},
		RowsRead: 4, RowsClean: 1, RowsRejected: 3,
		Reasons: []ReportCount{{"INVALID_NUMBER", 1}, {"OPTED_OUT", 2}},
		Regions: []ReportSplit{{"ES", 1, 2}, {"unknown", 0, 1}},
		Types:   []ReportSplit{{"mobile", 1, 2}, {"unknown", 0, 1}},
	}
}

func openReport(t *testing.T, path string) *excelize.File {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func zipNames(t *testing.T, path string) []string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
	}
	return names
}

func TestReport(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.xlsx")
	r, err := CreateReport(path, reportColumns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	a := append(slices.Clone(reportColumns), "id", "phone")
	r.Columns(a, []string{"phone"})
	lines := [][]string{
		{"a.csv", "", "2", "phone", "abc", "", "INVALID_NUMBER", "not a phone number", "dropped", "1", "abc"},
		{"a.csv", "", "3", "phone", "0034612345678", "+34612345678", "OPTED_OUT", "optout (all)", "dropped", "2", "0034612345678"},
	}
	for _, l := range lines {
		if err := r.Write(l); err != nil {
			t.Fatal(err)
		}
	}
	// Another input with other columns: its own header row comes first.
	b := append(slices.Clone(reportColumns), "Móvil")
	r.Columns(b, []string{"Móvil"})
	other := []string{"b.xlsx", "Hoja1", "2", "Móvil", "611000002", "+34611000002", "OPTED_OUT", "optout (all)", "dropped", "611000002"}
	if err := r.Write(other); err != nil {
		t.Fatal(err)
	}
	if r.Lines() != 3 {
		t.Errorf("Lines() = %d, want 3", r.Lines())
	}
	if err := r.Summarize(testSummary()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("the workbook is under its final name before Commit")
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}

	f := openReport(t, path)
	if got, want := f.GetSheetList(), []string{"Summary", "Rejected"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	if got := f.GetActiveSheetIndex(); got != 0 {
		t.Errorf("active sheet %d, want 0 (Summary)", got)
	}
	rows, err := f.GetRows("Rejected")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{a, lines[0], lines[1], b, other}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("Rejected sheet:\n got %q\nwant %q", rows, want)
	}
	// Phone numbers stay text: Excel must not make 0034… a number.
	if typ, _ := f.GetCellType("Rejected", "E3"); typ == excelize.CellTypeNumber {
		t.Errorf("phone_raw is stored as a number")
	}

	cells := map[string]string{}
	summary, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range summary {
		if len(row) >= 2 {
			cells[row[0]] = strings.Join(row[1:], "|")
		}
	}
	for label, want := range map[string]string{
		"Started": "2026-11-20T10:00:00Z", "Lead source": "vendor-a", "Channel": "voice", "Default region": "ES",
		"Rows read": "4|100.0%", "Clean (written to the clean list)": "1|25.0%", "Rejected (dropped)": "3|75.0%",
		"a.csv": "3|1|2", "b.xlsx": "1|0|1",
		"Numbers removed by reason": "Numbers", "INVALID_NUMBER": "1", "OPTED_OUT": "2",
		"ES": "1|2", "mobile": "1|2", "unknown": "0|1",
	} {
		if cells[label] != want {
			t.Errorf("Summary %q = %q, want %q", label, cells[label], want)
		}
	}
	if _, ok := cells["Campaign"]; ok {
		t.Error("Summary shows an empty campaign")
	}
	if summary[0][0] != "Scrub report" {
		t.Errorf("Summary A1 = %q", summary[0][0])
	}
	// The counts are numbers, so that people can add them up.
	if typ, _ := f.GetCellType("Summary", "B"+rowOf(t, summary, "OPTED_OUT")); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("OPTED_OUT count cell type %v, want a number", typ)
	}

	names := zipNames(t, path)
	if !slices.Contains(names, "xl/charts/chart1.xml") || !slices.Contains(names, "xl/drawings/drawing1.xml") {
		t.Fatalf("no chart in the workbook: %q", names)
	}
	chart := readZip(t, path, "xl/charts/chart1.xml")
	for _, s := range []string{"<barChart>", `<barDir val="bar">`, `<varyColors val="0">`, "Summary!$A$", "Summary!$B$", "Numbers removed by reason"} {
		if !strings.Contains(chart, s) {
			t.Errorf("chart1.xml has no %s", s)
		}
	}
	// The chart's ranges are the reason table's cells.
	first, last := rowOf(t, summary, "INVALID_NUMBER"), rowOf(t, summary, "OPTED_OUT")
	if !strings.Contains(chart, "Summary!$A$"+first+":$A$"+last) || !strings.Contains(chart, "Summary!$B$"+first+":$B$"+last) {
		t.Errorf("chart ranges are not rows %s-%s of the reason table:\n%s", first, last, chart)
	}
	if mode(t, path) != 0o600 {
		t.Errorf("mode %v, want 0600", mode(t, path))
	}
}

func rowOf(t *testing.T, rows [][]string, label string) string {
	t.Helper()
	for i, r := range rows {
		if len(r) > 0 && r[0] == label {
			return strconv.Itoa(i + 1)
		}
	}
	t.Fatalf("no row %q", label)
	return ""
}

func readZip(t *testing.T, path, name string) string {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatalf("%s has no %s", path, name)
	return ""
}

// A run that removed nothing still gets its Rejected sheet, with the
// header, and no chart over an empty table.
func TestReportNothingRejected(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.xlsx")
	r, err := CreateReport(path, reportColumns)
	if err != nil {
		t.Fatal(err)
	}
	s := testSummary()
	s.Reasons, s.RowsClean, s.RowsRejected = nil, 4, 0
	if err := r.Summarize(s); err != nil {
		t.Fatal(err)
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	f := openReport(t, path)
	rows, err := f.GetRows("Rejected")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, [][]string{reportColumns}) {
		t.Errorf("Rejected sheet %q, want the header only", rows)
	}
	if slices.Contains(zipNames(t, path), "xl/charts/chart1.xml") {
		t.Error("a chart over no reasons")
	}
}

// Past Excel's row limit, the lines go on to "Rejected 2", under the header.
func TestReportRowLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.xlsx")
	r, err := CreateReport(path, reportColumns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Abort()
	line := func(row string) []string {
		return []string{"a.csv", "", row, "phone", "abc", "", "INVALID_NUMBER", "", "dropped"}
	}
	if err := r.Write(line("2")); err != nil {
		t.Fatal(err)
	}
	// Pretend the sheet is one row short of Excel's limit.
	r.row = maxRows - 1
	for _, row := range []string{"3", "4", "5"} {
		if err := r.Write(line(row)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Summarize(testSummary()); err != nil {
		t.Fatal(err)
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	f := openReport(t, path)
	if got, want := f.GetSheetList(), []string{"Summary", "Rejected", "Rejected 2"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if v, _ := f.GetCellValue("Rejected", "C1048576"); v != "3" {
		t.Errorf("Rejected's last row holds row %q, want 3", v)
	}
	rows, err := f.GetRows("Rejected 2")
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]string{reportColumns, line("4"), line("5")}; !reflect.DeepEqual(trimRows(rows), trimRows(want)) {
		t.Errorf("Rejected 2:\n got %q\nwant %q", rows, want)
	}
}

// trimRows drops trailing empty cells, as GetRows does.
func trimRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		for len(r) > 0 && r[len(r)-1] == "" {
			r = r[:len(r)-1]
		}
		out[i] = r
	}
	return out
}

// A report without its summary is a bug: it is not finished, and an abort
// leaves nothing behind.
func TestReportNeedsSummary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "run.xlsx")
	r, err := CreateReport(path, reportColumns)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FinishAll(r); err == nil || !strings.Contains(err.Error(), "no summary") {
		t.Errorf("FinishAll without a summary: %v", err)
	}
	r.Abort()
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("left %q", got)
	}
}

// The digest FinishAll gives is the file's: the run's record can vouch
// for the workbook it publishes.
func TestReportDigest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run.xlsx")
	r, err := CreateReport(path, reportColumns)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Summarize(testSummary()); err != nil {
		t.Fatal(err)
	}
	d, err := FinishAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := CommitAll(r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d[0].Path != path || d[0].Size != int64(len(b)) || d[0].SHA256 != fmt.Sprintf("%x", sha256.Sum256(b)) {
		t.Errorf("digest %+v does not match the file (%d bytes)", d[0], len(b))
	}
}
