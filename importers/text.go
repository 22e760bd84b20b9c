package importers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxRowBytes bounds one row of delimited text, and one line of a list: a
// reader holds a whole row in memory, so a file with no newline, or a
// quote opened and never closed, would otherwise be read whole. No lead
// needs a megabyte.
const MaxRowBytes = 1 << 20

// Errors in the text of a file.
var (
	errRowTooLong  = fmt.Errorf("longer than %d MiB: not a row of leads (a quote opened and never closed?)", MaxRowBytes>>20)
	errLineTooLong = fmt.Errorf("longer than %d MiB: not a list of numbers", MaxRowBytes>>20)
	errNotUTF16    = errors.New("not UTF-16 text: it has no NUL bytes, which its delimiters and newlines would have: check --encoding")
	errNUL         = errors.New("a NUL byte: binary data, not text")
	errNotUTF8     = errors.New("not valid UTF-8: give the file's encoding with --encoding (windows-1252, for one)")
	errHTML        = errors.New("a web page (HTML), not a list: an error page saved under this name?")
	errNoBOM       = errors.New("text without a byte order mark")
)

// rowLimiter fails a read once the row being read, which starts at start
// in what it has delivered, is longer than MaxRowBytes. The reader of rows
// moves start on after each row. A buffered reader above it asks for more
// only once it has handed on all it holds, or holds a part of a row: what
// is delivered after start is then all the row.
type rowLimiter struct {
	r     io.Reader
	n     int64 // bytes delivered
	start int64
	off   bool // the bytes are counted after decoding, by another limiter
}

func (l *rowLimiter) Read(p []byte) (int, error) {
	if !l.off {
		room := l.start + MaxRowBytes + 1 - l.n
		if room <= 0 {
			return 0, errRowTooLong
		}
		if int64(len(p)) > room {
			p = p[:room]
		}
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	return n, err
}

// checkText refuses a field that holds a NUL byte or, when the file is
// read as UTF-8, invalid UTF-8. Detection looks at the first 64 KiB only:
// a file can turn binary, or to another encoding, after that.
func checkText(s string, isUTF8 bool) error {
	if strings.IndexByte(s, 0) >= 0 {
		return errNUL
	}
	if isUTF8 && !utf8.ValidString(s) {
		return errNotUTF8
	}
	return nil
}

// looksHTML reports whether sample, the start of a file, is a web page.
func looksHTML(sample []byte) bool {
	b := bytes.TrimLeft(bytes.TrimPrefix(sample, []byte("\xef\xbb\xbf")), " \t\r\n")
	b = bytes.ToLower(b[:min(len(b), 16)])
	return bytes.HasPrefix(b, []byte("<!doctype html")) || bytes.HasPrefix(b, []byte("<html"))
}

// utf16WithoutBOM names the UTF-16 encoding sample, the start of a file
// with NUL bytes, seems to be in, or returns "": text mostly in ASCII has a
// NUL in every other byte (at least half of them), on one side only, and
// never two in a row.
func utf16WithoutBOM(sample []byte) string {
	var le, be int
	pairs := len(sample) / 2
	if pairs < 8 {
		return ""
	}
	for i := 0; i+1 < len(sample); i += 2 {
		switch lo, hi := sample[i], sample[i+1]; {
		case lo == 0 && hi == 0:
			return ""
		case hi == 0:
			le++
		case lo == 0:
			be++
		}
	}
	switch {
	case 2*le >= pairs && be == 0:
		return UTF16LE
	case 2*be >= pairs && le == 0:
		return UTF16BE
	}
	return ""
}
