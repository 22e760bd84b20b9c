package exporters

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// The report workbook's sheets. Rejected lines past Excel's row limit go on
// "Rejected 2", "Rejected 3"…
const (
	ReportSummarySheet  = "Summary"
	ReportRejectedSheet = "Rejected"
)

// Report is a scrub run's workbook for people rather than dialers: a
// Summary sheet with the run's counts and a bar chart of the numbers removed
// by reason, and every line of the run's rejection reports on the Rejected
// sheet. It is written under a temporary name and committed with the run's
// other outputs.
//
// The lines are streamed to the Rejected sheet as they come, so a run with
// millions of them does not hold them in memory; the Summary, a few dozen
// cells known only at the end, is written then with excelize's ordinary API.
type Report struct {
	p    *AtomicFile
	file *excelize.File
	bold int

	sw     *excelize.StreamWriter
	sheets int // Rejected sheets started
	row    int // the last row written on the current one
	// header is the columns of the lines to come (Columns); written is the
	// header row last written on the current sheet, and headerRows how
	// many the sheet has: one unless the run's inputs had other columns.
	header     []string
	written    []string
	headerRows int
	phone      []string
	cell       []any

	lines      int
	summarized bool
}

// ReportSummary is what the Summary sheet shows.
type ReportSummary struct {
	StartedAt, FinishedAt time.Time
	// Source is the lead source (vendor) the run was given, or "".
	Source   string
	Channel  string
	Campaign string
	Region   string
	Inputs   []ReportInput
	// The rows of every input together: RowsRead = RowsClean + RowsRejected.
	RowsRead, RowsClean, RowsRejected int
	// NumbersRemoved are the numbers removed from rows that were kept.
	NumbersRemoved int
	// Reasons are the numbers removed by reason, in the order to show them;
	// they make the chart.
	Reasons []ReportCount
	// Regions and Types split the numbers, callable and removed, by the
	// number's region and type.
	Regions []ReportSplit
	Types   []ReportSplit
}

// ReportInput is one input's row counts.
type ReportInput struct {
	Name                              string
	RowsRead, RowsClean, RowsRejected int
}

// ReportCount is a count with its label.
type ReportCount struct {
	Name  string
	Count int
}

// ReportSplit is a label's callable and removed numbers.
type ReportSplit struct {
	Name            string
	Clean, Rejected int
}

// CreateReport starts a report workbook that will be named path. header is
// the columns of the Rejected sheet until Columns says otherwise.
func CreateReport(path string, header []string) (*Report, error) {
	p, err := CreateAtomic(path)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	r := &Report{p: p, file: f, header: header}
	fail := func(err error) (*Report, error) {
		f.Close()
		p.Abort()
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	// The new file's only sheet becomes the Summary, so that it comes first.
	if err := f.SetSheetName(f.GetSheetName(0), ReportSummarySheet); err != nil {
		return fail(err)
	}
	if r.bold, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}}); err != nil {
		return fail(err)
	}
	return r, nil
}

// Name is the workbook's final name.
func (r *Report) Name() string { return r.p.final }

// Columns sets the columns of the lines written next: an input's rejection
// report columns. phone names its phone columns, made wide enough for a
// number. When they are not the columns of the lines before, a header row
// for them comes before the next line.
func (r *Report) Columns(header, phone []string) {
	r.header, r.phone = header, phone
}

// Write adds a rejected line.
func (r *Report) Write(fields []string) error {
	need := 1
	if !slices.Equal(r.written, r.header) {
		need++
	}
	if r.sw == nil || r.row+need > maxRows {
		if err := r.startSheet(); err != nil {
			return err
		}
	}
	if !slices.Equal(r.written, r.header) {
		if err := r.writeHeader(); err != nil {
			return err
		}
	}
	r.cell = r.cell[:0]
	for _, f := range fields {
		r.cell = append(r.cell, f)
	}
	if err := r.setRow(r.cell); err != nil {
		return err
	}
	r.lines++
	return nil
}

// Lines is how many rejected lines the workbook holds.
func (r *Report) Lines() int { return r.lines }

func (r *Report) setRow(cells []any) error {
	r.row++
	cell, _ := excelize.CoordinatesToCellName(1, r.row)
	if err := r.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, err)
	}
	return nil
}

