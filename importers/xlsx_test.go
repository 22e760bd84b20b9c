package importers

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// writeWorkbook builds a workbook in a fresh directory: build fills it in.
func writeWorkbook(t *testing.T, name string, build func(f *excelize.File)) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f)
	path := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(path); err != nil {
		t.Fatalf("save workbook: %v", err)
	}
	return path
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// setRow writes values in row n from column A.
func setRow(t *testing.T, f *excelize.File, sheet string, n int, values ...any) {
	t.Helper()
	cell, err := excelize.CoordinatesToCellName(1, n)
	must(t, err)
	must(t, f.SetSheetRow(sheet, cell, &values))
}

func TestXLSX(t *testing.T) {
	path := writeWorkbook(t, "leads.xlsx", func(f *excelize.File) {
		setRow(t, f, "Sheet1", 1, "phone", "name", "amount")
		setRow(t, f, "Sheet1", 2, 612345678, "Ana", 12.5)
		setRow(t, f, "Sheet1", 3, int64(8613800138000), "Li", 3)
		// Row 4 is missing altogether; row 5 has only empty cells.
		must(t, f.SetCellValue("Sheet1", "A5", ""))
		setRow(t, f, "Sheet1", 6, float64(34612345678), "Luis")
		setRow(t, f, "Sheet1", 7, "0034612345678", "Eva", "n/a")
		setRow(t, f, "Sheet1", 9, nil, "no phone")
	})
	header, rows := mustReadAll(t, path, Options{})
	if want := []string{"phone", "name", "amount"}; !reflect.DeepEqual(header, want) {
		t.Errorf("header = %q, want %q", header, want)
	}
	want := []row{
		{2, []string{"612345678", "Ana", "12.5"}},
		{3, []string{"8613800138000", "Li", "3"}},
		{6, []string{"34612345678", "Luis"}},
		{7, []string{"0034612345678", "Eva", "n/a"}},
		{9, []string{"", "no phone"}},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %v\nwant %v", rows, want)
	}
}

func TestXLSXFirstVisibleSheet(t *testing.T) {
	path := writeWorkbook(t, "leads.xlsm", func(f *excelize.File) {
		setRow(t, f, "Sheet1", 1, "hidden", "lookup")
		setRow(t, f, "Sheet1", 2, "x", "y")
		_, err := f.NewSheet("Leads")
		must(t, err)
		setRow(t, f, "Leads", 1, "phone")
		setRow(t, f, "Leads", 2, 612345678)
		_, err = f.NewSheet("Later")
		must(t, err)
		setRow(t, f, "Later", 1, "other")
		f.SetActiveSheet(1)
		must(t, f.SetSheetVisible("Sheet1", false))
	})
	header, rows := mustReadAll(t, path, Options{})
	if !reflect.DeepEqual(header, []string{"phone"}) || !reflect.DeepEqual(rows, []row{{2, []string{"612345678"}}}) {
		t.Errorf("header %q, rows %v; want the Leads sheet", header, rows)
	}
}

func TestXLSXHeaderNotOnRowOne(t *testing.T) {
	path := writeWorkbook(t, "leads.xlsx", func(f *excelize.File) {
		setRow(t, f, "Sheet1", 3, "phone")
		setRow(t, f, "Sheet1", 4, "612345678")
	})
	header, rows := mustReadAll(t, path, Options{})
	if !reflect.DeepEqual(header, []string{"phone"}) || !reflect.DeepEqual(rows, []row{{4, []string{"612345678"}}}) {
		t.Errorf("header %q, rows %v", header, rows)
	}
	// --header-row counts the blank rows above it: the header is row 3.
	in, err := Open(path, Options{})
	must(t, err)
	defer in.Close()
	if h, ok := in.(interface{ HeaderRow() int }); !ok || h.HeaderRow() != 3 {
		t.Error("HeaderRow is not 3")
	}
}

func TestXLSXErrors(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
		want string
		is   error
	}{
		{
			name: "empty workbook",
			path: func(t *testing.T) string { return writeWorkbook(t, "empty.xlsx", func(*excelize.File) {}) },
			want: "empty",
			is:   ErrEmpty,
		},
		{
			name: "only blank cells",
			path: func(t *testing.T) string {
				return writeWorkbook(t, "blank.xlsx", func(f *excelize.File) {
					must(t, f.SetCellValue("Sheet1", "B2", ""))
					must(t, f.SetCellValue("Sheet1", "C7", ""))
				})
			},
			want: "empty",
			is:   ErrEmpty,
		},
		{
			name: "text file named .xlsx",
			path: func(t *testing.T) string { return writeFile(t, "leads.xlsx", "phone,name\n612345678,Ana\n") },
			want: "not an Excel workbook",
		},
		{
			name: "empty file named .xlsx",
			path: func(t *testing.T) string { return writeFile(t, "leads.xlsx", "") },
			want: "not an Excel workbook",
		},
		{
			name: "empty zip archive",
			path: func(t *testing.T) string { return writeFile(t, "leads.xlsx", "PK\x05\x06"+strings.Repeat("\x00", 18)) },
			want: "not an Excel workbook",
		},
		{
			name: "zip archive of something else",
			path: func(t *testing.T) string {
				var b bytes.Buffer
				zw := zip.NewWriter(&b)
				w, err := zw.Create("notes.txt")
				must(t, err)
				_, err = w.Write([]byte("612345678\n"))
				must(t, err)
				must(t, zw.Close())
				return writeFile(t, "leads.xlsx", b.String())
			},
			want: "not an Excel workbook",
		},
		{
			name: "truncated workbook",
			path: func(t *testing.T) string {
				full, err := os.ReadFile(writeWorkbook(t, "full.xlsx", func(f *excelize.File) { setRow(t, f, "Sheet1", 1, "phone") }))
				must(t, err)
				return writeFile(t, "leads.xlsx", string(full[:len(full)/2]))
			},
			want: "not an Excel workbook",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			_, _, err := readAll(t, path, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
		})
	}
}

