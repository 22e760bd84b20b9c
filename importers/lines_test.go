package importers

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name    string
		content string
		header  []string
		rows    []row
	}{
		{
			name:    "numbers only",
			content: "612345678\n+34 622 222 222\n",
			header:  []string{"phone"},
			rows:    []row{{1, []string{"612345678"}}, {2, []string{"+34 622 222 222"}}},
		},
		{
			name:    "blank lines and comments skipped, line numbers kept",
			content: "# opt-outs from the web form\n\n612345678\n   \n  # another comment\n\t622222222  \n#633333333\n",
			header:  []string{"phone"},
			rows:    []row{{3, []string{"612345678"}}, {6, []string{"622222222"}}},
		},
		{
			name:    "first line without a digit is the header",
			content: "Teléfono\n612345678\n\n622222222\n",
			header:  []string{"Teléfono"},
			rows:    []row{{2, []string{"612345678"}}, {4, []string{"622222222"}}},
		},
		{
			name:    "header after comments",
			content: "# exported 2024\n\nnumber\n612345678\n",
			header:  []string{"number"},
			rows:    []row{{4, []string{"612345678"}}},
		},
		{
			name:    "only the first line can be a header",
			content: "612345678\nunknown\n",
			header:  []string{"phone"},
			rows:    []row{{1, []string{"612345678"}}, {2, []string{"unknown"}}},
		},
		{
			name:    "BOM and CRLF",
			content: "\ufeffphone\r\n612345678\r\n622222222\r\n",
			header:  []string{"phone"},
			rows:    []row{{2, []string{"612345678"}}, {3, []string{"622222222"}}},
		},
		{
			name:    "BOM before a number",
			content: "\ufeff612345678\n",
			header:  []string{"phone"},
			rows:    []row{{1, []string{"612345678"}}},
		},
		{
			name:    "no final newline",
			content: "612345678\n622222222",
			header:  []string{"phone"},
			rows:    []row{{1, []string{"612345678"}}, {2, []string{"622222222"}}},
		},
		{
			name:    "commas are not split",
			content: "612345678,Ana\n",
			header:  []string{"phone"},
			rows:    []row{{1, []string{"612345678,Ana"}}},
		},
		{
			name:    "header only",
			content: "phone\n\n# nothing yet\n",
			header:  []string{"phone"},
		},
		{
			name:    "empty file",
			content: "",
			header:  []string{"phone"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "numbers.txt", tt.content)
			header, rows := mustReadAll(t, path, Options{TextAsLines: true})
			if !reflect.DeepEqual(header, tt.header) {
				t.Errorf("header = %q, want %q", header, tt.header)
			}
			if !reflect.DeepEqual(rows, tt.rows) {
				t.Errorf("rows = %v, want %v", rows, tt.rows)
			}
		})
	}
}

func TestTextIsCSVUnlessLines(t *testing.T) {
	path := writeFile(t, "numbers.txt", "phone;name\n612345678;Ana\n")
	header, rows := mustReadAll(t, path, Options{})
	if !reflect.DeepEqual(header, []string{"phone", "name"}) || len(rows) != 1 || len(rows[0].Fields) != 2 {
		t.Errorf("as CSV: header %q, rows %v", header, rows)
	}
	header, rows = mustReadAll(t, path, Options{TextAsLines: true})
	if !reflect.DeepEqual(header, []string{"phone;name"}) || !reflect.DeepEqual(rows, []row{{2, []string{"612345678;Ana"}}}) {
		t.Errorf("as lines: header %q, rows %v", header, rows)
	}
	// An explicit format wins over the name.
	path = writeFile(t, "numbers.csv", "phone\n612345678\n")
	header, rows = mustReadAll(t, path, Options{Format: Lines})
	if !reflect.DeepEqual(header, []string{"phone"}) || !reflect.DeepEqual(rows, []row{{2, []string{"612345678"}}}) {
		t.Errorf("lines format on .csv: header %q, rows %v", header, rows)
	}
}

func TestLinesTooLong(t *testing.T) {
	path := writeFile(t, "numbers.txt", "612345678\n"+strings.Repeat("9", 2<<20)+"\n")
	_, rows, err := readAll(t, path, Options{TextAsLines: true})
	if err == nil {
		t.Fatal("no error for a 2 MiB line")
	}
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != path || fe.Row != 2 {
		t.Errorf("error = %#v, want a FileError for %s row 2", err, path)
	}
	if !strings.Contains(err.Error(), path+" row 2") {
		t.Errorf("error %q does not name the file and row", err)
	}
	if len(rows) != 1 {
		t.Errorf("rows before the error = %v", rows)
	}
}