// startSheet ends the current Rejected sheet, if any, and starts the next
// with a header row.
func (r *Report) startSheet() error {
	if err := r.endSheet(); err != nil {
		return err
	}
	r.sheets++
	name := ReportRejectedSheet
	if r.sheets > 1 {
		name += " " + strconv.Itoa(r.sheets)
	}
	if _, err := r.file.NewSheet(name); err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, err)
	}
	sw, err := r.file.NewStreamWriter(name)
	if err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, err)
	}
	r.sw, r.row, r.written, r.headerRows = sw, 0, nil, 0
	// A streamed sheet takes its widths before its first row: they fit the
	// header, the lines being unknown yet.
	for i, h := range r.header {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(h, slices.Contains(r.phone, h) || h == "phone_raw" || h == "phone_e164")); err != nil {
			return fmt.Errorf("write %s: %w", r.p.final, err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, err)
	}
	return r.writeHeader()
}

func (r *Report) writeHeader() error {
	cells := make([]any, len(r.header))
	for i, h := range r.header {
		cells[i] = excelize.Cell{StyleID: r.bold, Value: h}
	}
	if err := r.setRow(cells); err != nil {
		return err
	}
	r.written = r.header
	r.headerRows++
	return nil
}

// endSheet finishes the current Rejected sheet.
func (r *Report) endSheet() error {
	if r.sw == nil {
		return nil
	}
	sw := r.sw
	r.sw = nil
	// A table gives the header its filter buttons without reading the rows
	// back; a sheet with a second header row (inputs with other columns)
	// is no table.
	if r.headerRows == 1 && r.row >= 2 && filterable(r.written) {
		last, _ := excelize.CoordinatesToCellName(len(r.written), r.row)
		name := "Rejected" + strconv.Itoa(r.sheets)
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: name, ShowRowStripes: new(bool)}); err != nil {
			return fmt.Errorf("write %s: %w", r.p.final, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, err)
	}
	return nil
}

// Summarize writes the Summary sheet. It is called once, after the last
// line: the workbook cannot be finished without it.
func (r *Report) Summarize(s ReportSummary) error {
	if r.summarized {
		return errors.New("write " + r.p.final + ": the summary is already written")
	}
	if err := r.writeSummary(s); err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, err)
	}
	r.summarized = true
	return nil
}

// summaryLayout places the Summary sheet's cells, row by row.
type summaryLayout struct {
	f     *excelize.File
	row   int
	bold  int
	title int
	pct   int
	err   error
}

func (l *summaryLayout) put(cells ...any) {
	l.row++
	if l.err != nil || len(cells) == 0 {
		return
	}
	cell, _ := excelize.CoordinatesToCellName(1, l.row)
	l.err = l.f.SetSheetRow(ReportSummarySheet, cell, &cells)
}

func (l *summaryLayout) style(style, cols int) {
	if l.err != nil {
		return
	}
	last, _ := excelize.CoordinatesToCellName(cols, l.row)
	l.err = l.f.SetCellStyle(ReportSummarySheet, "A"+strconv.Itoa(l.row), last, style)
}

// heading writes a table's header row in bold.
func (l *summaryLayout) heading(cells ...any) {
	l.put(cells...)
	l.style(l.bold, len(cells))
}