// A row whose cells show nothing (number format ";;;") but store a phone
// number is a lead, not a blank row: dropped, it would be in neither output.
func TestXLSXHiddenValues(t *testing.T) {
	path := writeWorkbook(t, "leads.xlsx", func(f *excelize.File) {
		setRow(t, f, "Sheet1", 1, "name", "phone")
		setRow(t, f, "Sheet1", 2, "Ana", 612345678)
		setRow(t, f, "Sheet1", 3, nil, 612345679)
		hidden := ";;;"
		style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &hidden})
		must(t, err)
		must(t, f.SetCellStyle("Sheet1", "B2", "B3", style))
	})
	in, err := Open(path, Options{})
	must(t, err)
	defer in.Close()
	raw := in.(interface{ RawFields() []string })
	var got []row
	var stored []string
	for {
		fields, n, err := in.Next()
		if err != nil {
			break
		}
		got = append(got, row{n, fields})
		stored = append(stored, raw.RawFields()[1])
	}
	if len(got) != 2 || got[1].Num != 3 || !reflect.DeepEqual(stored, []string{"612345678", "612345679"}) {
		t.Errorf("rows %v, stored phones %q; want rows 2 and 3 with their numbers", got, stored)
	}
	if h, ok := in.(interface{ HeaderRow() int }); !ok || h.HeaderRow() != 1 {
		t.Error("no HeaderRow 1")
	}
}

// A sheet whose XML breaks part-way through fails the read, whichever
// reader meets the break: excelize on its own took the break for the end
// of the sheet, and the rows after it went unread without a word. So do
// rows after the sheet's data, which no reader reads. A sheet in another
// encoding, well-formed, is read.
func TestXLSXDamagedMidSheet(t *testing.T) {
	sheet := func(row30 string, after string) string {
		var rows strings.Builder
		rows.WriteString(`<row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c></row>`)
		for r := 2; r <= 50; r++ {
			if r == 30 {
				rows.WriteString(row30)
				continue
			}
			fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>6123450%02d</v></c></row>`, r, r, r)
		}
		return strings.Replace(sheetXML(rows.String()), `</sheetData>`, `</sheetData>`+after, 1)
	}
	for name, tt := range map[string]struct {
		sheet string
		want  string // in the error; "" for none, all 49 rows read
	}{
		"a tag closed by another": {sheet(`<row r="30"><c r="A30" t="str"><v>broken</c></row>`, ""), "line 2 of xl/worksheets/sheet1.xml: element <v> closed by </c>"},
		"an unknown entity":       {sheet(`<row r="30"><c r="B30" t="inlineStr"><is><t>Jos&bad;</t></is></c></row>`, ""), "invalid character entity &bad;"},
		"a control character":     {sheet("<row r=\"30\"><c r=\"B30\" t=\"inlineStr\"><is><t>Jos\x0b</t></is></c></row>", ""), "illegal character code U+000B"},
		"invalid UTF-8":           {sheet("<row r=\"30\"><c r=\"B30\" t=\"inlineStr\"><is><t>Jos\xe9</t></is></c></row>", ""), "invalid UTF-8"},
		"rows after the data":     {sheet(`<row r="30"><c r="A30"><v>612345030</v></c></row>`, `<sheetData><row r="51"><c r="A51"><v>612345051</v></c></row></sheetData>`), "it has rows after its data ends"},
		"Latin-1, well-formed": {strings.Replace(sheet("<row r=\"30\"><c r=\"B30\" t=\"inlineStr\"><is><t>Jos\xe9</t></is></c></row>", ""),
			`encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1), ""},
	} {
		path := writeParts(t, t.TempDir(), "damaged.xlsx", workbookParts(tt.sheet, "", ""))
		for _, fast := range []bool{true, false} {
			x, err := openXLSXReader(path, "", fast)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			n := 0
			for {
				if _, _, err = x.Next(); err != nil {
					break
				}
				n++
			}
			x.Close()
			switch {
			case tt.want == "" && (!errors.Is(err, io.EOF) || n != 49):
				t.Errorf("%s, fast %v: %d rows, then %v; want all 49", name, fast, n, err)
			case tt.want != "" && (!errors.Is(err, errDamagedSheet) || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("%s, fast %v: after %d rows, err = %v; want the damage named (%s)", name, fast, n, err, tt.want)
			}
		}
	}
}
