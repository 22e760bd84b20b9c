package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/scrub"
)

// fileOutputs are one input's clean and rejected writers, made when its
// first sheet's header is known.
type fileOutputs struct {
	header          []string
	clean, rejected exporters.Writer
	later           *spool // --whitelist-first: the other clean rows, until the end
}

// scrubFile scrubs one input: a CSV, or a workbook's sheet (--sheet, or the
// first visible one), or every visible sheet (--all-sheets).
func (r *scrubRun) scrubFile(ctx context.Context, out scrubOutput) error {
	sheets := []string{r.opts.Sheet}
	format, _ := importers.FormatOf(out.input, false)
	if format == importers.XLSX && r.opts.AllSheets {
		var err error
		if sheets, err = importers.VisibleSheets(out.input); err != nil {
			return err
		}
	}
	var outs fileOutputs
	if r.opts.WhitelistFirst {
		if err := os.MkdirAll(filepath.Dir(out.clean), 0o700); err == nil {
			sp, err := newSpool(filepath.Dir(out.clean))
			if err != nil {
				return err
			}
			defer sp.remove()
			outs.later = sp
		}
	}
	for _, sheet := range sheets {
		if format != importers.XLSX {
			sheet = ""
		}
		if err := r.scrubSheet(ctx, out, sheet, &outs); err != nil {
			return err
		}
	}
	if outs.later != nil && outs.clean != nil {
		return outs.later.replayTo(outs.clean)
	}
	return nil
}

func (r *scrubRun) scrubSheet(ctx context.Context, out scrubOutput, sheet string, outs *fileOutputs) error {
	enc, _ := importers.ParseEncoding(r.opts.Encoding)
	delim, _ := importers.ParseDelimiter(r.opts.Delimiter)
	in, err := importers.Open(out.input, importers.Options{Stdin: r.opts.IO.In, Sheet: sheet, Encoding: enc, Delimiter: delim})
	if err != nil {
		return err
	}
	defer in.Close()
	name := out.name
	if s, ok := in.(interface{ Sheet() string }); ok {
		sheet = s.Sheet()
	}
	where := name
	if sheet != "" {
		where = fmt.Sprintf("%s sheet %q", name, sheet)
	}
	src, titleRows, err := scrub.LocateHeader(in, r.opts.PhoneCols, r.opts.HeaderRow)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	header := src.Header()
	cols, err := scrub.FindPhoneColumns(header, r.opts.PhoneCols)
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	var regionCol *int
	if r.opts.RegionCol != "" {
		c, err := scrub.FindColumn(header, r.opts.RegionCol)
		if err != nil {
			return fmt.Errorf("%s: --region-col: %w", where, err)
		}
		regionCol = &c
	}
	if outs.clean == nil {
		if err := r.createOutputs(out, header, cols, sheet != "", outs); err != nil {
			return err
		}
	} else if !slices.Equal(header, outs.header) {
		return fmt.Errorf("%s: its columns are not those of the first sheet, so they cannot share one clean file: scrub the sheets one by one with --sheet", where)
	}

	bar := newProgress(r.opts.IO, name, in)
	defer bar.finish()
	input := scrub.Input{Name: name, Sheet: sheet, Source: src, PhoneColumns: cols, RegionColumn: regionCol}
	if outs.later != nil {
		input.Later = outs.later
	}
	if err := r.decider.Scrub(ctx, input, outs.clean, r.reportSink(outs.rejected, header, cols, sheet != ""), r.summary, bar.tick); err != nil {
		return err
	}
	fs := r.summary.File(name)
	if fs.RowsRead == 0 {
		fmt.Fprintf(r.opts.IO.ErrOut, "Warning: %s has a header but no data rows.\n", where)
	}
	fs.Clean, fs.Rejected = out.clean, out.rejected
	fs.TitleRowsSkipped += titleRows
	if sheet != "" {
		fs.Sheets = append(fs.Sheets, sheet)
	}
	fs.PhoneColumns = make([]string, len(cols))
	for i, c := range cols {
		fs.PhoneColumns[i] = strconv.Quote(scrub.ColumnName(header, c))
	}
	return nil
}

// createOutputs starts an input's clean and rejected files.
func (r *scrubRun) createOutputs(out scrubOutput, header []string, cols []int, sheets bool, outs *fileOutputs) error {
	for _, dir := range []string{filepath.Dir(out.clean), filepath.Dir(out.rejected)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fmt.Errorf("output directory %s: %w", dir, err)
		}
	}
	textCols := []string{"phone_e164", "phone_raw"}
	for _, c := range cols {
		textCols = append(textCols, header[c])
	}
	opts := exporters.Options{TextColumns: textCols, ExcelBOM: r.opts.ExcelBOM}
	clean, err := exporters.Create(out.clean, out.format, scrub.CleanHeader(header), opts)
	if err != nil {
		return err
	}
	r.outputs = append(r.outputs, clean)
	rejected, err := exporters.Create(out.rejected, out.format, scrub.RejectedHeader(header, sheets), opts)
	if err != nil {
		return err
	}
	r.outputs = append(r.outputs, rejected)
	outs.header, outs.clean, outs.rejected = header, clean, rejected
	return nil
}