func (r *Report) writeSummary(s ReportSummary) error {
	f := r.file
	l := &summaryLayout{f: f, bold: r.bold}
	var err error
	if l.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
		return err
	}
	pctFormat := "0.0%"
	if l.pct, err = f.NewStyle(&excelize.Style{CustomNumFmt: &pctFormat}); err != nil {
		return err
	}
	source := s.Source
	if source == "" {
		source = "(none)"
	}
	l.put("Scrub report")
	l.style(l.title, 1)
	l.put()
	for _, kv := range [][2]string{
		{"Started", utc(s.StartedAt)}, {"Finished", utc(s.FinishedAt)},
		{"Lead source", source}, {"Channel", s.Channel}, {"Campaign", s.Campaign}, {"Default region", s.Region},
	} {
		if kv[1] != "" {
			l.put(kv[0], kv[1])
		}
	}

	l.put()
	l.heading("Rows", "Count", "% of rows read")
	share := func(n int) any {
		if s.RowsRead == 0 {
			return ""
		}
		return float64(n) / float64(s.RowsRead)
	}
	for _, c := range []ReportCount{{"Rows read", s.RowsRead}, {"Clean (written to the clean list)", s.RowsClean}, {"Rejected (dropped)", s.RowsRejected}} {
		l.put(c.Name, c.Count, share(c.Count))
		if l.err == nil {
			l.err = f.SetCellStyle(ReportSummarySheet, "C"+strconv.Itoa(l.row), "C"+strconv.Itoa(l.row), l.pct)
		}
	}
	l.put("Numbers removed from kept rows", s.NumbersRemoved)

	l.put()
	l.heading("Input", "Rows read", "Clean", "Rejected")
	for _, in := range s.Inputs {
		l.put(in.Name, in.RowsRead, in.RowsClean, in.RowsRejected)
	}

	l.put()
	l.heading("Numbers removed by reason", "Numbers")
	first := l.row + 1
	for _, c := range s.Reasons {
		l.put(c.Name, c.Count)
	}
	last := l.row
	if len(s.Reasons) == 0 {
		l.put("(none)", 0)
	}
	chartAt := first - 1

	for _, t := range []struct {
		label string
		rows  []ReportSplit
	}{{"By region", s.Regions}, {"By number type", s.Types}} {
		l.put()
		l.heading(t.label, "Clean numbers", "Numbers removed")
		for _, sp := range t.rows {
			l.put(sp.Name, sp.Clean, sp.Rejected)
		}
	}
	l.put()
	l.put(fmt.Sprintf("Every number removed is on the sheet %s, one line each, with its reason and row.", ReportRejectedSheet))
	if l.err != nil {
		return l.err
	}
	if err := f.SetColWidth(ReportSummarySheet, "A", "A", 36); err != nil {
		return err
	}
	if err := f.SetColWidth(ReportSummarySheet, "B", "D", 16); err != nil {
		return err
	}
	if last >= first {
		if err := r.addReasonChart(first, last, chartAt); err != nil {
			return err
		}
	}
	return nil
}

// addReasonChart draws the reason table's rows (first to last) as a bar
// chart beside them: a chart over the cells, not a picture, so that it
// follows the numbers if someone edits them.
func (r *Report) addReasonChart(first, last, at int) error {
	column := func(col string) string {
		return fmt.Sprintf("%s!$%s$%d:$%s$%d", ReportSummarySheet, col, first, col, last)
	}
	n := last - first + 1
	gap, vary := uint(50), false
	return r.file.AddChart(ReportSummarySheet, "F"+strconv.Itoa(at), &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       fmt.Sprintf("%s!$B$%d", ReportSummarySheet, first-1),
			Categories: column("A"),
			Values:     column("B"),
		}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Numbers removed by reason"}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		PlotArea:   excelize.ChartPlotArea{ShowVal: true},
		XAxis:      excelize.ChartAxis{ReverseOrder: true}, // top to bottom, as in the table
		Dimension:  excelize.ChartDimension{Width: 560, Height: uint(100 + 26*n)},
		GapWidth:   &gap,
		VaryColors: &vary, // one series, one colour: the bars are the same kind of thing
	})
}

func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Commit finishes the workbook and moves it to its final name.
func (r *Report) Commit() error { return CommitAll(r) }

func (r *Report) staged() *AtomicFile { return r.p }

func (r *Report) finish() error {
	if r.p.finished {
		return nil
	}
	if !r.summarized {
		return errors.New("write " + r.p.final + ": the report has no summary")
	}
	if r.sheets == 0 {
		// No line: the sheet is there all the same, with its header.
		if err := r.startSheet(); err != nil {
			return err
		}
	}
	if err := r.endSheet(); err != nil {
		return err
	}
	r.file.SetActiveSheet(0)
	if _, err := r.file.WriteTo(r.p); err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, unwrapPath(err))
	}
	if err := r.file.Close(); err != nil {
		return fmt.Errorf("write %s: %w", r.p.final, err)
	}
	return r.p.finish()
}

// Abort removes the unfinished workbook. It does nothing after Commit.
func (r *Report) Abort() error {
	r.file.Close()
	return r.p.Abort()
}
