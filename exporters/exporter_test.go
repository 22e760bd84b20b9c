package exporters

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		ok   bool
	}{
		{"csv", CSV, true},
		{"CSV", CSV, true},
		{" xlsx ", XLSX, true},
		{"Xlsx", XLSX, true},
		{"xls", "", false},
		{"tsv", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, %v; want %q (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "want csv or xlsx") {
			t.Errorf("ParseFormat(%q) error %q does not say what is accepted", tt.in, err)
		}
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{"leads.xlsx", XLSX},
		{"LEADS.XLSX", XLSX},
		{"book.xlsm", XLSX},
		{"leads.csv", CSV},
		{"leads.tsv", CSV},
		{"leads.txt", CSV},
		{"-", CSV},
		{"leads", CSV},
		{"dir.xlsx/leads.csv", CSV},
	}
	for _, tt := range tests {
		if got := FormatOf(tt.in); got != tt.want {
			t.Errorf("FormatOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if CSV.Ext() != ".csv" || XLSX.Ext() != ".xlsx" {
		t.Errorf("Ext: %q, %q", CSV.Ext(), XLSX.Ext())
	}
}

func TestCreateUnknownFormat(t *testing.T) {
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "out.ods"), "ods", []string{"a"}, Options{})
	if err == nil {
		w.Abort()
		t.Fatal("Create with an unknown format succeeded")
	}
	if !strings.Contains(err.Error(), `"ods"`) {
		t.Errorf("error = %q", err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("directory holds %v", got)
	}
}

var (
	header = []string{"phone", "name", "note"}
	rows   = [][]string{
		{"0034612345678", "Ana", "1,50 €"},
		{"+34 622 222 222", `Luis "el rápido"`, "line one\nline two"},
		{"612345678", "", " leading space"},
		{"8613800138000", "李", "=SUM(A1:A2)"},
		{"", "short"},
	}
)

// writeAll creates path, writes rows and checks that nothing is under the
// final name until Commit.
func writeAll(t *testing.T, path string, format Format, opts Options) {
	t.Helper()
	dir := filepath.Dir(path)
	w, err := Create(path, format, header, opts)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	tmp := onlyTemp(t, dir, path)
	if m := mode(t, tmp); m != 0o600 {
		t.Errorf("temporary file mode = %o, want 600", m)
	}
	if err := w.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{filepath.Base(path)}) {
		t.Errorf("after Commit the directory holds %v", got)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("file mode = %o, want 600", m)
	}
	if err := w.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("Abort after Commit removed the file: %v", err)
	}
}

func TestCSVWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clean.csv")
	writeAll(t, path, CSV, Options{})

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The formula in a note comes back as text: see neutralize.
	want := [][]string{header}
	for _, r := range rows {
		want = append(want, neutralized(r))
	}
	if !reflect.DeepEqual(got, want) || want[4][2] != "'=SUM(A1:A2)" {
		t.Errorf("read back %q\nwant %q", got, want)
	}
	if raw := readString(t, path); !strings.HasPrefix(raw, "phone,name,note\n0034612345678,Ana,\"1,50 €\"\n") {
		t.Errorf("file starts %q", raw[:min(len(raw), 60)])
	}
}

func TestCSVWriterHeaderOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rejected.csv")
	w, err := Create(path, CSV, []string{"phone", "reason"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "phone,reason\n" {
		t.Errorf("content = %q", got)
	}
}

func TestWriterAbort(t *testing.T) {
	for _, format := range []Format{CSV, XLSX} {
		t.Run(string(format), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "clean"+format.Ext())
			w, err := Create(path, format, header, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if err := w.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			onlyTemp(t, dir, path)
			if err := w.Abort(); err != nil {
				t.Fatalf("Abort: %v", err)
			}
			if got := names(t, dir); len(got) != 0 {
				t.Errorf("after Abort the directory holds %v", got)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("second Abort: %v", err)
			}
		})
	}
}

