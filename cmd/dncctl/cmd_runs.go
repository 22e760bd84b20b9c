package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

func newRunsCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "Proof of scrub: every scrub run, its inputs, outputs and what it checked against",
		Long: `Every scrub run is recorded in the store before its outputs appear: the
SHA-256 and size of each input and output, the row counts, the state of each
list and registry when it started, the policy in force (the config's rules
and their SHA-256), the flags that change what is let through, who ran it
and dncctl's version. That record, the run's certificate, is one JSON
document; scrub --certificate also writes it beside the outputs.

The certificate's SHA-256 is in the run's audit record ("scrub"), so an edit
to a recorded run shows: runs show and runs verify check it, and audit verify
checks the audit log itself.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newRunsListCmd(f), newRunsShowCmd(f), newRunsVerifyCmd(f))
	return cmd
}

type runsListOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Since     string
	Format    string
}

func newRunsListCmd(f *factory) *cobra.Command {
	opts := &runsListOptions{IO: f.IO, OpenStore: f.OpenExistingStore}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the recorded scrub runs",
		Long: `Runs list prints the recorded scrub runs, oldest first: when, whether the
outputs were put in place (ok) or not (failed), who ran it, the inputs and
the row counts.

Exit status:
  0  done
  1  failed
  2  usage error`,
		Example: `  dncctl runs list
  dncctl runs list --since 2026-11-01 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRunsList(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Since, "since", "", "only runs started from this day on (2026-11-01, UTC)")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table, csv or json")
	return cmd
}

// runSummary is a line of runs list.
type runSummary struct {
	ID           int64    `json:"id"`
	StartedAt    string   `json:"started_at"`
	FinishedAt   string   `json:"finished_at"`
	Status       string   `json:"status"`
	User         string   `json:"os_user"`
	Command      string   `json:"command"`
	Version      string   `json:"dncctl_version"`
	Inputs       []string `json:"inputs"`
	RowsRead     int      `json:"rows_read"`
	RowsClean    int      `json:"rows_clean"`
	RowsRejected int      `json:"rows_rejected"`
	SHA256       string   `json:"certificate_sha256"`
}

func summarizeRun(r store.Run) runSummary {
	s := runSummary{ID: r.ID, StartedAt: r.StartedAt.UTC().Format(time.RFC3339), FinishedAt: r.FinishedAt.UTC().Format(time.RFC3339),
		Status: string(r.Status), User: r.User, Command: r.Command, Version: r.Version, Inputs: []string{}, SHA256: r.SHA256}
	// An unreadable certificate is shown by runs show; listing the others
	// matters more than failing on it here.
	if c, err := parseCertificate(r); err == nil {
		for _, in := range c.Inputs {
			s.Inputs = append(s.Inputs, in.Path)
		}
		s.RowsRead, s.RowsClean, s.RowsRejected = c.Counts.RowsRead, c.Counts.RowsClean, c.Counts.RowsRejected
	}
	return s
}

var runsColumns = []string{"id", "started_at", "finished_at", "status", "os_user", "command", "dncctl_version", "inputs", "rows_read", "rows_clean", "rows_rejected", "certificate_sha256"}

func (s runSummary) fields() []string {
	return []string{strconv.FormatInt(s.ID, 10), s.StartedAt, s.FinishedAt, s.Status, s.User, s.Command, s.Version, strings.Join(s.Inputs, "; "),
		strconv.Itoa(s.RowsRead), strconv.Itoa(s.RowsClean), strconv.Itoa(s.RowsRejected), s.SHA256}
}

func runRunsList(ctx context.Context, opts *runsListOptions) error {
	q := store.RunQuery{}
	if opts.Since != "" {
		t, err := time.Parse("2006-01-02", opts.Since)
		if err != nil {
			return usageErrorf("--since: %q is not a day such as 2026-11-01", opts.Since)
		}
		q.Since = t
	}
	if err := checkShowFormat(opts.Format); err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	w := opts.IO.Out
	switch opts.Format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(runsColumns)
		if err := st.Runs(ctx, q, func(r store.Run) error { return cw.Write(summarizeRun(r).fields()) }); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case "json":
		runs := []runSummary{}
		if err := st.Runs(ctx, q, func(r store.Run) error {
			runs = append(runs, summarizeRun(r))
			return nil
		}); err != nil {
			return err
		}
		b, err := json.MarshalIndent(runs, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tstarted\tstatus\tuser\tread\tclean\trejected\tinputs")
	if err := st.Runs(ctx, q, func(r store.Run) error {
		s := summarizeRun(r)
		_, err := fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", s.ID, s.StartedAt, s.Status, s.User, s.RowsRead, s.RowsClean, s.RowsRejected, strings.Join(s.Inputs, ", "))
		return err
	}); err != nil {
		return err
	}
	return tw.Flush()
}

type runsShowOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	ID        int64
	Format    string
}

