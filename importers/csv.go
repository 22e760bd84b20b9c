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
	"strconv"
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
	limit  *rowLimiter // under r: its start moves on after each record
	bom    int64       // bytes of byte order mark dropped before r
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
		f, err := OpenRegular(path)
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
	// sniffing look at the first 64 KiB. Rows are limited in the bytes
	// the CSV reader reads: after decoding, if the text is decoded.
	limit := &rowLimiter{r: in}
	raw := bufio.NewReaderSize(limit, sampleSize)
	enc, _ := ParseEncoding(opts.Encoding)
	text, enc, err := decode(raw, enc)
	if err != nil {
		closer.Close()
		return nil, &FileError{File: name, Err: err}
	}
	br := raw
	if text != io.Reader(raw) {
		limit.off = true
		limit = &rowLimiter{r: text}
		br = bufio.NewReaderSize(limit, sampleSize)
	}
	bom, err := skipBOM(br)
	if err != nil {
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
	c := &csvReader{name: name, file: closer, count: count, total: total, r: r, limit: limit, bom: bom, encoding: enc}
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		closer.Close()
		return nil, &FileError{File: name, Err: ErrEmpty}
	}
	if err != nil {
		closer.Close()
		return nil, c.parseError(err)
	}
	row := c.rowOf(header)
	if err := c.checkFields(header, row); err != nil {
		closer.Close()
		return nil, err
	}
	c.header, c.row = header, row
	return c, nil
}

// OpenRegular opens a file that must be a regular file: a directory, a
// device (a link to /dev/zero would never end) or a named pipe is refused
// before it is read. The file is looked at before it is opened, as opening
// a named pipe waits for a writer, and again after, in case it was
// replaced in between.
func OpenRegular(path string) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, &FileError{File: path, Err: unwrapPathError(err)}
	}
	if err := regular(st); err != nil {
		return nil, &FileError{File: path, Err: err}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: path, Err: unwrapPathError(err)}
	}
	if st, err = f.Stat(); err == nil {
		err = regular(st)
	}
	if err != nil {
		f.Close()
		return nil, &FileError{File: path, Err: unwrapPathError(err)}
	}
	return f, nil
}

func regular(st os.FileInfo) error {
	switch {
	case st.IsDir():
		return errors.New("is a directory, not a file")
	case !st.Mode().IsRegular():
		return errors.New("is not a regular file")
	}
	return nil
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
	if err := c.checkFields(rec, c.row); err != nil {
		return nil, 0, err
	}
	return rec, c.row, nil
}

// checkFields refuses a record with a field that is not text, naming its
// row and column, and moves the row limit on to the next record.
func (c *csvReader) checkFields(rec []string, row int) error {
	c.limit.start = c.bom + c.r.InputOffset()
	for i, f := range rec {
		if err := checkText(f, c.encoding == UTF8); err != nil {
			col := strconv.Itoa(i + 1)
			if i < len(c.header) && c.header[i] != "" {
				col += fmt.Sprintf(" (%q)", c.header[i])
			}
			return &FileError{File: c.name, Row: row, Column: col, Err: err}
		}
	}
	return nil
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
	if errors.Is(err, errRowTooLong) {
		return &FileError{File: c.name, Row: c.row + 1, Err: err}
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		where := fmt.Sprintf("line %d, column %d", pe.Line, pe.Column)
		if pe.StartLine != pe.Line {
			// A quote left open runs on: where it opened is what to fix.
			where += fmt.Sprintf(" (in a row from line %d)", pe.StartLine)
		}
		return &FileError{File: c.name, Err: fmt.Errorf("%s: %v", where, pe.Err)}
	}
	return &FileError{File: c.name, Err: err}
}

func (c *csvReader) Close() error { return c.file.Close() }
func (c *csvReader) Done() int64  { return c.count.n }
func (c *csvReader) Total() int64 { return c.total }

// Encoding is the text encoding the file is read in, given or detected.
func (c *csvReader) Encoding() string { return c.encoding }

// skipBOM drops a byte order mark and returns its length.
func skipBOM(br *bufio.Reader) (int64, error) {
	b, err := br.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		n, err := br.Discard(3)
		return int64(n), err
	}
	return 0, nil
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
