package exporters

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// maxRows is Excel's row limit, header included.
const maxRows = 1_048_576

// xlsxWriter writes one sheet through excelize's stream writer, so a large
// output never sits in memory. Every cell is written as text, so Excel never
// turns a phone number back into a number.
type xlsxWriter struct {
	cols   int
	filter bool // the header can carry an autofilter: unique, non-empty names
	p      *AtomicFile
	file   *excelize.File
	sw     *excelize.StreamWriter
	row    int
	cell   []any
}

const sheetName = "Sheet1"

func createXLSX(path string, header []string, opts Options) (Writer, error) {
	p, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	f.SetZipWriter(fastZip)
	x := &xlsxWriter{p: p, file: f, cols: len(header), filter: filterable(header)}
	fail := func(err error) (Writer, error) {
		f.Close()
		p.Abort()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	if x.sw, err = f.NewStreamWriter(sheetName); err != nil {
		return fail(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fail(err)
	}
	for i, h := range header {
		if err := x.sw.SetColWidth(i+1, i+1, columnWidth(h, slices.Contains(opts.TextColumns, h))); err != nil {
			return fail(err)
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := x.sw.SetRow("A1", cells); err != nil {
		return fail(err)
	}
	x.row = 1
	return x, nil
}

func (x *xlsxWriter) Write(fields []string) error {
	if x.row >= maxRows {
		return fmt.Errorf("write %s: more than %d rows, Excel's limit: write CSV instead (--format csv)", x.p.final, maxRows-1)
	}
	x.row++
	x.cell = x.cell[:0]
	for _, f := range fields {
		x.cell = append(x.cell, f)
	}
	cell, _ := excelize.CoordinatesToCellName(1, x.row)
	if err := x.sw.SetRow(cell, x.cell); err != nil {
		return fmt.Errorf("write %s: %w", x.p.final, err)
	}
	return nil
}

func (x *xlsxWriter) Commit() error { return CommitAll(x) }

func (x *xlsxWriter) staged() *AtomicFile { return x.p }

func (x *xlsxWriter) finish() error {
	if x.p.finished {
		return nil
	}
	if x.filter && x.row >= 2 {
		// A table gives the header its filter buttons without reading the
		// streamed rows back into memory, as AutoFilter would.
		last, _ := excelize.CoordinatesToCellName(x.cols, x.row)
		if err := x.sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Rows", ShowRowStripes: new(bool)}); err != nil {
			return fmt.Errorf("write %s: %w", x.p.final, err)
		}
	}
	if err := x.sw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", x.p.final, err)
	}
	if _, err := x.file.WriteTo(x.p); err != nil {
		return fmt.Errorf("write %s: %w", x.p.final, unwrapPath(err))
	}
	if err := x.file.Close(); err != nil {
		return fmt.Errorf("write %s: %w", x.p.final, err)
	}
	return x.p.finish()
}

func (x *xlsxWriter) Abort() error {
	x.file.Close()
	return x.p.Abort()
}

// filterable reports whether a header can head an Excel table, which wants
// unique, non-empty names.
func filterable(header []string) bool {
	seen := make(map[string]bool, len(header))
	for _, h := range header {
		k := strings.ToLower(strings.TrimSpace(h))
		if k == "" || seen[k] {
			return false
		}
		seen[k] = true
	}
	return len(header) > 0
}

// columnWidth fits a column to its header, the rows being unknown when a
// streamed sheet sets its widths: wide enough for an international number
// in a phone column, never so wide that a long header hides the rest.
func columnWidth(header string, phone bool) float64 {
	w := float64(utf8.RuneCountInString(header)) + 4 // room for the filter button
	if phone && w < 20 {
		w = 20
	}
	return min(max(w, 10), 40)
}

// fastZip zips a workbook with flate's fastest level instead of its
// default: the 574 MB sheet of a 1M-row scrub's clean list compresses in
// 2.0 s instead of 8.1 s, to 73 MB instead of 55 MB.
func fastZip(w io.Writer) excelize.ZipWriter {
	z := zip.NewWriter(w)
	z.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return z
}
