package main

import (
	"archive/zip"
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// registryLine is a refused line of a registry file.
type registryLine struct {
	file   string
	line   int
	text   string
	reason string
}

// readRegistryFile reads a registry file, plain, .gz or .zip (every file in
// the archive), line by line: a number (national or E.164), "areacode,number"
// (the US National DNC Registry's form), either followed by an add or delete
// flag (A, D, add, delete) in change lists. Lines that are not a valid
// number are refused, never dropped unsaid. A hashed registry's lines hold
// a hash (64 hex digits) instead of a number.
func readRegistryFile(ctx context.Context, path string, norm *scrub.Normalizer, hashed, changes bool, add func(store.RegistryChange), refuse func(registryLine)) error {
	readers, closeAll, err := openRegistryFile(path)
	if err != nil {
		return err
	}
	defer closeAll()
	// Lines are read here, parsed (normalized) by a worker per CPU a batch
	// at a time, and handed to add and refuse in the file's order: a change
	// list's last change of a number must stay last.
	workers := runtime.GOMAXPROCS(0)
	order := make(chan *lineBatch, 2*workers)
	work := make(chan *lineBatch, 2*workers)
	quit := make(chan struct{})
	var wg sync.WaitGroup
	defer func() {
		close(quit)
		wg.Wait()
	}()
	for range workers {
		wg.Go(func() {
			for b := range work {
				b.parse(norm, hashed, changes)
				close(b.done)
			}
		})
	}
	wg.Go(func() {
		defer close(order)
		defer close(work)
		b := newLineBatch()
		put := func(ch chan<- *lineBatch) bool {
			select {
			case ch <- b:
				return true
			case <-quit:
			case <-ctx.Done():
			}
			return false
		}
		// send queues the batch in order, and for a worker to parse unless
		// it holds only an error.
		send := func(parse bool) bool {
			if !parse {
				close(b.done)
			}
			if !put(order) || parse && !put(work) {
				return false
			}
			b = newLineBatch()
			return true
		}
		for _, r := range readers {
			sc := bufio.NewScanner(r)
			sc.Buffer(make([]byte, 64*1024), importers.MaxRowBytes)
			for n := 1; sc.Scan(); n++ {
				text := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
				if text == "" || strings.HasPrefix(text, "#") {
					continue
				}
				b.lines = append(b.lines, rawLine{n: n, text: text})
				if len(b.lines) == cap(b.lines) && !send(true) {
					return
				}
			}
			if err := sc.Err(); err != nil {
				if errors.Is(err, bufio.ErrTooLong) {
					err = fmt.Errorf("a line longer than %d MiB: not a registry list", importers.MaxRowBytes>>20)
				}
				if len(b.lines) > 0 && !send(true) {
					return
				}
				b.err = fmt.Errorf("%s: %w", path, err)
				send(false)
				return
			}
		}
		if len(b.lines) > 0 {
			send(true)
		}
	})
	for b := range order {
		if err := ctx.Err(); err != nil { // the import has stopped: read no further
			return err
		}
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		for i, p := range b.out {
			switch {
			case p.err != nil:
				return fmt.Errorf("%s line %d: %w", path, b.lines[i].n, p.err)
			case p.why != "":
				refuse(registryLine{file: path, line: b.lines[i].n, text: b.lines[i].text, reason: p.why})
			default:
				add(p.c)
			}
		}
		if b.err != nil {
			return b.err
		}
	}
	return nil
}

// lineBatch is a run of a registry file's lines, parsed by one worker.
type lineBatch struct {
	lines []rawLine
	out   []parsedLine
	err   error // the file could not be read past these lines
	done  chan struct{}
}

type rawLine struct {
	n    int
	text string
}

type parsedLine struct {
	c   store.RegistryChange
	why string
	err error
}

func newLineBatch() *lineBatch {
	return &lineBatch{lines: make([]rawLine, 0, 2048), done: make(chan struct{})}
}

func (b *lineBatch) parse(norm *scrub.Normalizer, hashed, changes bool) {
	b.out = make([]parsedLine, len(b.lines))
	for i, l := range b.lines {
		p := &b.out[i]
		if p.c, p.why, p.err = parseRegistryLine(l.text, norm, hashed, changes); p.err != nil {
			b.out = b.out[:i+1] // nothing after an error is used
			return
		}
	}
}

// parseRegistryLine reads one line: the change, or why the line is refused,
// or an error that must stop the import.
func parseRegistryLine(text string, norm *scrub.Normalizer, hashed, changes bool) (store.RegistryChange, string, error) {
	fields := registryFields(text)
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	var c store.RegistryChange
	if n := len(fields); n > 1 {
		switch strings.ToLower(fields[n-1]) {
		case "a", "add", "+":
			fields = fields[:n-1]
		case "d", "del", "delete", "-":
			fields, c.Delete = fields[:n-1], true
		}
		if len(fields) < n && !changes {
			// A change list taken for a full list would replace the registry
			// with its few lines: stop, and leave the registry as it is.
			return c, "", fmt.Errorf("%q has an add or delete flag: this is a change list, import it with --changes", text)
		}
	}
	if hashed {
		if len(fields) != 1 {
			return c, "want one hash a line", nil
		}
		h, err := scrub.ParseHash(fields[0])
		if err != nil {
			return c, err.Error(), nil
		}
		c.Hash = h
		return c, "", nil
	}
	number := strings.Join(fields, "")
	if len(fields) > 2 {
		return c, "more fields than areacode,number", nil
	}
	num, err := norm.Normalize(number)
	if err != nil {
		return c, err.Error(), nil
	}
	c.E164 = num.E164
	return c, "", nil
}

// registryFields splits a line at commas, semicolons, tabs and bars,
// dropping empty fields, as strings.FieldsFunc does; a line of one or two
// fields (most of them) costs no allocation but the slice.
func registryFields(text string) []string {
	isSep := func(r rune) bool { return r == ',' || r == ';' || r == '\t' || r == '|' }
	if text == "" {
		return nil
	}
	if i := strings.IndexAny(text, ",;\t|"); i < 0 {
		return []string{text}
	} else if j := strings.IndexAny(text[i+1:], ",;\t|"); j < 0 && i > 0 && i < len(text)-1 {
		return []string{text[:i], text[i+1:]}
	}
	return strings.FieldsFunc(text, isSep)
}

// openRegistryFile returns the readers of a plain, gzip or zip file.
func openRegistryFile(path string) ([]io.Reader, func(), error) {
	// Opening a named pipe waits for a writer, and a device may never end:
	// OpenRegular opens regular files only.
	f, err := importers.OpenRegular(path)
	if err != nil {
		return nil, nil, err
	}
	switch lower := strings.ToLower(path); {
	case strings.HasSuffix(lower, ".zip"):
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		z, err := zip.NewReader(f, st.Size())
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		var readers []io.Reader
		var closers []io.Closer
		closeAll := func() {
			for _, c := range closers {
				c.Close()
			}
			f.Close()
		}
		for _, zf := range z.File {
			if zf.FileInfo().IsDir() {
				continue
			}
			rc, err := zf.Open()
			if err != nil {
				closeAll()
				return nil, nil, fmt.Errorf("%s: %s: %w", path, zf.Name, err)
			}
			readers, closers = append(readers, rc), append(closers, rc)
		}
		return readers, closeAll, nil
	case strings.HasSuffix(lower, ".gz"):
		gz, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: not a valid gzip file: %w", path, err)
		}
		return []io.Reader{gz}, func() { gz.Close(); f.Close() }, nil
	}
	return []io.Reader{f}, func() { f.Close() }, nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
