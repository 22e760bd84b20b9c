// Package exporters writes clean lists and rejection reports, one file per
// format behind the Writer interface. Every file is written under a temporary
// name and renamed into place only by Commit: a failed or killed run never
// leaves a half-written file under a final name.
package exporters

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Writer writes the rows of one output file.
type Writer interface {
	// Write adds a row.
	Write(fields []string) error
	// Commit finishes the file and moves it to its final name. Several
	// files that must appear together go through CommitAll instead.
	Commit() error
	// Output's Abort removes the unfinished file; it is safe after Commit,
	// when it does nothing.
	Output
}

// Format is an output file format.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat accepts an output format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case CSV, XLSX:
		return f, nil
	}
	return "", fmt.Errorf("unknown output format %q (want csv or xlsx)", s)
}

// FormatOf is the output format matching an input file's name: workbooks
// give workbooks, everything else CSV.
func FormatOf(inputPath string) Format {
	switch strings.ToLower(filepath.Ext(inputPath)) {
	case ".xlsx", ".xlsm":
		return XLSX
	}
	return CSV
}

// Options tune how a file is written.
type Options struct {
	// TextColumns are the columns an .xlsx output must keep as text even if
	// they look like numbers (phone numbers).
	TextColumns []string
	// ExcelBOM starts a CSV output with a UTF-8 byte-order mark, without which
	// Excel reads UTF-8 as the local code page and garbles "Teléfono" or "手机".
	ExcelBOM bool
}

// Create starts an output file at path with the given header row.
func Create(path string, format Format, header []string, opts Options) (Writer, error) {
	switch format {
	case CSV:
		return createCSV(path, header, opts)
	case XLSX:
		return createXLSX(path, header, opts)
	}
	return nil, fmt.Errorf("%s: unknown output format %q", path, format)
}

// Ext is the file extension of a format, with its dot.
func (f Format) Ext() string { return "." + string(f) }
