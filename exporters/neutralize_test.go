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
	fields := []string{"Ana", "=1+1"}
	got := neutralized(fields)
	if got[1] != "'=1+1" || fields[1] != "=1+1" {
		t.Errorf("neutralized changed its input or missed a value: %q, %q", got, fields)
	}
	same := []string{"Ana", "+34 612"}
	if got := neutralized(same); &got[0] != &same[0] {
		t.Error("neutralized copied a row that needed no change")
	}
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
