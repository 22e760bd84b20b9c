package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

type scrubOptions struct {
	IO        *iostreams
	Rules     func() *fileConfig
	OpenStore checkedStoreOpener
	// StorePath is the store's file, which no output may replace.
	StorePath func() string
	Now       func() time.Time

	Files       []string
	Region      string
	PhoneCols   []string
	RegionCol   string
	Strict      bool
	Channel     string
	OutDir      string
	Format      string
	SummaryJSON string
	AllowEmpty  bool
	ExcelBOM    bool
	HeaderRow   int
	Sheet       string
	AllSheets   bool
	Encoding    string
	Delimiter   string
	Campaign    string
	Source      string
	OnlyWhite   bool
	AllowStale  bool
	// AllowPending lets numbers in the review queue through (recorded).
	AllowPending bool
	CallableAt   string
	// WhitelistFirst writes the rows with a whitelisted number first.
	WhitelistFirst bool
	// KeyFiles hold the HMAC keys of partners' hashed lists and registries.
	KeyFiles []string
	// Set by nightly, not by flags: RejectedDir puts the rejection reports
	// apart from the clean lists; Stem names a single input's outputs;
	// InPlace writes the clean list over its input (a list in use, cleaned
	// again); Done receives the run's summary and id once it is committed.
	RejectedDir string
	Stem        string
	InPlace     bool
	InputName   string // the name reports give a single input
	Done        func(sum *scrub.Summary, runID int64)
	// Certificate is where to write the run's proof of scrub as JSON.
	Certificate string
	// Report is where to write the run's workbook for people (.xlsx): a
	// summary with a chart of the numbers removed by reason, and every
	// rejected line.
	Report string
	// Actor is who the run is recorded as made by.
	Actor func() store.Actor
}

