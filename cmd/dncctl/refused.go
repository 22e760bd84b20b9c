package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/store"
)

// refusedColumns open an import's refused-rows report, before the input's own.
var refusedColumns = []string{"source_file", "source_row", "phone_raw", "reason", "detail"}

// refusedReport is an import's report of the rows it could not use, made
// at the first such row and committed only once the import has been.
type refusedReport struct {
	file, path string
	header     []string // the input's
	w          exporters.Writer
	n          int
}

// newRefusedReport starts the report of an import of file, at path or, if
// path is "", at <stem>.refused.csv beside it.
func newRefusedReport(file, path string, header []string) *refusedReport {
	if path == "" {
		path = filepath.Join(filepath.Dir(file), fileStem(file)+".refused.csv")
	}
	return &refusedReport{file: file, path: path, header: header}
}

// refuse adds the row of the input, with what was refused in it and why.
func (r *refusedReport) refuse(row int, raw, reason, detail string, fields []string) error {
	if r.w == nil {
		cols := append(append([]string{}, refusedColumns...), r.header...)
		w, err := exporters.Create(r.path, exporters.CSV, cols, exporters.Options{TextColumns: []string{"phone_raw"}})
		if err != nil {
			return err
		}
		r.w = w
	}
	r.n++
	return r.w.Write(append([]string{r.file, strconv.Itoa(row), raw, reason, detail}, fields...))
}

// finish writes the report to disk under its temporary name. Imports call
// it before they change the store: a full disk must fail the import, not
// leave it recorded without its report.
func (r *refusedReport) finish() error {
	if r.w == nil {
		return nil
	}
	_, err := exporters.FinishAll(r.w)
	return err
}

// commit puts the report in place once what it refused from is recorded;
// done says what was, for the error if the report cannot be written.
func (r *refusedReport) commit(io *iostreams, done string) error {
	if r.w == nil {
		return nil
	}
	if err := r.w.Commit(); err != nil {
		return fmt.Errorf("%s, but the refused-rows report was not written: %w", done, err)
	}
	fmt.Fprintf(io.ErrOut, "Refused rows: %s\n", r.path)
	return nil
}

// record makes an import's change to the store between the two halves of
// its report: written to disk first (a full disk fails the import before
// anything is recorded), put in place after. done says what change records,
// for the error if the report then cannot be put in place.
func (r *refusedReport) record(ctx context.Context, io *iostreams, open storeOpener, done string, change func(*store.Store) error) error {
	if err := r.finish(); err != nil {
		return err
	}
	st, err := open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := change(st); err != nil {
		return err
	}
	return r.commit(io, done)
}

// abort removes an uncommitted report.
func (r *refusedReport) abort() {
	if r.w != nil {
		r.w.Abort()
	}
}

// printImported says what an import of file added.
func printImported(io *iostreams, file string, added []bool, refused int) {
	n := countTrue(added)
	fmt.Fprintf(io.Out, "%s: added %d, already present %d, refused %d\n", file, n, len(added)-n, refused)
}

func countTrue(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}
