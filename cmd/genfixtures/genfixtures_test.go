package main

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dncctl/dncctl/internal/goldendir"
)

// formatsDir is the committed fixtures, seen from this package's directory.
const formatsDir = "../../testdata/formats"

// TestFixturesUpToDate fails when the committed fixtures are not exactly what
// the generator writes: hand edits, or a generator change without regenerating.
func TestFixturesUpToDate(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	goldendir.Check(t, dir, formatsDir, "run `go generate ./cmd/genfixtures`")
}

// TestWorkbooksAsMeant reads the patched and encrypted workbooks back with
// excelize: the patches must leave valid workbooks with what they claim.
func TestWorkbooksAsMeant(t *testing.T) {
	fs, err := excelFixtures()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]byte{}
	for _, f := range fs {
		byName[f.name] = f.data
	}
	open := func(name string, opts ...excelize.Options) *excelize.File {
		t.Helper()
		f, err := excelize.OpenReader(bytes.NewReader(byName[name]), opts...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}

	f := open("formula.xlsx")
	for cell, want := range map[string]string{"D2": "+34 612345630", "D3": "0086 13812345630", "D4": "612345631", "D5": "+34612345630"} {
		formula, err := f.GetCellFormula("Leads", cell)
		if err != nil || formula == "" {
			t.Errorf("formula.xlsx %s: no formula (%v)", cell, err)
		}
		if got, err := f.GetCellValue("Leads", cell); err != nil || got != want {
			t.Errorf("formula.xlsx %s: cached %q (%v), want %q", cell, got, err, want)
		}
	}

	f = open("numeric.xlsx")
	for cell, want := range map[string]string{"B2": "612345620", "B4": "34612345625", "B6": "+34 612 345 623", "B7": "0034612345624"} {
		if got, err := f.GetCellValue("Leads", cell, excelize.Options{RawCellValue: true}); err != nil || got != want {
			t.Errorf("numeric.xlsx %s: %q (%v), want %q", cell, got, err, want)
		}
	}
	if !bytes.Contains(unzipped(t, byName["numeric.xlsx"], "xl/styles.xml"), []byte(`quotePrefix="1"`)) {
		t.Error("numeric.xlsx: no quotePrefix style")
	}

	f = open("password.xlsx", excelize.Options{Password: "dncctl"})
	if got, err := f.GetCellValue("Leads", "B3"); err != nil || got != "612 345 661" {
		t.Errorf("password.xlsx B3: %q (%v)", got, err)
	}
	if _, err := excelize.OpenReader(bytes.NewReader(byName["password.xlsx"])); err == nil {
		t.Error("password.xlsx opens without its password")
	}

	f = open("sheets.xlsx")
	if v, err := f.GetSheetVisible("Borradores"); err != nil || v {
		t.Errorf("sheets.xlsx: Borradores visible=%v (%v), want hidden", v, err)
	}
}

func unzipped(t *testing.T, data []byte, member string) []byte {
	t.Helper()
	var got []byte
	_, err := patchZip(data, member, func(s string) string { got = []byte(s); return s })
	if err != nil {
		t.Fatal(err)
	}
	return got
}
