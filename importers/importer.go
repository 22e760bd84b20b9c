// Package importers reads lead and list files: CSV, Excel workbooks and plain
// text, one file per format behind the Reader interface. Importers know
// formats, not policies: they hand rows over exactly as the file holds them.
package importers

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Reader reads the rows of one input. It streams: no reader holds a whole
// file in memory.
type Reader interface {
	// Header is the header row.
	Header() []string
	// Next returns the next data row and the row number a spreadsheet shows
	// for it (the header is row 1). It returns io.EOF after the last row.
	Next() (fields []string, row int, err error)
	// Close releases the file.
	Close() error
}

// Decoded is implemented by readers of text that know its encoding.
type Decoded interface {
	// Encoding is the canonical name (see ParseEncoding) of the encoding
	// the input is read in, given in Options or detected.
	Encoding() string
}

// Progress is implemented by readers that know how far through their input they are.
type Progress interface {
	// Done and Total are in bytes of the file as stored (compressed, for a
	// .gz file); Total is 0 when unknown.
	Done() int64
	Total() int64
}

// Format is an input file format.
type Format string

// The formats.
const (
	CSV   Format = "csv"   // delimited text: comma, semicolon, tab or pipe
	XLSX  Format = "xlsx"  // Excel workbook (.xlsx, .xlsm)
	Lines Format = "lines" // one number per line, for list imports
)

// ErrEmpty is returned for an input with no header row.
var ErrEmpty = errors.New("file is empty: no header row")

// Options tune how a file is read.
type Options struct {
	// Format overrides the format chosen from the file name.
	Format Format
	// TextAsLines reads .txt files as one number per line instead of delimited text.
	TextAsLines bool
	// Stdin is read for the path "-" (always as CSV).
	Stdin io.Reader
	// Sheet names the workbook sheet to read (hidden or not); "" reads the
	// first visible one.
	Sheet string
	// Encoding is the text encoding of delimited text and of lists read as
	// lines (not of workbooks), by any name ParseEncoding accepts; ""
	// detects it from the first 64 KiB (see detectEncoding).
	Encoding string
	// Delimiter is the field separator of delimited text (see
	// ParseDelimiter); 0 detects it from the first line, or takes tab for
	// a .tsv or .tsv.gz file. A given delimiter wins over both.
	Delimiter rune
}

// FormatOf chooses the format from the file name.
func FormatOf(path string, textAsLines bool) (Format, error) {
	if path == "-" {
		return CSV, nil
	}
	inner, compressed := gzipped(path)
	if !compressed {
		inner = path
	}
	switch ext := strings.ToLower(filepath.Ext(inner)); ext {
	case ".csv", ".tsv":
		return CSV, nil
	case ".txt":
		if textAsLines {
			return Lines, nil
		}
		return CSV, nil
	default:
		if compressed {
			return "", fmt.Errorf("%s: unknown compressed file type %q (want .csv.gz, .tsv.gz or .txt.gz)", path, ext+".gz")
		}
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx", ".xlsm":
		return XLSX, nil
	case ".xls":
		return "", fmt.Errorf("%s: old binary Excel (.xls) is not supported: save it as .xlsx or .csv", path)
	default:
		return "", fmt.Errorf("%s: unknown file type %q (want .csv, .tsv, .txt, .xlsx or .xlsm, or .csv.gz, .tsv.gz, .txt.gz)", path, ext)
	}
}

// gzipped reports whether path names a gzip-compressed file, and the name
// without its .gz.
func gzipped(path string) (inner string, ok bool) {
	if path == "-" || !strings.EqualFold(filepath.Ext(path), ".gz") {
		return path, false
	}
	return path[:len(path)-len(".gz")], true
}

// Open opens path for reading in the format chosen by opts or by its name.
func Open(path string, opts Options) (Reader, error) {
	format := opts.Format
	if format == "" {
		var err error
		if format, err = FormatOf(path, opts.TextAsLines); err != nil {
			return nil, err
		}
	}
	if _, err := ParseEncoding(opts.Encoding); err != nil {
		return nil, err
	}
	if opts.Delimiter != 0 && !validDelimiter(opts.Delimiter) {
		return nil, fmt.Errorf("invalid delimiter %q (want one character such as , ; | or tab)", opts.Delimiter)
	}
	switch format {
	case CSV:
		return openCSV(path, opts)
	case XLSX:
		return openXLSX(path, opts.Sheet)
	case Lines:
		return openLines(path, opts)
	}
	return nil, fmt.Errorf("%s: unknown format %q", path, format)
}

// FileError is an error reading a file, at a row (and column) where one
// is known.
type FileError struct {
	File   string
	Row    int    // 0 when the error is not in one row
	Column string // the column, by number and name; "" when not in one cell
	Err    error
}

func (e *FileError) Error() string {
	if e.Row > 0 && e.Column != "" {
		return fmt.Sprintf("%s row %d, column %s: %v", e.File, e.Row, e.Column, e.Err)
	}
	if e.Row > 0 {
		return fmt.Sprintf("%s row %d: %v", e.File, e.Row, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// displayName is how a path is named in errors.
func displayName(path string) string {
	if path == "-" {
		return "stdin"
	}
	return path
}
