package main

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/scrub"
)

// checkReportPath refuses a --report that is not a workbook's name, or that
// would overwrite an input or another output of the run.
func checkReportPath(opts *scrubOptions, planned []scrubOutput) error {
	name := opts.Report
	if name == "" {
		return nil
	}
	if !strings.EqualFold(filepath.Ext(name), ".xlsx") {
		return usageErrorf("--report %s: the report is an Excel workbook: give a file name ending in .xlsx", name)
	}
	for _, out := range planned {
		for _, p := range []string{out.input, out.clean, out.rejected} {
			if p != "-" && samePath(name, p) {
				return usageErrorf("--report %s would overwrite %s", name, p)
			}
		}
	}
	for _, o := range []struct{ flag, path string }{{"--summary-json", opts.SummaryJSON}, {"--certificate", opts.Certificate}} {
		if o.path != "" && samePath(name, o.path) {
			return usageErrorf("--report and %s are the same file %s: give two files", o.flag, name)
		}
	}
	return nil
}

// startReport starts the --report workbook, as one more of the run's
// outputs: it appears with the others, or not at all.
func (r *scrubRun) startReport() error {
	name := r.opts.Report
	if name == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	report, err := exporters.CreateReport(name, scrub.RejectedHeader(nil, true))
	if err != nil {
		return err
	}
	r.outputs = append(r.outputs, report)
	r.report = report
	return nil
}

// reportSink is where an input's rejected lines go: its rejection report,
// and with --report the workbook too. header and cols are the input's
// columns and phone columns; sheet says its lines have a source_sheet.
func (r *scrubRun) reportSink(rejected scrub.Sink, header []string, cols []int, sheet bool) scrub.Sink {
	if r.report == nil {
		return rejected
	}
	t := &reportTee{rejected: rejected, report: r.report, header: scrub.RejectedHeader(header, true), sheet: sheet}
	for _, c := range cols {
		t.phone = append(t.phone, header[c])
	}
	return t
}

// reportTee copies rejected lines to the workbook, which has one
// source_sheet column for every input, workbook or not.
type reportTee struct {
	rejected scrub.Sink
	report   *exporters.Report
	header   []string
	phone    []string
	sheet    bool
	started  bool
	line     []string
}

func (t *reportTee) Write(fields []string) error {
	if err := t.rejected.Write(fields); err != nil {
		return err
	}
	if !t.started {
		// Set with the first line, so that an input with other columns
		// but nothing removed adds no header row of its own.
		t.report.Columns(t.header, t.phone)
		t.started = true
	}
	if !t.sheet && len(fields) > 0 {
		t.line = append(t.line[:0], fields[0], "")
		t.line = append(t.line, fields[1:]...)
		fields = t.line
	}
	return t.report.Write(fields)
}

// summarizeReport writes the workbook's Summary sheet, once every input is
// scrubbed.
func (r *scrubRun) summarizeReport(channel scrub.Channel, started time.Time) error {
	if r.report == nil {
		return nil
	}
	o, sum := r.opts, r.summary
	s := exporters.ReportSummary{
		StartedAt: started, FinishedAt: o.Now(),
		Source: o.Source, Channel: string(channel), Campaign: o.Campaign, Region: strings.ToUpper(o.Region),
		RowsRead: sum.RowsRead, RowsClean: sum.RowsClean, RowsRejected: sum.RowsRejected, NumbersRemoved: sum.NumbersRemoved,
		Regions: splitCounts(sum.CleanByRegion, sum.RejectedByRegion),
		Types:   splitCounts(sum.CleanByType, sum.RejectedByType),
	}
	for _, f := range sum.Files {
		s.Inputs = append(s.Inputs, exporters.ReportInput{Name: f.Input, RowsRead: f.RowsRead, RowsClean: f.RowsClean, RowsRejected: f.RowsRejected})
	}
	for _, reason := range scrub.Reasons {
		if n := sum.Reasons[reason]; n > 0 {
			s.Reasons = append(s.Reasons, exporters.ReportCount{Name: string(reason), Count: n})
		}
	}
	return r.report.Summarize(s)
}

// splitCounts puts callable and removed numbers side by side, most numbers
// first. A removed value that was no valid number has no region or type:
// it shows as unknown.
func splitCounts(clean, rejected map[string]int) []exporters.ReportSplit {
	byName := map[string]*exporters.ReportSplit{}
	get := func(key string) *exporters.ReportSplit {
		if key == "" {
			key = "unknown"
		}
		if byName[key] == nil {
			byName[key] = &exporters.ReportSplit{Name: key}
		}
		return byName[key]
	}
	for k, n := range clean {
		get(k).Clean += n
	}
	for k, n := range rejected {
		get(k).Rejected += n
	}
	out := make([]exporters.ReportSplit, 0, len(byName))
	for _, s := range byName {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b exporters.ReportSplit) int {
		if c := cmp.Compare(b.Clean+b.Rejected, a.Clean+a.Rejected); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}