func newScrubCmd(f *factory) *cobra.Command {
	opts := &scrubOptions{IO: f.IO, OpenStore: f.OpenStoreToCheck, StorePath: f.StorePath, Now: f.Now, Rules: func() *fileConfig { return f.Config }, Actor: f.actor}
	cmd := &cobra.Command{
		Use:   "scrub [flags] FILE...",
		Short: "Write a clean call list and a rejection report for lead files",
		Long: `Scrub reads lead files (.csv, .tsv, .txt, .xlsx, .xlsm, or - for CSV on
standard input), normalizes each phone number to E.164 and checks it against
the store's blacklist, opt-outs (for --channel) and whitelist.

For each input it writes, in --out-dir (default: beside the input):
  <stem>.clean.<ext>     rows that may be called: the input's columns, then
                         phone_e164, phone_type, phone_region, priority
  <stem>.rejected.<ext>  every number removed: source_file, source_row,
                         phone_column, phone_raw, phone_e164, reason, detail,
                         row_outcome, then the input's columns

Every number in every phone column is checked (columns named like phone,
mobile, Teléfono, 手机号码, phone2…, or named with --phone-col), and a cell
holding several numbers (138…/139…, a; b, one per line) is split. A row
with at least one callable number goes to the clean file with the other
numbers blanked; a row with none is dropped. The report has one line per
number removed, with row_outcome kept or dropped.

--region-col names a column with each row's country (ES, ESP, Spain,
España, 西班牙…), used before --region for numbers without a country code. A
valid number in another country than its row's region is counted in the
summary, and rejected as REGION_MISMATCH with --strict-region.

Reasons: NO_PHONE (empty cell), INVALID_NUMBER, EXCEL_PRECISION_LOST (a
number Excel wrote as 8.61381E+12), MALFORMED_ROW (more fields than the
header), BLACKLISTED, OPTED_OUT, PENDING_REVIEW (a number in the review
queue: see dncctl review list; --allow-pending lets it through, recorded in
the summary), REGION_MISMATCH, and DUPLICATE (a number
already written to a clean file in this run, across all its inputs).
A blacklisted or opted-out number is rejected on every row it appears; the
blacklist comes before opt-outs, and both beat the whitelist.

The store must exist and hold opt-outs or blacklist entries: a mistyped
--db must not pass every number. --allow-empty-store (on the command line
only) scrubs anyway.

A partner's hashed lists and registries are matched by hashing each
number. Those hashed with HMAC-SHA-256 need their key (--key-file,
repeatable, or key-file in the config): without it, or with another key,
scrub refuses to run rather than pass the numbers they stand for.

Every row read is either in the clean file or dropped. Outputs appear only when the whole
run has succeeded: a failed or interrupted run leaves no file under a final
name. A summary goes to standard error (and to --summary-json as JSON).
No output may be named like an input, the store (or its -wal, -shm or
-journal), the config file or a --key-file: such a run is refused (exit 2).

Before its outputs appear, the run is recorded in the store, with an audit
record: the SHA-256 of every input and output, the counts, the state of the
lists and registries, and the policy (see dncctl runs). --certificate also
writes that record as JSON with the outputs. So the store must be writable.

--report FILE.xlsx also writes a workbook for people: a Summary sheet (rows
in, clean and rejected, the numbers removed by reason, region and number
type, the lead source) with a bar chart of the reasons, and every rejected
line of every input on the sheet Rejected. It is one more output, recorded
and written with the others.

Exit status:
  0  the outputs were written
  1  failed: nothing was written
  2  usage error`,
		Example: `  # Spanish leads; numbers without +34 are read as Spanish
  dncctl scrub leads.xlsx --region ES

  # Chinese leads for an SMS campaign, outputs and JSON summary in out/
  dncctl scrub leads.csv --region CN --channel sms --out-dir out/ --summary-json out/summary.json

  # a CRM export on standard input, phone in the column "Móvil"
  crm-export | dncctl scrub - --phone-col Móvil --region ES --out-dir /srv/dialer

  # with its proof of scrub beside the outputs
  dncctl scrub leads.csv --region ES --out-dir out/ --certificate out/leads.certificate.json

  # a purchased list, with a workbook for the sales manager
  dncctl scrub vendor-a.csv --region ES --source vendor-a --out-dir out/ --report out/vendor-a.report.xlsx`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("no input file: give one or more lead files, or - for standard input")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			return runScrub(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Region, "region", "", "default region (ISO code such as ES) for numbers written without a country code")
	fl.StringSliceVar(&opts.PhoneCols, "phone-col", nil, "phone column: header name or 1-based number; repeat for several (default: detected from the header)")
	fl.StringVar(&opts.RegionCol, "region-col", "", "column with each row's country (ISO code, or a name in English, Spanish or Chinese), before --region")
	fl.BoolVar(&opts.Strict, "strict-region", false, "reject valid numbers in another country than their row's region (REGION_MISMATCH)")
	fl.StringVar(&opts.Source, "source", "", "the lead source (vendor) of the inputs: a source the config blocks rejects every row")
	fl.BoolVar(&opts.WhitelistFirst, "whitelist-first", false, "write the rows with a whitelisted number first in the clean file")
	fl.BoolVar(&opts.OnlyWhite, "whitelist-only", false, "keep only whitelisted numbers (NOT_WHITELISTED for the others)")
	fl.StringVar(&opts.CallableAt, "callable-at", "", "keep only numbers legal to call at this time (RFC 3339, e.g. 2026-11-23T19:00:00Z), by the policies' calling_hours")
	fl.BoolVar(&opts.AllowPending, "allow-pending", false, "let numbers waiting in the review queue through instead of rejecting them as PENDING_REVIEW (recorded in the summary)")
	fl.BoolVar(&opts.AllowStale, "allow-stale", false, "write the clean list even if a registry the policies require is missing or too old (recorded in the summary)")
	fl.StringVar(&opts.Campaign, "campaign", "", "campaign or brand: its own list entries apply besides the global ones")
	fl.StringVar(&opts.Channel, "channel", "voice", "campaign channel, selects the opt-outs that apply: voice, sms, whatsapp, email")
	fl.StringVar(&opts.OutDir, "out-dir", "", "directory for the outputs (default: beside each input)")
	fl.StringVar(&opts.Format, "format", "", "output format: csv or xlsx (default: the input's)")
	fl.StringVar(&opts.SummaryJSON, "summary-json", "", "also write the summary as JSON to this file")
	fl.StringVar(&opts.Report, "report", "", "also write a workbook (.xlsx) with a summary, a chart of the rejections by reason and every rejected line")
	fl.StringVar(&opts.Certificate, "certificate", "", "also write the run's proof of scrub (hashes, counts, lists, policy) as JSON to this file")
	fl.StringVar(&opts.Encoding, "encoding", "", "text encoding of CSV inputs: utf-8, utf-16le, utf-16be, gbk, gb18030, windows-1252, latin1 (default: detected)")
	fl.StringVar(&opts.Delimiter, "delimiter", "", "CSV delimiter: , ; tab | (default: detected from the header line)")
	fl.StringVar(&opts.Sheet, "sheet", "", "workbook sheet to scrub (default: the first visible one)")
	fl.BoolVar(&opts.AllSheets, "all-sheets", false, "scrub every visible sheet of a workbook (they must have the same columns); the report's source_sheet says which")
	fl.IntVar(&opts.HeaderRow, "header-row", 0, "the header's row number, when title rows above it hide it (default: found among the first 20 rows)")
	fl.BoolVar(&opts.ExcelBOM, "excel-compatible", false, "start CSV outputs with a UTF-8 byte-order mark, so Excel opens them with the right characters")
	fl.BoolVar(&opts.AllowEmpty, "allow-empty-store", false, "scrub even if the store does not exist or has no opt-outs or blacklist entries")
	fl.StringArrayVar(&opts.KeyFiles, "key-file", nil, "HMAC key of a partner's hashed list or registry (repeatable): required while the store holds any")
	bindConfig(fl, "key-file")
	for _, name := range []string{"region", "region-col", "strict-region", "phone-col", "channel", "campaign", "out-dir", "format", "excel-compatible"} {
		bindConfig(fl, name)
	}
	return cmd
}

// scrubOutput is the pair of files one input produces.
type scrubOutput struct {
	input, clean, rejected string
	format                 exporters.Format
	// name is the input as reports and the summary name it: its path,
	// "stdin", or the name nightly found it under before claiming it.
	name string
}

func runScrub(ctx context.Context, opts *scrubOptions) error {
	channel, err := scrub.ParseChannel(opts.Channel)
	if err != nil {
		return &usageError{err: fmt.Errorf("--channel: %w", err)}
	}
	norm, err := scrub.NewNormalizer(opts.Region)
	if err != nil {
		return &usageError{err: fmt.Errorf("--region: %w", err)}
	}
	if _, err := importers.ParseEncoding(opts.Encoding); err != nil {
		return &usageError{err: fmt.Errorf("--encoding: %w", err)}
	}
	if _, err := importers.ParseDelimiter(opts.Delimiter); err != nil {
		return &usageError{err: fmt.Errorf("--delimiter: %w", err)}
	}
	if opts.Sheet != "" && opts.AllSheets {
		return usageErrorf("--sheet and --all-sheets: give one or the other")
	}
	var format exporters.Format
	if opts.Format != "" {
		if format, err = exporters.ParseFormat(opts.Format); err != nil {
			return &usageError{err: fmt.Errorf("--format: %w", err)}
		}
	}
	outputs, err := planOutputs(opts, format)
	if err != nil {
		return err
	}
	if err := checkCertificatePath(opts, outputs); err != nil {
		return err
	}
	if err := checkReportPath(opts, outputs); err != nil {
		return err
	}
	if err := checkOutputsSpare(opts, outputs); err != nil {
		return err
	}

	keys, err := readHashKeys(opts.KeyFiles)
	if err != nil {
		return err
	}
	hashed, stopHashing := hashInputs(ctx, outputs)
	defer hashed() // no goroutine outlives the run
	defer stopHashing()
	st, err := opts.OpenStore(ctx, opts.AllowEmpty)
	if err != nil {
		return err
	}
	defer st.Close()
	idx, lists, err := st.LoadIndexAndStates(ctx, scrub.Scope{Channel: channel, Campaign: opts.Campaign, Now: opts.Now()}, keys...)
	if err != nil {
		return explainMissingKey(err)
	}
	if err := st.IndexSnapshotError(); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "Note: %v; the next scrub reads the lists from the store again, which takes longer.\n", err)
	}
	if idx.Suppressions() == 0 {
		fmt.Fprintf(opts.IO.ErrOut, "Warning: the store %s holds no entries for %s campaigns: only invalid numbers and duplicates will be removed.\n", st.Path(), channel)
	}
	if opts.AllowPending {
		idx.AllowPending()
	}

	started := opts.Now()
	proof := startProof(opts, st, outputs, hashed(), lists, started)
	run := &scrubRun{opts: proof.opts, decider: scrub.NewDecider(norm, idx), summary: scrub.NewSummary()}
	run.decider.StrictRegion = opts.Strict
	run.decider.Source, run.decider.WhitelistOnly = opts.Source, opts.OnlyWhite
	run.decider.At = started
	if opts.CallableAt != "" {
		at, err := time.Parse(time.RFC3339, opts.CallableAt)
		if err != nil {
			return &usageError{err: fmt.Errorf("--callable-at: %q is not a time such as 2026-11-23T19:00:00Z", opts.CallableAt)}
		}
		run.decider.At, run.decider.CallableAt = at, true
	}
	rules := opts.Rules()
	if rules != nil {
		run.decider.Policies = rules.Policies
	}
	lookup, regs, err := registryLookup(ctx, st, true)
	if err != nil {
		return err
	}
	if lookup != nil {
		defer lookup.Close()
		if err := lookup.FileError(); err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "Note: %v; the next scrub reads the registries from the store again, which takes longer.\n", err)
		}
		run.decider.Registries = lookup
		if err := lookup.UseKeys(keys...); err != nil {
			return explainMissingKey(err)
		}
	}
	defer run.abort()
	if err := run.startReport(); err != nil {
		return err
	}
	for _, out := range outputs {
		if err := run.scrubFile(ctx, out); err != nil {
			return err
		}
	}
	stale, err := checkRegistries(rules, run.summary, regs, opts.Now(), opts.AllowStale)
	if err != nil {
		return err
	}
	if opts.SummaryJSON != "" {
		summary, err := startSummaryJSON(opts, run.summary, channel, st.Path(), started, stale)
		if err != nil {
			return err
		}
		run.outputs = append(run.outputs, summary)
	}
	if err := run.summarizeReport(channel, started); err != nil {
		return err
	}
	// Every output, the summary and certificate too, appears at once or not
	// at all, and only once the run is recorded in the store.
	if err := proof.commit(ctx, run, regs, stale); err != nil {
		return err
	}
	printSummary(opts.IO, run.summary)
	proof.printRun(opts.IO)
	if opts.Done != nil {
		opts.Done(run.summary, proof.run.ID)
	}
	return nil
}

