package importers

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// result is everything a reader gave for one input.
type result struct {
	header []string
	rows   []row
	err    error // the error that ended reading, nil at EOF
}

// drain opens path and reads it to the end or to the first error.
func drain(path string, opts Options) (res result, p Progress) {
	r, err := Open(path, opts)
	if err != nil {
		return result{err: err}, nil
	}
	defer r.Close()
	p, _ = r.(Progress)
	res.header = r.Header()
	for {
		fields, n, err := r.Next()
		if errors.Is(err, io.EOF) {
			return res, p
		}
		if err != nil {
			res.err = err
			return res, p
		}
		res.rows = append(res.rows, row{n, fields})
	}
}

// FuzzCSV reads arbitrary bytes as a CSV file: it must never panic, and
// what it returns must hang together.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("phone,name\n612345678,Ana\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		res, p := drain(path, Options{})
		checkErr(t, res.err, path, "in.csv")
		if res.err != nil && res.header == nil {
			// Nothing could be read.
			if blank(data) && !errors.Is(res.err, ErrEmpty) {
				t.Errorf("input of only blank lines: %v, want ErrEmpty", res.err)
			}
			return
		}
		if len(res.header) == 0 {
			t.Fatal("no error and no header")
		}
		// Every record takes at least one line; row numbers are lines a
		// spreadsheet shows, so they grow and stay within the file.
		lines := bytes.Count(data, []byte("\n")) + 1
		if 1+len(res.rows) > lines {
			t.Errorf("%d records from %d lines", 1+len(res.rows), lines)
		}
		last := 0
		for _, r := range res.rows {
			if r.Num <= last || r.Num < 2 || r.Num > lines {
				t.Errorf("row %d after row %d (file has %d lines)", r.Num, last, lines)
			}
			if len(r.Fields) == 0 {
				t.Errorf("row %d has no fields", r.Num)
			}
			last = r.Num
		}
		if res.err == nil && (p.Done() != int64(len(data)) || p.Total() != int64(len(data))) {
			t.Errorf("at EOF Done %d, Total %d; want %d", p.Done(), p.Total(), len(data))
		}

		// Standard input reads the same bytes the same way.
		in, _ := drain("-", Options{Stdin: bytes.NewReader(data)})
		if !reflect.DeepEqual(in.header, res.header) || !reflect.DeepEqual(in.rows, res.rows) || (in.err == nil) != (res.err == nil) {
			t.Errorf("stdin read differs from file read:\nfile  %q %v %v\nstdin %q %v %v", res.header, res.rows, res.err, in.header, in.rows, in.err)
		}

		// So does the file compressed.
		gzPath := filepath.Join(dir, "in.csv.gz")
		if err := os.WriteFile(gzPath, gz(t, data), 0o600); err != nil {
			t.Fatal(err)
		}
		z, _ := drain(gzPath, Options{})
		checkErr(t, z.err, gzPath, "in.csv.gz")
		if !reflect.DeepEqual(z.header, res.header) || !reflect.DeepEqual(z.rows, res.rows) || (z.err == nil) != (res.err == nil) {
			t.Errorf(".csv.gz read differs from file read:\nfile %q %v %v\ngz   %q %v %v", res.header, res.rows, res.err, z.header, z.rows, z.err)
		}
	})
}

// FuzzLines reads arbitrary bytes as a list of numbers, one a line.
func FuzzLines(f *testing.F) {
	f.Add([]byte("# list\nphone\n612345678\n\n622222222\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "in.txt")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		res, _ := drain(path, Options{TextAsLines: true})
		checkErr(t, res.err, path, "in.txt")
		if res.err != nil && res.header == nil {
			return
		}
		if len(res.header) != 1 {
			t.Errorf("header = %q, want one column", res.header)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		last := 0
		for _, r := range res.rows {
			if r.Num <= last || r.Num > lines {
				t.Errorf("row %d after row %d (file has %d lines)", r.Num, last, lines)
			}
			last = r.Num
			if len(r.Fields) != 1 {
				t.Fatalf("row %d = %q, want one field", r.Num, r.Fields)
			}
			v := r.Fields[0]
			if v == "" || strings.HasPrefix(v, "#") || strings.TrimSpace(v) != v {
				t.Errorf("row %d = %q: blank, comment or untrimmed", r.Num, v)
			}
		}
		if len(res.rows) > 0 && res.rows[0].Num == 1 && !strings.ContainsFunc(res.rows[0].Fields[0], unicode.IsDigit) {
			t.Errorf("first line %q has no digit but was read as data", res.rows[0].Fields[0])
		}
	})
}

// blank reports whether data, after a BOM, holds only line ends.
func blank(data []byte) bool {
	s := strings.TrimPrefix(string(data), "\ufeff")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", ""), "\n", "")
	return s == "" || s == "\r"
}

// checkErr checks that an error names the file it is about.
func checkErr(t *testing.T, err error, path, name string) {
	t.Helper()
	if err == nil {
		return
	}
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Errorf("error %q is not a *FileError", err)
	} else if fe.File != path {
		t.Errorf("error names %q, want %q", fe.File, path)
	}
	if !strings.Contains(err.Error(), name) {
		t.Errorf("error %q does not name %s", err, name)
	}
}

// FuzzDetectEncoding runs encoding detection and decoding on arbitrary
// bytes, detected or in each encoding given: it must never panic, must
// name an accepted encoding, and what is decoded from a legacy or UTF-16
// encoding must be valid UTF-8. The same bytes read as a .csv.gz must fail
// or succeed with a *FileError, never panic.
func FuzzDetectEncoding(f *testing.F) {
	f.Add([]byte("nombre;Tel\xe9fono\nAna;612 345 678\n"), uint8(0))
	f.Add([]byte("\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\xba\xc5\xc2\xeb\n\xcd\xf5\xce\xb0,138 0013 8000\n"), uint8(0))
	f.Add([]byte("\xff\xfep\x00h\x00\t\x00n\x00\n\x00"), uint8(2))
	f.Add([]byte("\xfe\xff\x00p\x00h\x00\t\x00n\x00\n"), uint8(3))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"), uint8(4))
	names := append([]string{""}, EncodingNames()...)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		name, err := ParseEncoding(names[int(which)%len(names)])
		if err != nil {
			t.Fatal(err)
		}
		text, got, err := decode(bufio.NewReaderSize(bytes.NewReader(data), sampleSize), name)
		if err != nil {
			if !errors.Is(err, errBinary) && !errors.Is(err, errNoBOM) && !errors.Is(err, errHTML) && !errors.Is(err, errNotUTF16) {
				t.Fatalf("decode: %v", err)
			}
			return
		}
		if _, err := ParseEncoding(got); err != nil || got == "" || (name != "" && got != name) {
			t.Fatalf("decoded as %q (asked for %q)", got, name)
		}
		out, err := io.ReadAll(text)
		if err != nil {
			t.Fatalf("reading decoded text: %v", err)
		}
		if got != UTF8 && !utf8.Valid(out) {
			t.Errorf("%s decoded to invalid UTF-8: %q", got, out)
		}

		path := filepath.Join(dir, "in.csv.gz")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		res, _ := drain(path, Options{Encoding: name})
		checkErr(t, res.err, path, "in.csv.gz")
	})
}
