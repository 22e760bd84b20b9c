package scrub

import (
	"errors"
	"fmt"
	"io"
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

// LocateHeader finds the header row of src: the first row, unless it does
// not name a phone column (see FindPhoneColumns, with specs) or is a lone
// title (one filled cell in a row of several), in which case the next rows,
// up to 20, are tried. headerRow, if not 0, says which row it is (1-based,
// counting the rows src gives). It returns a Source whose Header is the
// header found and how many title rows above it were skipped.
func LocateHeader(src Source, specs []string, headerRow int) (Source, int, error) {
	if headerRow < 0 {
		return nil, 0, fmt.Errorf("header row %d: rows are numbered from 1", headerRow)
	}
	candidate := src.Header()
	var skipped int
	for i := 1; ; i++ {
		if headerRow > 0 {
			if i == headerRow {
				return &headedSource{Source: src, header: candidate}, skipped, nil
			}
		} else if isHeader(candidate, specs) {
			return &headedSource{Source: src, header: candidate}, skipped, nil
		}
		if headerRow == 0 && i > maxTitleRows {
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
	if headerRow > 0 {
		return nil, 0, fmt.Errorf("header row %d: the file has fewer rows", headerRow)
	}
	_, err := FindPhoneColumns(src.Header(), specs)
	if err == nil {
		err = &ColumnError{Header: src.Header()}
	}
	return nil, 0, err
}

func isHeader(row []string, specs []string) bool {
	filled := 0
	for _, c := range row {
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
