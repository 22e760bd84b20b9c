package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

func newReportCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Reports from the store: the quality of each lead source, what the nightly jobs did",
		Long: `Report reads what the store recorded and sums it up for people: the
scrub runs (see dncctl runs) by lead source, and the nightly jobs' files
day by day. It changes nothing.

A workbook of one scrub run is scrub --report FILE.xlsx.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newReportSourcesCmd(f), newReportRunsCmd(f))
	return cmd
}

// reportOptions are the flags of report sources and report runs.
type reportOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	Since     string
	Format    string
}

func newReportSourcesCmd(f *factory) *cobra.Command {
	opts := &reportOptions{IO: f.IO, OpenStore: f.OpenExistingStore, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "sources",
		Short: "The quality of each lead source: rows bought, invalid, duplicated, opted out, blacklisted, on a registry",
		Long: `Report sources adds up the recorded scrub runs since --since by their lead
source (scrub --source; runs without one are "(none)"): how many rows were
bought (read), how many were clean, and how many numbers were removed as
invalid (INVALID_NUMBER, NO_PHONE, EXCEL_PRECISION_LOST, MALFORMED_ROW),
duplicates, opted out, blacklisted, on a national registry, or for another
reason; each with its share of the rows read. A source whose leads are
mostly invalid or already opted out is one to stop buying from.

The removed counts are numbers (rejection report lines): a row with two
removed numbers counts twice. Runs whose outputs were not put in place
(status failed) are left out.

--since is a span back from today (30d, 12w: from the start of that UTC
day) or a day (2026-11-01, UTC).

Exit status:
  0  done
  1  failed (the store does not exist or cannot be read)
  2  usage error`,
		Example: `  dncctl report sources
  dncctl report sources --since 12w --format csv > sources.csv
  dncctl report sources --since 2026-11-01 --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReportSources(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "30d", "runs started since: a span (30d, 12w) or a day (2026-11-01)")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table, csv or json")
	return cmd
}

