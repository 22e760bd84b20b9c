package importers

import (
	"errors"
	"strings"
	"testing"
)

func TestFormatOf(t *testing.T) {
	tests := []struct {
		path        string
		textAsLines bool
		want        Format
		err         string // in the error, when one is wanted
	}{
		{path: "-", want: CSV},
		{path: "-", textAsLines: true, want: CSV},
		{path: "leads.csv", want: CSV},
		{path: "LEADS.CSV", want: CSV},
		{path: "dir.xlsx/leads.csv", want: CSV},
		{path: "leads.tsv", want: CSV},
		{path: "leads.txt", want: CSV},
		{path: "leads.txt", textAsLines: true, want: Lines},
		{path: "leads.TXT", textAsLines: true, want: Lines},
		{path: "book.xlsx", want: XLSX},
		{path: "book.XLSX", textAsLines: true, want: XLSX},
		{path: "book.xlsm", want: XLSX},
		{path: "book.xls", err: "book.xls: old binary Excel (.xls) is not supported"},
		{path: "book.XLS", err: ".xls"},
		{path: "book.ods", err: `book.ods: unknown file type ".ods"`},
		{path: "leads.json", err: `unknown file type ".json"`},
		{path: "leads", err: `leads: unknown file type ""`},
		{path: "leads.csv.gz", want: CSV},
		{path: "LEADS.CSV.GZ", want: CSV},
		{path: "leads.tsv.gz", want: CSV},
		{path: "leads.txt.gz", want: CSV},
		{path: "leads.txt.gz", textAsLines: true, want: Lines},
		{path: "book.xlsx.gz", err: `book.xlsx.gz: unknown compressed file type ".xlsx.gz"`},
		{path: "leads.gz", err: `unknown compressed file type ".gz"`},
		{path: "", err: "unknown file type"},
	}
	for _, tt := range tests {
		got, err := FormatOf(tt.path, tt.textAsLines)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("FormatOf(%q, %v) = %q, %v; want an error with %q", tt.path, tt.textAsLines, got, err, tt.err)
			}
			if got != "" {
				t.Errorf("FormatOf(%q) = %q with an error", tt.path, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("FormatOf(%q, %v) = %q, %v; want %q", tt.path, tt.textAsLines, got, err, tt.want)
		}
	}
}

func TestOpenUnknownFormats(t *testing.T) {
	path := writeFile(t, "book.xls", "\xd0\xcf\x11\xe0")
	if _, err := Open(path, Options{}); err == nil || !strings.Contains(err.Error(), ".xls") {
		t.Errorf("Open(.xls) = %v", err)
	}
	if _, err := Open(path, Options{Format: "ods"}); err == nil || !strings.Contains(err.Error(), `unknown format "ods"`) {
		t.Errorf("Open with format ods = %v", err)
	}
}

func TestFileError(t *testing.T) {
	inner := errors.New("boom")
	tests := []struct {
		err  *FileError
		want string
	}{
		{&FileError{File: "a.csv", Err: inner}, "a.csv: boom"},
		{&FileError{File: "a.csv", Row: 7, Err: inner}, "a.csv row 7: boom"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if !errors.Is(tt.err, inner) {
			t.Errorf("%v does not unwrap to its cause", tt.err)
		}
	}
}
