package scrub

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Source yields the rows of one input file.
type Source interface {
	// Header is the input's header row.
	Header() []string
	// Next returns the next data row and the row number a spreadsheet shows
	// for it (the header is row 1). It returns io.EOF after the last row.
	Next() (fields []string, row int, err error)
}

// RawSource is a Source that also has each row's stored values: a
// spreadsheet, whose displayed values follow number formats. Phone cells
// are read from the stored values.
type RawSource interface {
	Source
	// RawFields are the stored values of the row Next last returned, or nil.
	RawFields() []string
}

// Sink receives output rows.
type Sink interface {
	Write(fields []string) error
}

// The columns scrub adds to the clean file.
var cleanColumns = []string{"phone_e164", "phone_type", "phone_region", "priority", "phone_timezone", "call_window_utc"}

// The columns that open the rejection report.
var rejectedColumns = []string{"source_file", "source_row", "phone_column", "phone_raw", "phone_e164", "reason", "detail", "row_outcome"}

// Input is one file to scrub.
type Input struct {
	Name         string // the file name written in the report's source_file column
	Sheet        string // a workbook's sheet, written in the report's source_sheet column
	Source       Source
	PhoneColumns []int // 0-based indexes into the header, at least one
	RegionColumn *int  // 0-based index of a per-row country column, or nil
	// Later, if not nil, receives the clean rows without a whitelisted
	// number, for the caller to write after the others (--whitelist-first).
	Later Sink
}

// CleanHeader is the clean file's header: the input's columns in their
// order, then phone_e164, phone_type, phone_region and priority. When the
// input is itself a clean file (it has phone_e164), its columns of those
// names are replaced, not repeated; any other input keeps all its columns,
// a CRM's own "priority" among them.
func CleanHeader(in []string) []string {
	out := make([]string, 0, len(in)+len(cleanColumns))
	for _, i := range keptColumns(in) {
		out = append(out, in[i])
	}
	return append(out, cleanColumns...)
}

// RejectedHeader is the rejection report's header: the report's columns
// (with source_sheet after source_file for a workbook, when sheets), then
// the input's, less those a previous scrub added (they are replaced, as in
// CleanHeader, so that a clean file scrubbed again has no column twice).
func RejectedHeader(in []string, sheets bool) []string {
	out := slices.Clone(rejectedColumns)
	if sheets {
		out = slices.Insert(out, 1, "source_sheet")
	}
	for _, i := range keptColumns(in) {
		out = append(out, in[i])
	}
	return out
}

// Scrub reads every row of in, checks every number in its phone columns,
// and writes the row to clean when at least one number may be called (with
// the others blanked), and one line to rejected for every number removed.
// Every row read is either in clean or dropped, with its numbers in
// rejected. progress, if not nil, is called after each row.
//
// The numbers are checked on d.Workers goroutines, but the outputs are
// those of one: rows are written in input order, and the Source, the sinks
// and progress are used from the caller's goroutine alone. Rows are read a
// few batches ahead of those written. On an error or a cancelled ctx,
// Scrub returns once every goroutine it started has ended.
func (d *Decider) Scrub(ctx context.Context, in Input, clean, rejected Sink, sum *Summary, progress func()) error {
	header := in.Source.Header()
	if len(in.PhoneColumns) == 0 {
		return fmt.Errorf("%s: no phone column", in.Name)
	}
	cols := in.PhoneColumns
	if in.RegionColumn != nil {
		cols = append(cols[:len(cols):len(cols)], *in.RegionColumn)
	}
	for _, c := range cols {
		if c < 0 || c >= len(header) {
			return fmt.Errorf("%s: phone column %d is not in the header (%d columns)", in.Name, c+1, len(header))
		}
	}
	s := &scrubber{d: d, in: in, header: header, keep: keptColumns(header), clean: clean, rejected: rejected,
		sum: sum, fs: sum.file(in.Name), progress: progress}
	if workers := d.workers(); workers > 1 {
		return s.parallel(ctx, workers, cmp.Or(d.batchRows, defaultBatchRows))
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := s.read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		s.check(&r)
		if err := s.finish(&r); err != nil {
			return err
		}
	}
}

