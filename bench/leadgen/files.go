package leadgen

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// Header is the lead file's header line.
var Header = []string{"id", "name", "phone", "country", "city", "source"}

// WriteLeads writes the first rows leads as CSV to path.
func WriteLeads(path string, rows int) error {
	return writeFile(path, func(w *bufio.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(Header); err != nil {
			return err
		}
		g := New()
		rec := make([]string, len(Header))
		for range rows {
			r := g.Next()
			rec[0], rec[1], rec[2] = strconv.Itoa(r.ID), "Lead "+strconv.Itoa(r.ID), r.Phone
			rec[3], rec[4], rec[5] = r.Region, r.City, r.Source
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	})
}

// WriteOptOuts writes to path, one E.164 number a line, the opt-out list
// for the first rows leads: the numbers of their OptedOut rows, then
// numbers of no lead, entries in all (or only the first when they are more).
func WriteOptOuts(path string, rows, entries int) error {
	return writeFile(path, func(w *bufio.Writer) error {
		g, n := New(), 0
		for range rows {
			if r := g.Next(); r.Kind == OptedOut {
				if _, err := fmt.Fprintln(w, r.E164); err != nil {
					return err
				}
				n++
			}
		}
		for j := 0; n < entries; j, n = j+1, n+1 {
			if _, err := fmt.Fprintln(w, OtherOptOut(j)); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteRegistry writes a US registry of numbers to path, in the National
// DNC Registry's "areacode,number" lines.
func WriteRegistry(path string, numbers int) error {
	if numbers > MaxRegistry() {
		return fmt.Errorf("a registry of at most %d numbers", MaxRegistry())
	}
	return writeFile(path, func(w *bufio.Writer) error {
		for j := range numbers {
			line, _ := RegistryNumber(j)
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteWorkbook copies a CSV into one sheet of a workbook, every cell as
// text, through excelize's stream writer, so a workbook of Excel's full
// 1,048,576 rows is written in bounded memory.
func WriteWorkbook(csvPath, xlsxPath string) error {
	in, err := os.Open(csvPath)
	if err != nil {
		return err
	}
	defer in.Close()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	r := csv.NewReader(in)
	r.ReuseRecord = true
	cells := []any{}
	for row := 1; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		cells = cells[:0]
		for _, v := range rec {
			cells = append(cells, v)
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		if err := sw.SetRow(cell, cells); err != nil {
			return fmt.Errorf("%s row %d: %w", xlsxPath, row, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	tmp := xlsxPath + ".tmp.xlsx" // SaveAs goes by the extension
	if err := f.SaveAs(tmp, excelize.Options{}); err != nil {
		return err
	}
	return os.Rename(tmp, xlsxPath)
}

// writeFile writes path through a temporary file renamed on success, so
// an interrupted run never leaves a partial file under the final name
// (bench/run reuses files that exist).
func writeFile(path string, fill func(*bufio.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	err = fill(w)
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return os.Rename(tmp, path)
}

// Version is in the file names: change it with anything that changes the
// files' bytes, so that runs do not reuse files made by an older generator.
const Version = 2

// LeadsFile is the name of the CSV of the first rows leads.
func LeadsFile(rows int) string { return fmt.Sprintf("leads-v%d-%d.csv", Version, rows) }

// WorkbookFile is the name of the workbook of the first rows leads.
func WorkbookFile(rows int) string { return fmt.Sprintf("leads-v%d-%d.xlsx", Version, rows) }

// OptOutsFile is the name of the opt-out list of entries numbers for the first rows leads.
func OptOutsFile(rows, entries int) string {
	return fmt.Sprintf("optouts-v%d-%d-%d.txt", Version, rows, entries)
}

// RegistryFile is the name of the US registry of numbers numbers.
func RegistryFile(numbers int) string { return fmt.Sprintf("registry-us-v%d-%d.txt", Version, numbers) }