// planOutputs decides every output path before anything is read, and refuses
// two inputs that would write the same output or an output that would
// overwrite an input.
func planOutputs(opts *scrubOptions, format exporters.Format) ([]scrubOutput, error) {
	files, outDir, summary := opts.Files, opts.OutDir, opts.SummaryJSON
	outputs := make([]scrubOutput, 0, len(files))
	taken := map[string]string{}
	for _, in := range files {
		if in != "-" {
			abs, _ := filepath.Abs(in)
			taken[abs] = in + " (an input)"
		}
	}
	for _, in := range files {
		if _, err := importers.FormatOf(in, false); err != nil {
			return nil, &usageError{err: err}
		}
		dir, stem := outDir, "stdin"
		if in != "-" {
			stem = fileStem(in)
			if dir == "" {
				dir = filepath.Dir(in)
			}
		}
		if dir == "" {
			dir = "."
		}
		if opts.Stem != "" {
			stem = opts.Stem
		}
		rejectedDir := dir
		if opts.RejectedDir != "" {
			rejectedDir = opts.RejectedDir
		}
		f := format
		if f == "" {
			f = exporters.FormatOf(in)
		}
		out := scrubOutput{
			input:    in,
			clean:    filepath.Join(dir, stem+".clean"+f.Ext()),
			rejected: filepath.Join(rejectedDir, stem+".rejected"+f.Ext()),
			format:   f,
			name:     in,
		}
		switch {
		case opts.InputName != "":
			out.name = opts.InputName
		case in == "-":
			out.name = "stdin"
		}
		checked := []string{out.clean, out.rejected}
		if opts.InPlace {
			out.clean, checked = in, checked[1:]
		}
		for _, p := range checked {
			abs, _ := filepath.Abs(p)
			if other, ok := taken[abs]; ok {
				return nil, usageErrorf("%s and %s would both be written as %s: scrub them in separate runs or use --out-dir", in, other, p)
			}
			taken[abs] = in
		}
		outputs = append(outputs, out)
	}
	if summary != "" {
		abs, _ := filepath.Abs(summary)
		if other, ok := taken[abs]; ok {
			return nil, usageErrorf("--summary-json %s would overwrite %s", summary, other)
		}
	}
	return outputs, nil
}

