package importers

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// row is one data row as a reader returns it.
type row struct {
	Num    int
	Fields []string
}

// writeFile writes content to name in a fresh directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// readAll opens path and reads it to the end.
func readAll(t *testing.T, path string, opts Options) (header []string, rows []row, err error) {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if cerr := r.Close(); cerr != nil {
			t.Errorf("Close: %v", cerr)
		}
	}()
	header = r.Header()
	for {
		fields, n, err := r.Next()
		if errors.Is(err, io.EOF) {
			return header, rows, nil
		}
		if err != nil {
			return header, rows, err
		}
		rows = append(rows, row{n, fields})
	}
}

// mustReadAll is readAll for inputs that must read without error.
func mustReadAll(t *testing.T, path string, opts Options) ([]string, []row) {
	t.Helper()
	header, rows, err := readAll(t, path, opts)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return header, rows
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content string
		header  []string
		rows    []row
	}{
		{
			name:    "comma",
			file:    "leads.csv",
			content: "phone,name,city\n612345678,Ana,Madrid\n+34 622 222 222,Luis,Bilbao\n",
			header:  []string{"phone", "name", "city"},
			rows:    []row{{2, []string{"612345678", "Ana", "Madrid"}}, {3, []string{"+34 622 222 222", "Luis", "Bilbao"}}},
		},
		{
			name:    "semicolon",
			file:    "leads.csv",
			content: "teléfono;nombre;importe\n612345678;Ana;1,50\n",
			header:  []string{"teléfono", "nombre", "importe"},
			rows:    []row{{2, []string{"612345678", "Ana", "1,50"}}},
		},
		{
			name:    "tab",
			file:    "leads.csv",
			content: "phone\tname\n612345678\tAna, Maria\n",
			header:  []string{"phone", "name"},
			rows:    []row{{2, []string{"612345678", "Ana, Maria"}}},
		},
		{
			name:    "pipe",
			file:    "leads.txt",
			content: "phone|name|note\n612345678|Ana|a;b,c\n",
			header:  []string{"phone", "name", "note"},
			rows:    []row{{2, []string{"612345678", "Ana", "a;b,c"}}},
		},
		{
			name:    "tsv is always tab",
			file:    "leads.TSV",
			content: "phone,with,commas\tname\n612,345,678\tAna\n",
			header:  []string{"phone,with,commas", "name"},
			rows:    []row{{2, []string{"612,345,678", "Ana"}}},
		},
		{
			name:    "single column",
			file:    "leads.csv",
			content: "phone\n612345678\n622222222\n",
			header:  []string{"phone"},
			rows:    []row{{2, []string{"612345678"}}, {3, []string{"622222222"}}},
		},
		{
			name:    "BOM stripped from the first header",
			file:    "leads.csv",
			content: "\ufeffphone;name\n612345678;Ana\n",
			header:  []string{"phone", "name"},
			rows:    []row{{2, []string{"612345678", "Ana"}}},
		},
		{
			name:    "BOM before a quoted header",
			file:    "leads.csv",
			content: "\ufeff\"phone\",\"name\"\n612345678,Ana\n",
			header:  []string{"phone", "name"},
			rows:    []row{{2, []string{"612345678", "Ana"}}},
		},
		{
			name:    "quoted fields with delimiters and newlines",
			file:    "leads.csv",
			content: "\"name, full\";phone;note\n\"Pérez; Ana\";612345678;\"line one\nline two\"\nLuis;622222222;\"say \"\"hi\"\"\"\n",
			header:  []string{"name, full", "phone", "note"},
			rows: []row{
				{2, []string{"Pérez; Ana", "612345678", "line one\nline two"}},
				{3, []string{"Luis", "622222222", `say "hi"`}},
			},
		},
		{
			name:    "quoted header with a newline",
			file:    "leads.csv",
			content: "\"first\nname\";phone;city\nAna;612345678;Madrid\n",
			header:  []string{"first\nname", "phone", "city"},
			rows:    []row{{2, []string{"Ana", "612345678", "Madrid"}}},
		},
		{
			name:    "CRLF line endings",
			file:    "leads.csv",
			content: "phone,name\r\n612345678,Ana\r\n622222222,\"Luis\r\nMaria\"\r\n",
			header:  []string{"phone", "name"},
			rows:    []row{{2, []string{"612345678", "Ana"}}, {3, []string{"622222222", "Luis\nMaria"}}},
		},
		{
			name:    "no final newline and ragged rows",
			file:    "leads.csv",
			content: "phone,name,city\n612345678\n622222222,Luis,Bilbao,extra",
			header:  []string{"phone", "name", "city"},
			rows:    []row{{2, []string{"612345678"}}, {3, []string{"622222222", "Luis", "Bilbao", "extra"}}},
		},
		{
			name:    "blank lines keep the spreadsheet's row numbers",
			file:    "leads.csv",
			content: "phone,name\n612345678,Ana\n\n\n622222222,Luis\n\"633\n333333\",Eva\n\n644444444,Pau\n\n",
			header:  []string{"phone", "name"},
			rows: []row{
				{2, []string{"612345678", "Ana"}},
				{5, []string{"622222222", "Luis"}},
				{6, []string{"633\n333333", "Eva"}},
				{8, []string{"644444444", "Pau"}},
			},
		},
		{
			name:    "header only",
			file:    "leads.csv",
			content: "phone,name\n",
			header:  []string{"phone", "name"},
		},
		{
			name:    "explicit format overrides the name",
			file:    "leads.dat",
			content: "phone;name\n612345678;Ana\n",
			header:  []string{"phone", "name"},
			rows:    []row{{2, []string{"612345678", "Ana"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.content)
			var opts Options
			if filepath.Ext(tt.file) == ".dat" {
				opts.Format = CSV
			}
			header, rows := mustReadAll(t, path, opts)
			if !reflect.DeepEqual(header, tt.header) {
				t.Errorf("header = %q, want %q", header, tt.header)
			}
			if !reflect.DeepEqual(rows, tt.rows) {
				t.Errorf("rows = %v, want %v", rows, tt.rows)
			}
		})
	}
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []string // in the message, besides the file name
		is      error
	}{
		{name: "empty file", content: "", want: []string{"empty"}, is: ErrEmpty},
		{name: "only a BOM", content: "\ufeff", want: []string{"empty"}, is: ErrEmpty},
		{name: "only blank lines", content: "\n\r\n\n", want: []string{"empty"}, is: ErrEmpty},
		{name: "bare quote in a row", content: "phone,name\n612345678,Ana\n62\"2,Luis\n", want: []string{"line 3", "column 3", `bare "`}},
		{name: "unterminated quote", content: "phone,name\n612345678,\"Ana\n", want: []string{"line 2", `"`}},
		{name: "quote in the header", content: "pho\"ne,name\n", want: []string{"line 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "leads.csv", tt.content)
			_, _, err := readAll(t, path, Options{})
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != path {
				t.Errorf("error %#v is not a *FileError for %s", err, path)
			}
		})
	}
}