func TestWriterMissingDirectory(t *testing.T) {
	for _, format := range []Format{CSV, XLSX} {
		t.Run(string(format), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "missing", "clean"+format.Ext())
			w, err := Create(path, format, header, Options{})
			if err == nil {
				w.Abort()
				t.Fatal("Create in a missing directory succeeded")
			}
			if !strings.Contains(err.Error(), path) || !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error = %q, want one naming %s that wraps fs.ErrNotExist", err, path)
			}
		})
	}
}

func TestWriterDirectoryGoneBeforeCommit(t *testing.T) {
	for _, format := range []Format{CSV, XLSX} {
		t.Run(string(format), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "clean"+format.Ext())
			w, err := Create(path, format, header, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(rows[0]); err != nil {
				t.Fatal(err)
			}
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			err = w.Commit()
			if err == nil {
				t.Fatal("Commit into a removed directory succeeded")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s", err, path)
			}
			if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the directory came back: %v", err)
			}
			if err := w.Abort(); err != nil {
				t.Errorf("Abort after a failed Commit: %v", err)
			}
		})
	}
}

func TestXLSXWriter(t *testing.T) {
	path := filepath.Join(t.TempDir(), "clean.xlsx")
	writeAll(t, path, XLSX, Options{TextColumns: []string{"phone"}})

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("excelize cannot open the output: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Sheet1"}) {
		t.Fatalf("sheets = %v", got)
	}
	got, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{header}, rows...)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows = %q\nwant %q", got, want)
	}

	// Every cell is text: a phone number keeps its leading zeros and is
	// never a number, a formula stays text.
	for r, fields := range want {
		for c, v := range fields {
			if v == "" {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			typ, err := f.GetCellType("Sheet1", cell)
			if err != nil {
				t.Fatal(err)
			}
			if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
				t.Errorf("%s (%q) has cell type %v, want a string", cell, v, typ)
			}
			raw, err := f.GetCellValue("Sheet1", cell, excelize.Options{RawCellValue: true})
			if err != nil || raw != v {
				t.Errorf("%s raw value = %q, %v; want %q", cell, raw, err, v)
			}
		}
	}
	if formula, err := f.GetCellFormula("Sheet1", "C5"); err != nil || formula != "" {
		t.Errorf("C5 formula = %q, %v; want none", formula, err)
	}

	// The header row is frozen.
	panes, err := f.GetPanes("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the first row frozen", panes)
	}

	// The header is bold, the data is not.
	for cell, bold := range map[string]bool{"A1": true, "C1": true, "A2": false} {
		id, err := f.GetCellStyle("Sheet1", cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := style.Font != nil && style.Font.Bold; got != bold {
			t.Errorf("%s bold = %v, want %v", cell, got, bold)
		}
	}

	// Phone (text) columns are wide enough for an international number;
	// others fit their header, at least 10.
	for col, width := range map[string]float64{"A": 20, "B": 10} {
		w, err := f.GetColWidth("Sheet1", col)
		if err != nil || w != width {
			t.Errorf("column %s width = %v, %v; want %v", col, w, err, width)
		}
	}
}

func TestXLSXWriterManyRows(t *testing.T) {
	const n = 3000
	path := filepath.Join(t.TempDir(), "big.xlsx")
	w, err := Create(path, XLSX, []string{"phone"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := w.Write([]string{"00346" + strings.Repeat("0", 8-len(strconv.Itoa(i))) + strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n+1 {
		t.Fatalf("%d rows, want %d", len(got), n+1)
	}
	if got[1][0] != "0034600000000" || got[n][0] != "00346"+strings.Repeat("0", 8-len(strconv.Itoa(n-1)))+strconv.Itoa(n-1) {
		t.Errorf("first and last rows: %q, %q", got[1], got[n])
	}
}

func TestXLSXWriterRowLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.xlsx")
	w, err := Create(path, XLSX, []string{"phone"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	x := w.(*xlsxWriter)
	// Pretend the sheet is one row short of Excel's limit.
	x.row = maxRows - 1
	if err := w.Write([]string{"612345678"}); err != nil {
		t.Fatalf("writing the last row Excel holds: %v", err)
	}
	err = w.Write([]string{"622222222"})
	if err == nil {
		t.Fatal("writing past Excel's row limit succeeded")
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "csv") {
		t.Errorf("error %q should name the file and suggest CSV", err)
	}
}
