package importers

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"strings"
	"unicode"
)

// linesReader reads one value per line: the plain lists people keep of
// numbers. Blank lines and lines starting with '#' are skipped; a first line
// with no digit in it is taken as a header.
type linesReader struct {
	file   *os.File
	sc     *bufio.Scanner
	header []string
	line   int
	peeked *string
	utf8   bool // read as UTF-8, as it is: each line is checked
}

func openLines(path string, opts Options) (Reader, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	var in io.Reader = f
	if _, gz := gzipped(path); gz {
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, &FileError{File: path, Err: gzipError(err)}
		}
		in = &gzipReader{zr}
	}
	enc, _ := ParseEncoding(opts.Encoding)
	text, enc, err := decode(bufio.NewReaderSize(in, sampleSize), enc)
	if err != nil {
		f.Close()
		return nil, &FileError{File: path, Err: err}
	}
	sc := bufio.NewScanner(text)
	sc.Buffer(make([]byte, 64*1024), MaxRowBytes)
	l := &linesReader{file: f, sc: sc, header: []string{"phone"}, utf8: enc == UTF8}
	first, _, err := l.Next()
	switch {
	case errors.Is(err, io.EOF):
		return l, nil
	case err != nil:
		f.Close()
		return nil, err
	case !strings.ContainsFunc(first[0], unicode.IsDigit):
		l.header = first
	default:
		l.peeked = &first[0]
	}
	return l, nil
}

func (l *linesReader) Header() []string { return l.header }

func (l *linesReader) Next() ([]string, int, error) {
	if l.peeked != nil {
		v := *l.peeked
		l.peeked = nil
		return []string{v}, l.line, nil
	}
	for l.sc.Scan() {
		l.line++
		text := strings.TrimSpace(strings.TrimPrefix(l.sc.Text(), "\ufeff"))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		if err := checkText(text, l.utf8); err != nil {
			return nil, 0, &FileError{File: l.file.Name(), Row: l.line, Err: err}
		}
		return []string{text}, l.line, nil
	}
	if err := l.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = errLineTooLong
		}
		return nil, 0, &FileError{File: l.file.Name(), Row: l.line + 1, Err: err}
	}
	return nil, 0, io.EOF
}

func (l *linesReader) Close() error { return l.file.Close() }