// A row of MaxRowBytes is read, quoted across lines or not; one longer is
// refused, naming its row.
func TestRowLimit(t *testing.T) {
	prefix := "612345678,"
	for _, tt := range []struct {
		name  string
		notes int // bytes of the notes field
		quote bool
		ok    bool
	}{
		{name: "at the limit", notes: MaxRowBytes - len(prefix), ok: true},
		{name: "over it", notes: MaxRowBytes - len(prefix) + 1},
		{name: "at the limit, quoted with newlines", notes: MaxRowBytes - len(prefix) - 2, quote: true, ok: true},
		{name: "over it, quoted with newlines", notes: MaxRowBytes - len(prefix) - 1, quote: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			notes := strings.Repeat("x", tt.notes)
			if tt.quote {
				notes = `"` + strings.Repeat("x\n", tt.notes/2) + strings.Repeat("x", tt.notes%2) + `"`
			}
			path := writeFile(t, "leads.csv", "phone,notes\n612345678,short\n"+prefix+notes+"\n612345678,after\n")
			_, rows, err := readAll(t, path, Options{})
			if tt.ok {
				if err != nil || len(rows) != 3 {
					t.Fatalf("read %d rows, error %v; want 3 rows", len(rows), err)
				}
				return
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Row != 3 || !strings.Contains(err.Error(), "longer than 1 MiB") {
				t.Fatalf("error %v, want one at row 3 saying the row is longer than 1 MiB", err)
			}
		})
	}
}