func newReportRunsCmd(f *factory) *cobra.Command {
	opts := &reportOptions{IO: f.IO, OpenStore: f.OpenExistingStore, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "What the nightly jobs did, day by day",
		Long: `Report runs says, for each day (UTC) and nightly job since --since, how
many files were processed, skipped as duplicates (a file already processed,
under any name), failed, and how many lists in use were cleaned again, with
the rows read, clean and rejected. A day without a line is a day the jobs
recorded nothing: see whether they ran.

--since is a span back from today (7d, 2w: from the start of that UTC day)
or a day (2026-11-01, UTC).

Exit status:
  0  done
  1  failed (the store does not exist or cannot be read)
  2  usage error`,
		Example: `  dncctl report runs
  dncctl report runs --since 30d --format csv > nightly.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReportRuns(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "7d", "days since: a span (7d, 2w) or a day (2026-11-01)")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table, csv or json")
	return cmd
}

// reportSince reads --since: a day, or a span back from now to the start
// of its UTC day, so that the first day counts whole.
func reportSince(s string, now time.Time) (time.Time, error) {
	if day, err := time.Parse("2006-01-02", s); err == nil {
		return day, nil
	}
	span, err := parseSpan(s)
	if err != nil {
		return time.Time{}, usageErrorf("--since: %q is neither a span such as 30d nor a day such as 2026-11-01", s)
	}
	return now.Add(-span).UTC().Truncate(24 * time.Hour), nil
}

// sourceQuality is one lead source's line of report sources.
type sourceQuality struct {
	Source         string  `json:"source"`
	Runs           int     `json:"runs"`
	RowsRead       int     `json:"rows_read"`
	RowsClean      int     `json:"rows_clean"`
	CleanPct       float64 `json:"clean_pct"`
	RowsRejected   int     `json:"rows_rejected"`
	Invalid        int     `json:"invalid"`
	InvalidPct     float64 `json:"invalid_pct"`
	Duplicates     int     `json:"duplicates"`
	DuplicatesPct  float64 `json:"duplicates_pct"`
	OptedOut       int     `json:"opted_out"`
	OptedOutPct    float64 `json:"opted_out_pct"`
	Blacklisted    int     `json:"blacklisted"`
	BlacklistedPct float64 `json:"blacklisted_pct"`
	Registry       int     `json:"registry"`
	RegistryPct    float64 `json:"registry_pct"`
	Other          int     `json:"other_rejections"`
}

// invalidReasons are the reasons that say a lead's number was no number.
var invalidReasons = []scrub.Reason{scrub.ReasonInvalidNumber, scrub.ReasonNoPhone, scrub.ReasonPrecisionLost, scrub.ReasonMalformedRow}

// add counts a run's numbers in q.
func (q *sourceQuality) add(c scrub.Counts) {
	q.Runs++
	q.RowsRead += c.RowsRead
	q.RowsClean += c.RowsClean
	q.RowsRejected += c.RowsRejected
	for reason, n := range c.Reasons {
		switch {
		case slices.Contains(invalidReasons, reason):
			q.Invalid += n
		case reason == scrub.ReasonDuplicate:
			q.Duplicates += n
		case reason == scrub.ReasonOptedOut:
			q.OptedOut += n
		case reason == scrub.ReasonBlacklisted:
			q.Blacklisted += n
		case reason == scrub.ReasonRegistry:
			q.Registry += n
		default:
			q.Other += n
		}
	}
}

func (q *sourceQuality) shares() {
	pct := func(n int) float64 {
		if q.RowsRead == 0 {
			return 0
		}
		return float64(int(float64(n)*1000/float64(q.RowsRead)+0.5)) / 10
	}
	q.CleanPct, q.InvalidPct, q.DuplicatesPct = pct(q.RowsClean), pct(q.Invalid), pct(q.Duplicates)
	q.OptedOutPct, q.BlacklistedPct, q.RegistryPct = pct(q.OptedOut), pct(q.Blacklisted), pct(q.Registry)
}

var sourcesColumns = []string{"source", "runs", "rows_read", "rows_clean", "clean_pct", "rows_rejected", "invalid", "invalid_pct",
	"duplicates", "duplicates_pct", "opted_out", "opted_out_pct", "blacklisted", "blacklisted_pct", "registry", "registry_pct", "other_rejections"}

func (q sourceQuality) fields() []string {
	n, p := strconv.Itoa, func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
	return []string{q.Source, n(q.Runs), n(q.RowsRead), n(q.RowsClean), p(q.CleanPct), n(q.RowsRejected), n(q.Invalid), p(q.InvalidPct),
		n(q.Duplicates), p(q.DuplicatesPct), n(q.OptedOut), p(q.OptedOutPct), n(q.Blacklisted), p(q.BlacklistedPct),
		n(q.Registry), p(q.RegistryPct), n(q.Other)}
}

// noSource names the runs given no --source.
const noSource = "(none)"

func runReportSources(ctx context.Context, opts *reportOptions) error {
	since, err := reportSince(opts.Since, opts.Now())
	if err != nil {
		return err
	}
	if err := checkShowFormat(opts.Format); err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sources, err := sourceQualities(ctx, st, since, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	if done, err := writeData(w, opts.Format, sourcesColumns, sources, sourceQuality.fields); done {
		return err
	}
	if len(sources) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "No scrub run since %s.\n", since.Format("2006-01-02"))
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "source\truns\trows read\tclean\tinvalid\tduplicates\topted out\tblacklisted\tregistry\tother")
	share := func(n int, pct float64) string { return fmt.Sprintf("%d (%.1f%%)", n, pct) }
	for _, q := range sources {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", q.Source, q.Runs, q.RowsRead, share(q.RowsClean, q.CleanPct),
			share(q.Invalid, q.InvalidPct), share(q.Duplicates, q.DuplicatesPct), share(q.OptedOut, q.OptedOutPct),
			share(q.Blacklisted, q.BlacklistedPct), share(q.Registry, q.RegistryPct), q.Other)
	}
	return tw.Flush()
}

// sourceQualities adds up the recorded runs started since since, by lead
// source, sorted by name with the runs without a source last. A list in
// use cleaned again is not counted, and an input scrubbed twice (the same
// content again, or a rerun after a crash) counts once: the rows were
// bought once.
func sourceQualities(ctx context.Context, st *store.Store, since time.Time, warn io.Writer) ([]sourceQuality, error) {
	bySource := map[string]*sourceQuality{}
	counted := map[string]bool{}
	err := st.Runs(ctx, store.RunQuery{Since: since}, func(r store.Run) error {
		if r.Status != store.RunOK {
			return nil
		}
		c, err := parseCertificate(r)
		if err != nil {
			// One damaged record must not hide every source's figures;
			// runs show says what is wrong with it.
			fmt.Fprintf(warn, "Warning: %v: left out\n", err)
			return nil
		}
		if c.Options.InPlace {
			return nil
		}
		key := c.Options.Source
		for _, in := range c.Inputs {
			key += "\x00" + in.SHA256
		}
		if len(c.Inputs) > 0 && counted[key] {
			return nil
		}
		counted[key] = true
		name := c.Options.Source
		if name == "" {
			name = noSource
		}
		if bySource[name] == nil {
			bySource[name] = &sourceQuality{Source: name}
		}
		bySource[name].add(c.Counts)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]sourceQuality, 0, len(bySource))
	for _, q := range bySource {
		q.shares()
		out = append(out, *q)
	}
	slices.SortFunc(out, func(a, b sourceQuality) int {
		if (a.Source == noSource) != (b.Source == noSource) {
			if a.Source == noSource {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Source, b.Source)
	})
	return out, nil
}

// nightlyDay is what one nightly job did on one UTC day.
type nightlyDay struct {
	Date         string `json:"date"`
	Job          string `json:"job"`
	Processed    int    `json:"processed"`
	Duplicates   int    `json:"duplicates_skipped"`
	Failed       int    `json:"failed"`
	Rescrubbed   int    `json:"rescrubbed"`
	RowsRead     int    `json:"rows_read"`
	RowsClean    int    `json:"rows_clean"`
	RowsRejected int    `json:"rows_rejected"`
}

var nightlyDayColumns = []string{"date", "job", "processed", "duplicates_skipped", "failed", "rescrubbed", "rows_read", "rows_clean", "rows_rejected"}

func (d nightlyDay) fields() []string {
	n := strconv.Itoa
	return []string{d.Date, d.Job, n(d.Processed), n(d.Duplicates), n(d.Failed), n(d.Rescrubbed), n(d.RowsRead), n(d.RowsClean), n(d.RowsRejected)}
}

func runReportRuns(ctx context.Context, opts *reportOptions) error {
	since, err := reportSince(opts.Since, opts.Now())
	if err != nil {
		return err
	}
	if err := checkShowFormat(opts.Format); err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	days, err := nightlyDays(ctx, st, since)
	if err != nil {
		return err
	}
	w := opts.IO.Out
	if done, err := writeData(w, opts.Format, nightlyDayColumns, days, nightlyDay.fields); done {
		return err
	}
	if len(days) == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "No nightly job recorded anything since %s.\n", since.Format("2006-01-02"))
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "date\tjob\tprocessed\tduplicates\tfailed\trescrubbed\trows read\tclean\trejected")
	for _, d := range days {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", d.Date, d.Job, d.Processed, d.Duplicates, d.Failed, d.Rescrubbed, d.RowsRead, d.RowsClean, d.RowsRejected)
	}
	return tw.Flush()
}

// nightlyDays adds up the nightly jobs' records since since by UTC day and
// job, in that order.
func nightlyDays(ctx context.Context, st *store.Store, since time.Time) ([]nightlyDay, error) {
	type key struct{ date, job string }
	byKey := map[key]*nightlyDay{}
	err := st.NightlyFiles(ctx, since, func(f store.NightlyFile) error {
		k := key{f.At.UTC().Format("2006-01-02"), f.Job}
		d := byKey[k]
		if d == nil {
			d = &nightlyDay{Date: k.date, Job: k.job}
			byKey[k] = d
		}
		switch f.Status {
		case store.NightlyProcessed:
			d.Processed++
		case store.NightlyDuplicate:
			d.Duplicates++
		case store.NightlyFailed:
			d.Failed++
		case store.NightlyRescrubbed:
			d.Rescrubbed++
		}
		d.RowsRead += f.RowsRead
		d.RowsClean += f.RowsClean
		d.RowsRejected += f.RowsRejected
		return nil
	})
	if err != nil {
		return nil, err
	}
	days := make([]nightlyDay, 0, len(byKey))
	for _, d := range byKey {
		days = append(days, *d)
	}
	slices.SortFunc(days, func(a, b nightlyDay) int {
		return cmp.Or(strings.Compare(a.Date, b.Date), strings.Compare(a.Job, b.Job))
	})
	return days, nil
}

// writeData writes items as CSV (columns, then each item's fields) or as a
// JSON array of the items themselves (numbers stay numbers); done is false
// for the table format, which each report lays out itself.
func writeData[T any](w io.Writer, format string, columns []string, items []T, fields func(T) []string) (done bool, err error) {
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(columns)
		for _, it := range items {
			cw.Write(fields(it))
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return true, fmt.Errorf("write: %w", err)
		}
		return true, nil
	case "json":
		b, err := json.MarshalIndent(items, "", "  ")
		if err != nil {
			return true, err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return true, err
	}
	return false, nil
}
