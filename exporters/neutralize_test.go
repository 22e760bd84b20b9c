package exporters

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://x","y")`: `'=HYPERLINK("http://x","y")`,
		"@SUM(A1:A2)":                "'@SUM(A1:A2)",
		"+cmd|'/c calc'!A1":          "'+cmd|'/c calc'!A1",
		"-2+3+cmd|' /C calc'!D2":     "'-2+3+cmd|' /C calc'!D2",
		"\t=1+1":                     "'\t=1+1",
		"\r=1":                       "'\r=1",
		"+34 612 345 678":            "+34 612 345 678",
		"+34612345678 ext 699":       "+34612345678 ext 699",
		"+HYPERLINK(\"http://x\")":   "'+HYPERLINK(\"http://x\")",
		"-SUM (A1)":                  "-SUM (A1)",
		"-5":                         "-5",
		"-":                          "-",
		"+1 (555) 123-4567":          "+1 (555) 123-4567",
		"Ana":                        "Ana",
		"":                           "",
		"a=b":                        "a=b",
		"'=already":                  "'=already",
	} {
		if got := neutralize(in); got != want {
			t.Errorf("neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

// neutralized is what a writer makes of a row: every value neutralized.
func neutralized(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = neutralize(f)
	}
	return out
}

// An .xlsx output holds every value as text: a value like a formula is
// never stored as one.
func TestXLSXNeverFormulas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.xlsx")
	w, err := Create(path, XLSX, []string{"name", "phone"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{`=HYPERLINK("http://x","y")`, "=1+1"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	for _, cell := range []string{"A2", "B2"} {
		if formula, err := f.GetCellFormula(sheet, cell); err != nil || formula != "" {
			t.Errorf("%s holds the formula %q (%v)", cell, formula, err)
		}
		if v, _ := f.GetCellValue(sheet, cell); v == "" || v[0] != '=' {
			t.Errorf("%s = %q, want the text as written", cell, v)
		}
	}
}