// checkOutputsSpare refuses an output (clean, rejected, --summary-json,
// --certificate) that would replace a file the run reads its rules from:
// the store or its side files, the config file, a --key-file. Outputs are
// renamed into place, so one named like the store would replace it whole,
// and the next scrub would find no opt-outs to honour.
func checkOutputsSpare(opts *scrubOptions, planned []scrubOutput) error {
	type spared struct{ path, what string }
	var keep []spared
	if opts.StorePath != nil {
		db := opts.StorePath()
		keep = append(keep, spared{db, "the store"})
		for _, side := range []string{"-wal", "-shm", "-journal"} {
			keep = append(keep, spared{db + side, "the store's " + side})
		}
	}
	if opts.Rules != nil {
		if cfg := opts.Rules(); cfg != nil && cfg.Path != "" {
			keep = append(keep, spared{cfg.Path, "the config file"})
		}
	}
	for _, k := range opts.KeyFiles {
		keep = append(keep, spared{k, "the key file"})
	}
	type output struct{ path, what string }
	var outs []output
	for _, out := range planned {
		outs = append(outs, output{out.clean, "the clean list"}, output{out.rejected, "the rejection report"})
	}
	if opts.SummaryJSON != "" {
		outs = append(outs, output{opts.SummaryJSON, "--summary-json"})
	}
	if opts.Certificate != "" {
		outs = append(outs, output{opts.Certificate, "--certificate"})
	}
	if opts.Report != "" {
		outs = append(outs, output{opts.Report, "--report"})
	}
	for _, o := range outs {
		for _, k := range keep {
			if samePath(o.path, k.path) {
				return usageErrorf("%s %s would overwrite %s %s: write it elsewhere", o.what, o.path, k.what, k.path)
			}
		}
	}
	return nil
}