func TestOpenRefusesWhatIsNotAFile(t *testing.T) {
	dir := t.TempDir()
	for _, opts := range []Options{{}, {TextAsLines: true}} {
		// A directory named like a data file.
		for _, name := range []string{"leads.csv", "numbers.txt", "book.xlsx"} {
			path := filepath.Join(dir, name)
			if err := os.MkdirAll(path, 0o700); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path, opts)
			if err == nil {
				t.Errorf("Open(%s) of a directory succeeded", name)
				continue
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "is a directory") {
				t.Errorf("Open(%s) of a directory: %q", name, err)
			}
		}
		// A file that does not exist.
		for _, name := range []string{"missing.csv", "missing.txt", "missing.xlsx"} {
			path := filepath.Join(dir, name)
			_, err := Open(path, opts)
			if err == nil {
				t.Errorf("Open(%s) succeeded", name)
				continue
			}
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Open(%s): %q does not wrap fs.ErrNotExist", name, err)
			}
			if got, want := err.Error(), path+": no such file or directory"; got != want {
				t.Errorf("Open(%s) = %q, want %q", name, got, want)
			}
		}
	}
}

func TestCSVStdin(t *testing.T) {
	in := strings.NewReader("\ufeffphone;name\n612345678;Ana\n622222222;Luis\n")
	header, rows := mustReadAll(t, "-", Options{Stdin: in})
	if want := []string{"phone", "name"}; !reflect.DeepEqual(header, want) {
		t.Errorf("header = %q, want %q", header, want)
	}
	want := []row{{2, []string{"612345678", "Ana"}}, {3, []string{"622222222", "Luis"}}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}

	// Standard input is read as CSV even when text files are read as lines.
	if _, rows := mustReadAll(t, "-", Options{Stdin: strings.NewReader("a,b\n1,2\n"), TextAsLines: true}); len(rows) != 1 || len(rows[0].Fields) != 2 {
		t.Errorf("rows = %v", rows)
	}

	_, _, err := readAll(t, "-", Options{Stdin: strings.NewReader("")})
	if !errors.Is(err, ErrEmpty) || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("empty stdin: %v", err)
	}
	_, _, err = readAll(t, "-", Options{})
	if err == nil || !strings.Contains(err.Error(), "stdin") {
		t.Errorf("no stdin: %v", err)
	}
	_, _, err = readAll(t, "-", Options{Stdin: strings.NewReader("phone\n\"12\n")})
	if err == nil || !strings.Contains(err.Error(), "stdin: line 2") {
		t.Errorf("bad quote on stdin: %v", err)
	}
}

func TestCSVProgress(t *testing.T) {
	content := "phone,name\n" + strings.Repeat("612345678,Ana\n", 10000)
	path := writeFile(t, "leads.csv", content)
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p, ok := r.(Progress)
	if !ok {
		t.Fatal("CSV reader does not report progress")
	}
	if p.Total() != int64(len(content)) {
		t.Errorf("Total = %d, want %d", p.Total(), len(content))
	}
	last := p.Done()
	for {
		_, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if d := p.Done(); d < last || d > p.Total() {
			t.Fatalf("Done went from %d to %d (Total %d)", last, d, p.Total())
		}
		last = p.Done()
	}
	if p.Done() != p.Total() {
		t.Errorf("at the end Done = %d, want %d", p.Done(), p.Total())
	}

	// Standard input has no known size.
	r, err = Open("-", Options{Stdin: strings.NewReader("phone\n1\n")})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if p := r.(Progress); p.Total() != 0 {
		t.Errorf("stdin Total = %d, want 0", p.Total())
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		first string
		want  rune
	}{
		{"phone", ','},
		{"a,b,c", ','},
		{"a;b;c", ';'},
		{"a\tb", '\t'},
		{"a|b|c", '|'},
		{"a;b,c", ','},              // a tie goes to the comma
		{`"a,b,c";d;e`, ';'},        // quoted delimiters do not count
		{"a;b\n1,2,3,4,5", ';'},     // only the first line counts
		{"\"a\nb,c,d\";e;f\n", ';'}, // ... but a quoted newline does not end it
		{"", ','},
	}
	for _, tt := range tests {
		br := bufio.NewReaderSize(strings.NewReader(tt.first), 64*1024)
		if got := sniffDelimiter(br); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.first, got, tt.want)
		}
	}
}
