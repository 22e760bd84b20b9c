package scrub

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// maxTitleRows is how far down a file the header is looked for.
const maxTitleRows = 20

// headedSource is a Source whose header was found below title rows: the
// rows after the header come from the Source as they are.
type headedSource struct {
	Source
	header []string
}

func (h *headedSource) Header() []string { return h.header }

// RawFields passes on a spreadsheet's stored values.
func (h *headedSource) RawFields() []string {
	if rs, ok := h.Source.(RawSource); ok {
		return rs.RawFields()
	}
	return nil
}

// headerRowSource is a Source that knows the row number of its header:
// more than 1 when blank rows above it were skipped.
type headerRowSource interface {
	HeaderRow() int
}

// LocateHeader finds the header row of src: the first row, unless it does
// not name a phone column (see FindPhoneColumns, with specs) or is a lone
// title (one filled cell in a row of several), in which case the next rows,
// up to 20, are tried, as long as the rows passed over look like titles
// (see isTitle). headerRow, if not 0, says which row it is: the row number a
// spreadsheet shows, as Next gives it. It returns a Source whose Header is
// the header found and how many rows above it were skipped.
func LocateHeader(src Source, specs []string, headerRow int) (Source, int, error) {
	if headerRow < 0 {
		return nil, 0, fmt.Errorf("header row %d: rows are numbered from 1", headerRow)
	}
	if headerRow > 0 {
		return headerAt(src, headerRow)
	}
	candidate := src.Header()
	var skipped int
	for i := 1; i <= maxTitleRows; i++ {
		if isHeader(candidate, specs) {
			return &headedSource{Source: src, header: candidate}, skipped, nil
		}
		// A row that is not a title may be a lead: passing over it would
		// leave it in neither output, and let a later data row that holds
		// a word such as "Mobile" be taken for the header.
		if !isTitle(candidate) {
			break
		}
		next, _, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		skipped++
		candidate = next
	}
	_, err := FindPhoneColumns(src.Header(), specs)
	switch {
	case err != nil:
	case len(specs) > 0:
		// The columns named are there, but in a row of data (a number in
		// it) or of titles: the file may have no header at all.
		err = fmt.Errorf("no header row found (the first row is %q): a file of leads needs one; say which row it is with --header-row", src.Header())
	default:
		err = &ColumnError{Header: src.Header()}
	}
	return nil, 0, err
}

// headerAt is the header at row number headerRow. Row numbers are those
// Next gives, which count the blank rows readers skip: counting the rows
// read instead would take a data row for the header once a blank row
// came before it.
func headerAt(src Source, headerRow int) (Source, int, error) {
	candidate, row := src.Header(), 1
	if h, ok := src.(headerRowSource); ok {
		row = h.HeaderRow()
	}
	var skipped int
	for row < headerRow {
		next, n, err := src.Next()
		if errors.Is(err, io.EOF) {
			return nil, 0, fmt.Errorf("header row %d: the file has fewer rows", headerRow)
		}
		if err != nil {
			return nil, 0, err
		}
		skipped++
		candidate, row = next, n
	}
	if row != headerRow {
		return nil, 0, fmt.Errorf("header row %d is blank", headerRow)
	}
	return &headedSource{Source: src, header: candidate}, skipped, nil
}

func isHeader(row []string, specs []string) bool {
	filled := 0
	for _, c := range row {
		if phoneLike(c) {
			return false // a header names columns; a number makes it a lead
		}
		if c != "" {
			filled++
		}
	}
	if filled == 0 || (filled == 1 && len(row) > 1) {
		return false
	}
	_, err := FindPhoneColumns(row, specs)
	return err == nil
}

// isTitle reports whether a row above the header may be passed over: blank,
// or one or two cells of words. A row with more filled cells, or with a
// phone number in it, may be a lead.
func isTitle(row []string) bool {
	filled := 0
	for _, c := range row {
		if phoneLike(c) {
			return false
		}
		if strings.TrimSpace(c) != "" {
			filled++
		}
	}
	return filled <= 2
}

// phoneLike reports whether a cell may hold a phone number: five digits or
// more, and more digits than other characters (spaces aside). Titles such as
// "Leads 2026" have fewer; a date has as many and is taken for one, which
// only stops the search for the header.
func phoneLike(cell string) bool {
	digits, other := 0, 0
	for _, r := range cell {
		switch {
		case unicode.IsDigit(r):
			digits++
		case !unicode.IsSpace(r):
			other++
		}
	}
	return digits >= 5 && digits > other
}
