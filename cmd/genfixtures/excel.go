package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// newBook is a workbook with one sheet named sheet and fixed document
// properties, so that no clock gets into the bytes.
func newBook(sheet string) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	err := f.SetDocProps(&excelize.DocProperties{
		Creator: "dncctl genfixtures", Created: "2026-01-01T00:00:00Z", Modified: "2026-01-01T00:00:00Z",
	})
	return f, err
}

// setRows writes rows of text cells from cell A<first>; an empty string
// leaves its cell empty.
func setRows(f *excelize.File, sheet string, first int, rows [][]string) error {
	for i, r := range rows {
		for j, v := range r {
			if v == "" {
				continue
			}
			cell, err := excelize.CoordinatesToCellName(j+1, first+i)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// bytesOf closes f and returns its bytes.
func bytesOf(f *excelize.File) ([]byte, error) {
	defer f.Close()
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// patchZip rewrites one member of a zip archive (what excelize cannot write:
// cached formula values, quotePrefix), keeping every other member and every
// header (names, order, times) as it was.
func patchZip(data []byte, member string, patch func(string) string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if zf.Name == member {
			found = true
			b = []byte(patch(string(b)))
		}
		fh := zf.FileHeader
		fh.CompressedSize64, fh.UncompressedSize64, fh.CRC32 = 0, 0, 0
		w, err := zw.CreateHeader(&fh)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, fmt.Errorf("patchZip: no %s in the archive", member)
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// replaceCell replaces cell ref's whole <c> element in a sheet's XML.
func replaceCell(sheetXML, ref, cellXML string) (string, error) {
	re := regexp.MustCompile(`<c r="` + ref + `"[^>]*?(/>|>.*?</c>)`)
	if !re.MatchString(sheetXML) {
		return "", fmt.Errorf("no cell %s", ref)
	}
	return re.ReplaceAllLiteralString(sheetXML, cellXML), nil
}

// excelFixtures are the workbooks dncctl must read.
func excelFixtures() ([]fixture, error) {
	var out []fixture
	for _, b := range []func() (fixture, error){numericXLSX, formulaXLSX, sheetsXLSX, mergedXLSX, passwordXLSX} {
		fx, err := b()
		if err != nil {
			return nil, err
		}
		out = append(out, fx)
	}
	return out, nil
}

// numericXLSX has phone cells stored as numbers under several number formats,
// text phone cells, one with Excel's leading apostrophe (quotePrefix), and a
// date column.
func numericXLSX() (fixture, error) {
	const sheet = "Leads"
	f, err := newBook(sheet)
	if err != nil {
		return fixture{}, err
	}
	if err := setRows(f, sheet, 1, [][]string{{"nombre", "teléfono", "formato", "alta"}}); err != nil {
		return fixture{}, err
	}
	sci, zeros, dateFmt := "0.00E+00", "00000000000", "dd/mm/yyyy"
	styles := map[string]*excelize.Style{
		"General":     {NumFmt: 0},
		"0":           {NumFmt: 1},
		"0.00E+00":    {CustomNumFmt: &sci},
		"00000000000": {CustomNumFmt: &zeros},
		"text":        {NumFmt: 49},
		"date":        {CustomNumFmt: &dateFmt},
	}
	ids := map[string]int{}
	for _, k := range []string{"General", "0", "0.00E+00", "00000000000", "text", "date"} {
		id, err := f.NewStyle(styles[k])
		if err != nil {
			return fixture{}, err
		}
		ids[k] = id
	}
	rows := []struct {
		name   string
		phone  any
		format string
	}{
		{"Ana Núñez", 612345620, "General"},
		{"李娜", 612345621, "0"},
		{"Zoë Ruiz", 34612345625, "0.00E+00"},
		{"Iñigo Sáez", 612345622, "00000000000"},
		{"王芳", "+34 612 345 623", "texto"},
		{"Begoña Gil", "0034612345624", "'texto (apóstrofo)"},
	}
	for i, r := range rows {
		n := i + 2
		cell := fmt.Sprintf("B%d", n)
		if err := f.SetCellValue(sheet, fmt.Sprintf("A%d", n), r.name); err != nil {
			return fixture{}, err
		}
		if err := f.SetCellValue(sheet, cell, r.phone); err != nil {
			return fixture{}, err
		}
		if st, ok := ids[r.format]; ok {
			if err := f.SetCellStyle(sheet, cell, cell, st); err != nil {
				return fixture{}, err
			}
		}
		if r.format == "'texto (apóstrofo)" {
			if err := f.SetCellStyle(sheet, cell, cell, ids["text"]); err != nil {
				return fixture{}, err
			}
		}
		if err := f.SetCellValue(sheet, fmt.Sprintf("C%d", n), r.format); err != nil {
			return fixture{}, err
		}
		d := fmt.Sprintf("D%d", n)
		if err := f.SetCellValue(sheet, d, time.Date(2026, 11, 10+i, 0, 0, 0, 0, time.UTC)); err != nil {
			return fixture{}, err
		}
		if err := f.SetCellStyle(sheet, d, d, ids["date"]); err != nil {
			return fixture{}, err
		}
	}
	data, err := bytesOf(f)
	if err != nil {
		return fixture{}, err
	}
	// excelize has no quotePrefix in its Style: the text style (number
	// format 49, "@") gets it, as Excel does for a cell typed as '0034….
	data, err = patchZip(data, "xl/styles.xml", func(s string) string {
		return strings.Replace(s, `<xf numFmtId="49" `, `<xf numFmtId="49" quotePrefix="1" `, 1)
	})
	return fixture{"numeric.xlsx", "phone cells as numbers formatted General, 0, 0.00E+00 (34612345625 shows as 3.46E+10) and 00000000000 (shows 00612345622), text cells, a text cell with Excel's leading apostrophe (quotePrefix), a date column (dd/mm/yyyy)", data}, err
}

// formulaXLSX has phone cells computed by formulas, with the values Excel
// cached when it last saved (excelize writes formulas without them).
func formulaXLSX() (fixture, error) {
	const sheet = "Leads"
	f, err := newBook(sheet)
	if err != nil {
		return fixture{}, err
	}
	if err := setRows(f, sheet, 1, [][]string{
		{"nombre", "prefijo", "abonado", "teléfono"},
		{"Ana Gil", "+34", "612345630"},
		{"Bo Wang", "0086", "13812345630"},
		{"Carla Ríos", "", "612345631"},
		{"Dora Paz", "+34", "612345630"},
	}); err != nil {
		return fixture{}, err
	}
	cells := []struct{ ref, formula, cached string }{
		{"D2", `B2&amp;" "&amp;C2`, `<c r="D2" t="str"><f>B2&amp;" "&amp;C2</f><v>+34 612345630</v></c>`},
		{"D3", `CONCATENATE(B3," ",C3)`, `<c r="D3" t="str"><f>CONCATENATE(B3," ",C3)</f><v>0086 13812345630</v></c>`},
		{"D4", `VALUE(C4)`, `<c r="D4"><f>VALUE(C4)</f><v>612345631</v></c>`},
		{"D5", `B5&amp;C5`, `<c r="D5" t="str"><f>B5&amp;C5</f><v>+34612345630</v></c>`},
	}
	for _, c := range cells {
		if err := f.SetCellFormula(sheet, c.ref, "0"); err != nil {
			return fixture{}, err
		}
	}
	data, err := bytesOf(f)
	if err != nil {
		return fixture{}, err
	}
	var perr error
	data, err = patchZip(data, "xl/worksheets/sheet1.xml", func(s string) string {
		for _, c := range cells {
			if s, perr = replaceCell(s, c.ref, c.cached); perr != nil {
				return s
			}
		}
		return s
	})
	if err == nil {
		err = perr
	}
	return fixture{"formula.xlsx", "phone column computed by formulas (string concatenations and a numeric VALUE()) with their cached values written as Excel saves them; the last row repeats the first's number", data}, err
}

// sheetsXLSX has three sheets, the second hidden.
func sheetsXLSX() (fixture, error) {
	f, err := newBook("Madrid")
	if err != nil {
		return fixture{}, err
	}
	sheets := []struct {
		name string
		rows [][]string
	}{
		{"Madrid", [][]string{{"nombre", "teléfono"}, {"Álvaro Ruiz", "612 345 640"}, {"Nuria Sanz", "612 345 641"}}},
		{"Borradores", [][]string{{"nombre", "teléfono"}, {"prueba", "612 345 640"}, {"prueba 2", "612 345 642"}}},
		{"北京", [][]string{{"nombre", "teléfono"}, {"李雷", "+86 138 1234 5640"}, {"Álvaro Ruiz", "+34 612 345 640"}, {"韩梅梅", "+86 139 1234 5641"}}},
	}
	for i, s := range sheets {
		if i > 0 {
			if _, err := f.NewSheet(s.name); err != nil {
				return fixture{}, err
			}
		}
		if err := setRows(f, s.name, 1, s.rows); err != nil {
			return fixture{}, err
		}
	}
	f.SetActiveSheet(0)
	if err := f.SetSheetVisible("Borradores", false); err != nil {
		return fixture{}, err
	}
	data, err := bytesOf(f)
	return fixture{"sheets.xlsx", "three sheets: Madrid, Borradores (hidden), 北京; the same number on several sheets", data}, err
}

// mergedXLSX has a merged title cell above the header.
func mergedXLSX() (fixture, error) {
	const sheet = "Feria"
	f, err := newBook(sheet)
	if err != nil {
		return fixture{}, err
	}
	if err := f.SetCellStr(sheet, "A1", "Leads — Feria de Sevilla 2026"); err != nil {
		return fixture{}, err
	}
	if err := f.MergeCell(sheet, "A1", "C1"); err != nil {
		return fixture{}, err
	}
	if err := setRows(f, sheet, 2, [][]string{
		{"nombre", "móvil", "ciudad"},
		{"Rocío Ortega", "612 345 650", "Sevilla"},
		{"Jesús Marín", "699 111 250", "Dos Hermanas"},
		{"María Jesús Peña", "no tiene", "Écija"},
	}); err != nil {
		return fixture{}, err
	}
	data, err := bytesOf(f)
	return fixture{"merged-header.xlsx", "a title in cells A1:C1 merged, above the header on row 2; a row with text instead of a number", data}, err
}