// samePath reports whether two names are one file: the same absolute,
// clean name once links in their directories are resolved (a file yet to
// be written has only its name), or, when both exist, the same file (a
// link to it).
func samePath(a, b string) bool {
	if canonicalPath(a) == canonicalPath(b) {
		return true
	}
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	return err == nil && os.SameFile(ai, bi)
}

func canonicalPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}

// fileStem is the file name without its extension (and without .gz).
func fileStem(path string) string {
	base := strings.TrimSuffix(filepath.Base(path), ".gz")
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// scrubRun is one scrub run across its input files.
type scrubRun struct {
	opts    *scrubOptions
	decider *scrub.Decider
	summary *scrub.Summary
	outputs []exporters.Output
	report  *exporters.Report // --report, among the outputs
}

func (r *scrubRun) abort() {
	for _, o := range r.outputs {
		o.Abort()
	}
}

// summaryJSON is the --summary-json document.
type summaryJSON struct {
	*scrub.Summary
	Channel  string `json:"channel"`
	Campaign string `json:"campaign,omitempty"`
	Source   string `json:"source,omitempty"`
	// WhitelistOnly says the run kept only whitelisted numbers.
	WhitelistOnly bool `json:"whitelist_only,omitempty"`
	// AllowPending says numbers in the review queue were let through.
	AllowPending bool `json:"allow_pending,omitempty"`
	// StaleRegistriesAllowed are the required registries that could not be
	// checked, passed over with --allow-stale.
	StaleRegistriesAllowed []string `json:"stale_registries_allowed,omitempty"`
	Region                 string   `json:"region"`
	Store                  string   `json:"store"`
	StartedAt              string   `json:"started_at"`
	FinishedAt             string   `json:"finished_at"`
	Version                string   `json:"dncctl_version"`
}

// startSummaryJSON writes the --summary-json document to a temporary file,
// committed with the outputs.
func startSummaryJSON(opts *scrubOptions, sum *scrub.Summary, channel scrub.Channel, storePath string, started time.Time, stale []string) (*exporters.AtomicFile, error) {
	doc := summaryJSON{StaleRegistriesAllowed: stale, Source: opts.Source, WhitelistOnly: opts.OnlyWhite, AllowPending: opts.AllowPending,
		Summary: sum, Channel: string(channel), Campaign: opts.Campaign, Region: strings.ToUpper(opts.Region), Store: storePath,
		StartedAt: started.UTC().Format(time.RFC3339), FinishedAt: opts.Now().UTC().Format(time.RFC3339), Version: version,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(opts.SummaryJSON), 0o700); err != nil {
		return nil, fmt.Errorf("--summary-json: %w", err)
	}
	f, err := exporters.CreateAtomic(opts.SummaryJSON)
	if err != nil {
		return nil, err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Abort()
		return nil, err
	}
	return f, nil
}

func printSummary(io *iostreams, sum *scrub.Summary) {
	w := io.ErrOut
	for _, f := range sum.Files {
		fmt.Fprintf(w, "%s: %d rows read, %d clean, %d rejected\n", f.Input, f.RowsRead, f.RowsClean, f.RowsRejected)
		fmt.Fprintf(w, "  phone columns checked: %s\n", strings.Join(f.PhoneColumns, ", "))
		if f.TitleRowsSkipped > 0 {
			fmt.Fprintf(w, "  %d rows above the header skipped (titles, not leads)\n", f.TitleRowsSkipped)
		}
		if f.NumbersRemoved > 0 {
			fmt.Fprintf(w, "  %d numbers removed from rows kept (blanked in the clean file)\n", f.NumbersRemoved)
		}
		fmt.Fprintf(w, "  clean:    %s\n  rejected: %s\n", f.Clean, f.Rejected)
	}
	if len(sum.Files) > 1 {
		fmt.Fprintf(w, "total: %d rows read, %d clean, %d rejected\n", sum.RowsRead, sum.RowsClean, sum.RowsRejected)
	}
	for _, reason := range scrub.Reasons {
		if n := sum.Reasons[reason]; n > 0 {
			fmt.Fprintf(w, "  %-21s %d\n", reason, n)
		}
	}
	if n := sum.RegionMismatches; n > 0 {
		fmt.Fprintf(w, "  %d clean numbers are in another country than their row's region (--strict-region rejects them)\n", n)
	}
	if n := sum.Extensions; n > 0 {
		fmt.Fprintf(w, "  %d clean numbers have an extension: it is not in phone_e164 (the phone cell keeps it)\n", n)
	}
	if n := sum.PendingAllowed; n > 0 {
		fmt.Fprintf(w, "  %d clean numbers are waiting in the review queue, let through by --allow-pending\n", n)
	}
	if n := sum.WhitelistConflicts; n > 0 {
		fmt.Fprintf(w, "  %d whitelisted numbers are opted out or blacklisted: they were not called; look at why\n", n)
	}
	if n := sum.UnknownRegions; n > 0 {
		fmt.Fprintf(w, "  %d rows name a region dncctl does not know: --region was used for them\n", n)
	}
	if sum.RowsRead > 0 && sum.RowsClean == 0 {
		fmt.Fprintf(w, "Warning: no row is callable: the clean list is empty.\n")
	}
}