func newRunsShowCmd(f *factory) *cobra.Command {
	opts := &runsShowOptions{IO: f.IO, OpenStore: f.OpenExistingStore}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Print a run's certificate: inputs, outputs, counts, lists, registries, policy",
		Long: `Runs show prints what a scrub run was: its inputs with their SHA-256, its
outputs with theirs and their row counts, the reasons rows were removed, the
state of each list and registry when it started, the policy's SHA-256, the
flags that mattered, who ran it and dncctl's version. --format json prints
the certificate exactly as recorded (and as --certificate wrote it).

It also checks that the certificate is the one recorded: that its SHA-256 is
the one the run's audit record names.

Exit status:
  0  done
  1  no such run, or its record was altered (or the store cannot be read)
  2  usage error`,
		Example: `  dncctl runs show 12
  dncctl runs show 12 --format json > run-12.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageErrorf("%q is not a run id such as 12 (see dncctl runs list)", args[0])
			}
			opts.ID = id
			return runRunsShow(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "text", "text or json")
	return cmd
}

func runRunsShow(ctx context.Context, opts *runsShowOptions) error {
	if opts.Format != "text" && opts.Format != "json" {
		return usageErrorf("--format: unknown format %q (want text or json)", opts.Format)
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	r, err := st.Run(ctx, opts.ID)
	if err != nil {
		return err
	}
	altered := st.VerifyRun(ctx, r)
	if altered != nil && !errors.Is(altered, store.ErrRunAltered) {
		return altered
	}
	if opts.Format == "json" {
		if _, err := opts.IO.Out.Write(r.Certificate); err != nil {
			return err
		}
	} else {
		c, err := parseCertificate(r)
		if err != nil {
			return errors.Join(err, altered)
		}
		if err := writeRun(opts.IO.Out, r, c, altered == nil); err != nil {
			return err
		}
	}
	if altered != nil {
		return fmt.Errorf("%s: %w", st.Path(), altered)
	}
	return nil
}

// writeRun prints a run for a person.
func writeRun(out io.Writer, r store.Run, c *certificate, intact bool) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	status := string(r.Status)
	if r.Failure != "" {
		status += ": " + r.Failure
	}
	fmt.Fprintf(w, "run %d\t%s\n", r.ID, status)
	fmt.Fprintf(w, "started\t%s\n", c.StartedAt)
	fmt.Fprintf(w, "finished\t%s\n", c.FinishedAt)
	fmt.Fprintf(w, "by\t%s on %s (%s)\n", c.User, orNone(c.Host), c.Command)
	fmt.Fprintf(w, "dncctl\t%s\n", c.Version)
	fmt.Fprintf(w, "store\t%s\n", c.Store)
	check := "matches the run's audit record"
	if !intact {
		check = "ALTERED: does not match the run's audit record"
	}
	fmt.Fprintf(w, "certificate\tsha256 %s (%s)\n", r.SHA256, check)
	if err := w.Flush(); err != nil {
		return err
	}

	o := c.Options
	fmt.Fprintf(out, "\noptions:\n")
	w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, kv := range [][2]string{
		{"channel", o.Channel}, {"campaign", orNone(o.Campaign)}, {"region", orNone(o.Region)},
		{"region-col", orNone(o.RegionColumn)}, {"phone-col", orNone(strings.Join(o.PhoneColumns, ", "))},
		{"source", orNone(o.Source)}, {"strict-region", strconv.FormatBool(o.StrictRegion)},
		{"whitelist-only", strconv.FormatBool(o.WhitelistOnly)}, {"callable-at", orNone(o.CallableAt)},
		{"allow-stale", strconv.FormatBool(o.AllowStale)}, {"allow-empty-store", strconv.FormatBool(o.AllowEmptyStore)},
		{"allow-pending", strconv.FormatBool(o.AllowPending)},
	} {
		fmt.Fprintf(w, "  %s\t%s\n", kv[0], kv[1])
	}
	if err := w.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(out, "\ninputs:\n")
	for _, in := range c.Inputs {
		name := in.Path
		if in.AbsPath != "" && in.AbsPath != in.Path {
			name += " (" + in.AbsPath + ")"
		}
		if in.Path == "-" {
			name = "- (standard input)"
		}
		fmt.Fprintf(out, "  %s\n    sha256 %s  %d bytes  %d rows read, %d clean, %d rejected\n",
			name, in.SHA256, in.Size, in.RowsRead, in.RowsClean, in.RowsRejected)
		if len(in.Sheets) > 0 {
			fmt.Fprintf(out, "    sheets: %s\n", strings.Join(in.Sheets, ", "))
		}
	}

	fmt.Fprintf(out, "\noutputs:\n")
	for _, o := range c.Outputs {
		rows := ""
		if o.Rows != nil {
			rows = fmt.Sprintf("  %d rows", *o.Rows)
		}
		fmt.Fprintf(out, "  %-11s  %s\n    sha256 %s  %d bytes%s\n", o.Role, o.Path, o.SHA256, o.Size, rows)
	}
	for _, o := range r.Outputs {
		if o.Role == store.RoleCertificate {
			fmt.Fprintf(out, "  %-11s  %s\n    sha256 %s (this certificate)\n", o.Role, o.Path, o.SHA256)
		}
	}

	fmt.Fprintf(out, "\ncounts: %d rows read, %d clean, %d rejected\n", c.Counts.RowsRead, c.Counts.RowsClean, c.Counts.RowsRejected)
	w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, reason := range reasonsOf(c.Counts.Reasons) {
		if n := c.Counts.Reasons[reason]; n > 0 {
			fmt.Fprintf(w, "  %s\t%d\n", reason, n)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(out, "\nlists, when the run started:\n")
	w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, l := range c.Lists {
		fmt.Fprintf(w, "  %s\t%d active\tlast change %s\n", l.List, l.Active, changedAgo(l.LastChangeAt, l.AgeSeconds))
	}
	if err := w.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(out, "\nregistries, when the run started:\n")
	if len(c.Registries) == 0 {
		fmt.Fprintf(out, "  none in the store\n")
	}
	w = tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, g := range c.Registries {
		stale := ""
		if g.StaleAllowed {
			stale = "\tstale, passed over with --allow-stale"
		}
		updated := "never imported"
		if g.AgeSeconds != nil {
			updated = "updated " + spanOf(time.Duration(*g.AgeSeconds)*time.Second) + " before"
		}
		fmt.Fprintf(w, "  %s\t%s\t%d numbers\tfull import %s\tchange list %s\t%s%s\n", g.Name, orNone(g.Region), g.Count,
			orNone(g.LastFullImportAt), orNone(g.LastChangeAt), updated, stale)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, s := range c.StaleRegistriesAllowed {
		fmt.Fprintf(out, "  allowed stale: %s\n", s)
	}

	config := "no config file"
	if c.Policy.ConfigFile != "" {
		config = "config " + c.Policy.ConfigFile
		if c.Policy.ConfigSHA256 != "" {
			config += " (sha256 " + c.Policy.ConfigSHA256 + ")"
		}
	}
	_, err := fmt.Fprintf(out, "\npolicy: sha256 %s, %s\n", c.Policy.SHA256, config)
	return err
}

// reasonsOf are the reasons in a run's counts: the ones this dncctl knows
// in their order, then any other (a certificate from another version).
func reasonsOf(counts map[scrub.Reason]int) []scrub.Reason {
	known := map[scrub.Reason]bool{}
	out := append([]scrub.Reason{}, scrub.Reasons...)
	for _, r := range scrub.Reasons {
		known[r] = true
	}
	var other []scrub.Reason
	for r := range counts {
		if !known[r] {
			other = append(other, r)
		}
	}
	sort.Slice(other, func(i, j int) bool { return other[i] < other[j] })
	return append(out, other...)
}

func changedAgo(at string, ageSeconds *int64) string {
	if at == "" {
		return "never"
	}
	if ageSeconds == nil {
		return at
	}
	return at + " (" + spanOf(time.Duration(*ageSeconds)*time.Second) + " before)"
}

// spanOf is a duration as a person reads it: 3d4h, 2h5m, 40s.
func spanOf(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	}
	return fmt.Sprintf("%ds", int(d.Seconds()))
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type runsVerifyOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	File      string
}

func newRunsVerifyCmd(f *factory) *cobra.Command {
	opts := &runsVerifyOptions{IO: f.IO, OpenStore: f.OpenExistingStore}
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Say which run wrote a file: a clean list, a report, a summary or a certificate",
		Long: `Runs verify computes the file's SHA-256 and looks for it among the outputs
of the recorded runs: it prints the run, when it finished and what the file
was (the clean list of which input, its rejection report, the summary or the
certificate). A copy found under another name is still found: the content is
what counts. When several runs wrote the same content, all are named.

A file no run wrote (changed since, by a single byte, or made elsewhere) is
said so; if a run wrote a file under that name, that run's hash is printed
to compare with.

The run's record is checked too: its certificate must be the one its audit
record names, and must list the file.

Exit status:
  0  a recorded run wrote this file
  1  no run wrote it (modified, or unknown), or the run's record was altered
     (or the file or store cannot be read)
  2  usage error`,
		Example: `  dncctl runs verify /srv/dialer/leads.clean.csv
  dncctl runs verify out/leads.certificate.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return runRunsVerify(cmd.Context(), opts)
		},
	}
	return cmd
}