// scrubber is one input being scrubbed.
type scrubber struct {
	d               *Decider
	in              Input
	header          []string
	keep            []int
	clean, rejected Sink
	sum             *Summary
	fs              *FileSummary
	progress        func()
}

// leadRow is one input row on its way through Scrub.
type leadRow struct {
	fields    []string
	row       int
	malformed bool // more fields than the header: none of its numbers is checked
	checks    rowChecks
	guess     rowVerdict // the verdict if none of its numbers is a duplicate, when guessed
	guessed   bool
}

// read reads the next row.
func (s *scrubber) read() (leadRow, error) {
	fields, row, err := s.in.Source.Next()
	if err != nil {
		return leadRow{}, err
	}
	fields = StoredPhones(s.in.Source, fields, s.in.PhoneColumns)
	if len(fields) > len(s.header) && !allEmpty(fields[len(s.header):]) {
		return leadRow{fields: fields, row: row, malformed: true}, nil
	}
	return leadRow{fields: fitTo(fields, len(s.header)), row: row}, nil
}

// check checks the row's numbers. It is safe for concurrent use.
func (s *scrubber) check(r *leadRow) {
	if !r.malformed {
		r.checks = s.d.checkRow(s.in, r.fields)
	}
}

// finish decides the checked row, counts it and writes it. Rows must be
// finished in input order.
func (s *scrubber) finish(r *leadRow) error {
	var v rowVerdict
	if r.malformed {
		v = malformedRow(s.in, s.header, s.keep, r.fields, r.row)
	} else {
		var guess *rowVerdict
		if r.guessed {
			guess = &r.guess
		}
		v = s.d.finishRow(s.in, s.header, s.keep, r.fields, r.row, r.checks, guess)
	}
	s.fs.count(v)
	s.sum.count(v)
	if v.clean != nil {
		to := s.clean
		if s.in.Later != nil && !v.whitelisted {
			to = s.in.Later
		}
		if err := to.Write(v.clean); err != nil {
			return err
		}
	}
	for _, line := range v.rejected {
		if err := s.rejected.Write(line); err != nil {
			return err
		}
	}
	if s.progress != nil {
		s.progress()
	}
	return nil
}

// keptColumns are the indexes of the input columns the outputs keep: all
// of them, unless the input is a clean file scrubbed again, whose phone_*
// and priority columns are replaced.
func keptColumns(header []string) []int {
	rescrub := slices.Contains(header, cleanColumns[0])
	keep := make([]int, 0, len(header))
	for i, h := range header {
		if !rescrub || !slices.Contains(cleanColumns, h) {
			keep = append(keep, i)
		}
	}
	return keep
}

func fitTo(fields []string, n int) []string {
	if len(fields) >= n {
		return fields[:n]
	}
	out := make([]string, n)
	copy(out, fields)
	return out
}

func allEmpty(fields []string) bool {
	for _, f := range fields {
		if f != "" {
			return false
		}
	}
	return true
}

// maxExcelDigits is the precision of Excel's numbers: a numeric cell with
// more digits has lost the rest.
const maxExcelDigits = 15

// StoredPhones is the row src last gave, with the phone columns of a
// spreadsheet read from the values stored (see storedPhones), so that every
// command reads a workbook's numbers as scrub does.
func StoredPhones(src Source, fields []string, phoneCols []int) []string {
	if rs, ok := src.(RawSource); ok {
		return storedPhones(fields, rs.RawFields(), phoneCols)
	}
	return fields
}

// storedPhones puts in each phone column holding a number the digits Excel
// stored rather than what its number format shows (8.61E+12, 13812345678.00,
// 00612345678, 8,613,812,345,678). A number longer than Excel can hold
// becomes its scientific form, which is then EXCEL_PRECISION_LOST.
func storedPhones(fields, raw []string, phoneCols []int) []string {
	for _, c := range phoneCols {
		if c >= len(fields) || c >= len(raw) || raw[c] == fields[c] || !isDigits(raw[c]) {
			continue
		}
		v := raw[c]
		if len(strings.TrimRight(v, "0")) > maxExcelDigits || len(v) > maxExcelDigits+3 {
			v = v[:1] + "." + v[1:6] + "E+" + strconv.Itoa(len(v)-1)
		}
		fields[c] = v
	}
	return fields
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
