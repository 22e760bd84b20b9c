package main

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// leadsCSV is leads.csv: UTF-8, comma-separated, Spanish headers.
func leadsCSV(rows []row) ([]byte, error) {
	records := [][]string{{"lead_id", "nombre", "ciudad", "teléfono", "email", "fecha_alta"}}
	for _, r := range rows {
		records = append(records, []string{r.id, r.name, r.city, r.phone, r.email, r.created.Format("02/01/2006")})
	}
	return csvBytes(records)
}

func csvBytes(records [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(records); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// leadsXLSX is leads.xlsx. Phone cells are text or, where the generator made
// them so, numbers; Created holds real dates.
func leadsXLSX(rows []row) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Leads"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	// Fixed document properties: excelize's defaults are fixed too, but these
	// say where the file comes from, and no clock gets in.
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "dncctl gensample", Title: "Leads feria",
		Created: "2026-01-01T00:00:00Z", Modified: "2026-01-01T00:00:00Z",
	}); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dateFmt := "dd/mm/yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return nil, err
	}
	header := []any{"Lead ID", "Name", "City", "Mobile", "Email", "Created"}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sheet, "A1", "F1", bold); err != nil {
		return nil, err
	}
	for i, r := range rows {
		var mobile any = r.phone
		if r.num != 0 {
			mobile = r.num
		}
		for col, v := range []any{r.id, r.name, r.city, mobile, r.email, r.created} {
			if v == "" {
				continue // no cell at all, as Excel leaves a cell nobody typed in
			}
			cell, _ := excelize.CoordinatesToCellName(col+1, i+2)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return nil, err
			}
		}
		created, _ := excelize.CoordinatesToCellName(6, i+2)
		if err := f.SetCellStyle(sheet, created, created, date); err != nil {
			return nil, err
		}
	}
	for i, width := range []float64{10, 24, 14, 20, 30, 12} {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// numberList is a one-number-a-line list with a comment on top, numbers in
// international notations, in shuffled order.
func numberList(rng *rand.Rand, comment string, ps []phone) []byte {
	var b strings.Builder
	for _, line := range strings.Split(comment, "\n") {
		b.WriteString("# " + line + "\n")
	}
	for _, p := range shuffled(rng, ps) {
		b.WriteString(p.writeIntl(rng) + "\n")
	}
	return []byte(b.String())
}

// csvList is a list as a CSV export: phone and one more column, values
// from more. Spanish numbers may lack the country code (imported with --region ES).
func csvList(rng *rand.Rand, header [2]string, ps []phone, more func(i int) string) ([]byte, error) {
	records := [][]string{header[:]}
	for i, p := range shuffled(rng, ps) {
		records = append(records, []string{p.write(rng), more(i)})
	}
	return csvBytes(records)
}

func shuffled(rng *rand.Rand, ps []phone) []phone {
	out := slices.Clone(ps)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