func runRunsVerify(ctx context.Context, opts *runsVerifyOptions) error {
	sum, _, err := hashFile(opts.File)
	if err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	matches, err := st.RunsWithOutput(ctx, sum)
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if len(matches) == 0 {
		abs, _ := filepath.Abs(opts.File)
		byName, err := st.RunsWithOutputPath(ctx, abs)
		if err != nil {
			return err
		}
		if len(byName) > 0 {
			m := byName[0]
			fmt.Fprintf(out, "%s: MODIFIED: no recorded run wrote this content (sha256 %s); run %d wrote %s there at %s with sha256 %s\n",
				opts.File, sum, m.Run.ID, m.Output.Role, m.Run.FinishedAt.UTC().Format(time.RFC3339), m.Output.SHA256)
		} else {
			fmt.Fprintf(out, "%s: UNKNOWN: no run recorded in %s wrote this content (sha256 %s): it was changed after it was written, or made elsewhere\n",
				opts.File, st.Path(), sum)
		}
		return &exitError{code: exitFailed}
	}
	for _, m := range matches {
		what, err := describeOutput(ctx, st, m, sum)
		if err != nil {
			return fmt.Errorf("%s: run %d: %w", st.Path(), m.Run.ID, err)
		}
		note := ""
		if abs, _ := filepath.Abs(opts.File); abs != m.Output.Path {
			note = ", written as " + m.Output.Path
		}
		if m.Run.Status == store.RunFailed {
			note += "; the run failed, its outputs were not put in place: " + m.Run.Failure
		}
		fmt.Fprintf(out, "%s: written by run %d at %s (%s, dncctl %s) as %s%s\n",
			opts.File, m.Run.ID, m.Run.FinishedAt.UTC().Format(time.RFC3339), m.Run.User, m.Run.Version, what, note)
	}
	return nil
}

