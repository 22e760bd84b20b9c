package importers

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// delimiters are the separators detected in delimited text, most common first.
var delimiters = []rune{',', ';', '\t', '|'}

type csvReader struct {
	name   string
	file   io.Closer
	count  *countingReader
	total  int64
	r      *csv.Reader
	header []string
	row    int
	folded int // newlines inside quoted fields of the records read so far
	// encoding is the text encoding read, given or detected.
	encoding string
}

func openCSV(path string, opts Options) (Reader, error) {
	name := displayName(path)
	var src io.Reader
	var closer io.Closer = io.NopCloser(nil)
	var total int64
	if path == "-" {
		if opts.Stdin == nil {
			return nil, &FileError{File: name, Err: errors.New("no standard input")}
		}
		src = opts.Stdin
	} else {
		f, err := openRegular(path)
		if err != nil {
			return nil, err
		}
		st, _ := f.Stat()
		total = st.Size()
		src, closer = f, f
	}
	count := &countingReader{r: src}
	inner, gz := gzipped(path)
	var in io.Reader = count
	if gz {
		zr, err := gzip.NewReader(count)
		if err != nil {
			closer.Close()
			return nil, &FileError{File: name, Err: gzipError(err)}
		}
		in = &gzipReader{zr}
	}
	// A 64 KiB buffer, before and after decoding, lets detection and
	// sniffing look at the first 64 KiB.
	raw := bufio.NewReaderSize(in, sampleSize)
	enc, _ := ParseEncoding(opts.Encoding)
	text, enc, err := decode(raw, enc)
	if err != nil {
		closer.Close()
		return nil, &FileError{File: name, Err: err}
	}
	br := raw
	if text != io.Reader(raw) {
		br = bufio.NewReaderSize(text, sampleSize)
	}
	if err := skipBOM(br); err != nil {
		closer.Close()
		return nil, &FileError{File: name, Err: err}
	}
	delim := opts.Delimiter
	switch {
	case delim != 0:
	case strings.EqualFold(filepath.Ext(inner), ".tsv"):
		delim = '\t'
	default:
		delim = sniffDelimiter(br)
	}
	r := csv.NewReader(br)
	r.Comma = delim
	r.FieldsPerRecord = -1
	c := &csvReader{name: name, file: closer, count: count, total: total, r: r, encoding: enc}
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		closer.Close()
		return nil, &FileError{File: name, Err: ErrEmpty}
	}
	if err != nil {
		closer.Close()
		return nil, c.parseError(err)
	}
	c.header, c.row = header, c.rowOf(header)
	return c, nil
}

// openRegular opens a file that must be a regular file: a directory or a
// device is refused before it is read.
func openRegular(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: path, Err: unwrapPathError(err)}
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, &FileError{File: path, Err: unwrapPathError(err)}
	}
	if st.IsDir() {
		f.Close()
		return nil, &FileError{File: path, Err: errors.New("is a directory, not a file")}
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &FileError{File: path, Err: errors.New("is not a regular file")}
	}
	return f, nil
}

// unwrapPathError drops the *PathError's own "open PATH:" prefix, since
// FileError names the file already.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func (c *csvReader) Header() []string { return c.header }

func (c *csvReader) Next() ([]string, int, error) {
	rec, err := c.r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		return nil, 0, c.parseError(err)
	}
	c.row = c.rowOf(rec)
	return rec, c.row, nil
}

// rowOf is the row a spreadsheet shows for the record just read: its line,
// less the newlines inside quoted fields of the records before it. Blank
// lines, which encoding/csv skips, are rows in a spreadsheet too.
func (c *csvReader) rowOf(rec []string) int {
	line, _ := c.r.FieldPos(0)
	row := line - c.folded
	for _, f := range rec {
		c.folded += strings.Count(f, "\n")
	}
	return row
}

func (c *csvReader) parseError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{File: c.name, Err: fmt.Errorf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)}
	}
	return &FileError{File: c.name, Err: err}
}

func (c *csvReader) Close() error { return c.file.Close() }
func (c *csvReader) Done() int64  { return c.count.n }
func (c *csvReader) Total() int64 { return c.total }

// Encoding is the text encoding the file is read in, given or detected.
func (c *csvReader) Encoding() string { return c.encoding }

func skipBOM(br *bufio.Reader) error {
	b, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		_, err := br.Discard(3)
		return err
	}
	return nil
}

// sniffDelimiter picks the delimiter that occurs most often, outside quotes,
// in the first line: Spanish and French exports use ';', Excel's "Unicode
// text" uses tab. A newline inside quotes does not end the line.
func sniffDelimiter(br *bufio.Reader) rune {
	b, _ := br.Peek(br.Size())
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(b) {
		if r == '"' {
			quoted = !quoted
			continue
		}
		if r == '\n' && !quoted {
			break
		}
		if !quoted {
			counts[r]++
		}
	}
	best := ','
	for _, d := range delimiters {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// gzipReader reads a gzip stream, naming a failure as such.
type gzipReader struct{ r *gzip.Reader }

func (g *gzipReader) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = gzipError(err)
	}
	return n, err
}

// gzipError says that a file is not valid gzip, and why.
func gzipError(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("not a valid gzip file: %w", err)
}
