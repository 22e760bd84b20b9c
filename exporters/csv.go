package exporters

import (
	"bufio"
	"encoding/csv"
	"fmt"
)

// csvWriter writes UTF-8 CSV with a header row.
type csvWriter struct {
	p   *AtomicFile
	buf *bufio.Writer
	w   *csv.Writer
}

func createCSV(path string, header []string, opts Options) (Writer, error) {
	p, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(p, 256*1024)
	c := &csvWriter{p: p, buf: buf, w: csv.NewWriter(buf)}
	if opts.ExcelBOM {
		buf.WriteString("\ufeff")
	}
	if err := c.Write(header); err != nil {
		p.Abort()
		return nil, err
	}
	return c, nil
}

func (c *csvWriter) Write(fields []string) error {
	if err := c.w.Write(neutralized(fields)); err != nil {
		return fmt.Errorf("write %s: %w", c.p.final, err)
	}
	return nil
}

func (c *csvWriter) Commit() error { return CommitAll(c) }

func (c *csvWriter) staged() *AtomicFile { return c.p }

func (c *csvWriter) finish() error {
	if c.p.finished {
		return nil
	}
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("write %s: %w", c.p.final, unwrapPath(err))
	}
	if err := c.buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", c.p.final, unwrapPath(err))
	}
	return c.p.finish()
}

func (c *csvWriter) Abort() error { return c.p.Abort() }