// describeOutput checks that a matched run's record vouches for the file
// (its certificate is intact and lists that hash) and says what the file was.
func describeOutput(ctx context.Context, st *store.Store, m store.RunMatch, sum string) (string, error) {
	if err := st.VerifyRun(ctx, m.Run); err != nil {
		return "", err
	}
	if m.Output.Role == store.RoleCertificate {
		if m.Run.SHA256 != sum {
			return "", fmt.Errorf("%w: the index names a certificate that is not the run's", store.ErrRunAltered)
		}
		return "its certificate", nil
	}
	c, err := parseCertificate(m.Run)
	if err != nil {
		return "", err
	}
	for _, o := range c.Outputs {
		if o.SHA256 != sum || o.Role != m.Output.Role {
			continue
		}
		if o.Input == "-" {
			o.Input = "standard input"
		}
		switch o.Role {
		case store.RoleClean:
			return "the clean list of " + o.Input, nil
		case store.RoleRejected:
			return "the rejection report of " + o.Input, nil
		case store.RoleSummary:
			return "its JSON summary", nil
		case store.RoleReport:
			return "its report workbook", nil
		}
		return o.Role, nil
	}
	return "", fmt.Errorf("%w: the index says it wrote this file, its certificate does not", store.ErrRunAltered)
}
