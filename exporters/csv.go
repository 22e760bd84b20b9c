package exporters

import (
	"unicode"
	"unicode/utf8"
)

// csvWriter writes UTF-8 CSV with a header row: comma-separated, \n line
// ends, a field quoted only where encoding/csv's Writer would quote it, so
// that the bytes are the same as with it (TestCSVWriterMatchesEncodingCSV).
// It appends rows to a buffer of its own: encoding/csv's calls into bufio
// for every field and separator were a seventh of a 1M-row scrub's CPU.
type csvWriter struct {
	p   *AtomicFile
	buf []byte
	err error // the first write to p that failed; every later one fails too
}

// csvFlushAt is how full buf gets before it is written to the file.
const csvFlushAt = 256 * 1024

func createCSV(path string, header []string, opts Options) (Writer, error) {
	p, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	c := &csvWriter{p: p, buf: make([]byte, 0, csvFlushAt+4096)}
	if opts.ExcelBOM {
		c.buf = append(c.buf, "\ufeff"...)
	}
	if err := c.Write(header); err != nil {
		p.Abort()
		return nil, err
	}
	return c, nil
}

func (c *csvWriter) Write(fields []string) error {
	if c.err != nil {
		return c.err
	}
	for i, f := range fields {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendCSVField(c.buf, neutralize(f))
	}
	c.buf = append(c.buf, '\n')
	if len(c.buf) >= csvFlushAt {
		return c.flush()
	}
	return nil
}

// appendCSVField is encoding/csv's Writer.Write of one field, for a comma
// and \n line ends.
func appendCSVField(b []byte, f string) []byte {
	if !csvNeedsQuotes(f) {
		return append(b, f...)
	}
	b = append(b, '"')
	for i := 0; i < len(f); i++ {
		if f[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, f[i])
	}
	return append(b, '"')
}

// csvNeedsQuotes is encoding/csv's fieldNeedsQuotes for a comma.
func csvNeedsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` {
		return true
	}
	for i := 0; i < len(f); i++ {
		switch f[i] {
		case '\n', '\r', '"', ',':
			return true
		}
	}
	if f[0] < utf8.RuneSelf {
		return asciiSpace[f[0]]
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

// asciiSpace is unicode.IsSpace for the bytes below 0x80.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

func (c *csvWriter) flush() error {
	if c.err != nil {
		return c.err
	}
	if len(c.buf) == 0 {
		return nil
	}
	if _, err := c.p.Write(c.buf); err != nil {
		c.err = err // AtomicFile's errors name the output
		return err
	}
	c.buf = c.buf[:0]
	return nil
}

func (c *csvWriter) Commit() error { return CommitAll(c) }

func (c *csvWriter) staged() *AtomicFile { return c.p }

func (c *csvWriter) finish() error {
	if c.p.finished {
		return nil
	}
	if err := c.flush(); err != nil {
		return err
	}
	return c.p.finish()
}

func (c *csvWriter) Abort() error { return c.p.Abort() }
