package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/store"
)

type nightlyOptions struct {
	IO        *iostreams
	Rules     func() *fileConfig
	OpenStore storeOpener
	StorePath func() string
	Now       func() time.Time
	User      func() string
	// Scrub returns the options of a scrub, as the scrub command makes them.
	Scrub func() *scrubOptions

	Jobs      []string
	DryRun    bool
	LogFormat string
	Settle    time.Duration
	// Defaults are what scrub would take from its flags and the config
	// file; a job's own keys win over them.
	Defaults scrubOptions
}

func newNightlyCmd(f *factory) *cobra.Command {
	opts := &nightlyOptions{IO: f.IO, Rules: func() *fileConfig { return f.Config }, OpenStore: f.OpenExistingStore, StorePath: f.StorePath,
		Now: f.Now, User: f.User}
	opts.Scrub = func() *scrubOptions {
		return &scrubOptions{IO: f.IO, OpenStore: f.OpenStoreToCheck, StorePath: f.StorePath, Now: f.Now, Rules: opts.Rules, Actor: f.actor}
	}
	cmd := &cobra.Command{
		Use:   "nightly",
		Short: "Run the config file's jobs: scrub new lead files, clean lists in use again",
		Long: `Nightly runs the jobs of the config file's jobs section, for cron or a
systemd timer (see docs/nightly.md):

  jobs:
    spain-vendor-drops:
      inbox: /srv/leads/inbox/es       # new files arrive here
      pattern: "*.{csv,xlsx}"
      region: ES
      source: vendor-acme
      channel: voice
      out: /srv/leads/clean/es         # clean lists, summaries, certificates
      rejected: /srv/leads/rejected/es # rejection reports (default: out)
      archive: /srv/leads/archive/es   # processed inputs move here
    active-lists:
      rescrub: /srv/dialer/lists       # lists in use: cleaned again in place
      channel: voice
  maintenance:
    purge_expired: true

An inbox job scrubs each new file once: a file whose content was already
processed by the job is skipped and archived, even under another name; a
file modified less than --settle ago is still being written and is left
for the next run. Outputs appear atomically, and the input moves to the
archive only after its outputs are complete and recorded, so a run killed
at any point and started again ends in the same state, with nothing
processed twice and nothing lost.

A rescrub job scrubs each list in its directory against today's store and
replaces it atomically with the rows still callable; the rows removed are
reported in <dir>/rejected (or the job's rejected directory).

One job failing (a corrupt file, a stale registry) does not stop the
others. A lock beside the store keeps two runs from overlapping; a lock
left by a killed run is taken over. The log (text, or JSON with
--log-format json) never shows a phone number whole.

Exit status:
  0   every job did what it had to
  1   something failed: the log says what
  2   usage error
  4   nothing needed doing
  75  another nightly run holds the lock`,
		Example: `  dncctl nightly
  dncctl nightly --dry-run
  dncctl nightly --job spain-vendor-drops --log-format json >>/var/log/dncctl/nightly.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runNightly(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Jobs, "job", nil, "run only this job (repeatable; default: all)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "say what would be done, and do nothing")
	fl.StringVar(&opts.LogFormat, "log-format", "text", "text, or json (one object a line) for log collectors")
	fl.DurationVar(&opts.Settle, "settle", time.Minute, "a file modified more recently than this is still being written, and is left for the next run")
	// The settings scrub reads from the config file apply to the jobs too:
	// a rule that holds for scrub must hold at night.
	d := &opts.Defaults
	fl.StringVar(&d.Region, "region", "", "default region for jobs that set none")
	fl.StringVar(&d.Channel, "channel", "voice", "default channel for jobs that set none")
	fl.StringVar(&d.Campaign, "campaign", "", "default campaign for jobs that set none")
	fl.StringSliceVar(&d.PhoneCols, "phone-col", nil, "default phone columns for jobs that set none")
	fl.StringVar(&d.RegionCol, "region-col", "", "default region column for jobs that set none")
	fl.StringVar(&d.Format, "format", "", "default output format for jobs that set none")
	fl.BoolVar(&d.Strict, "strict-region", false, "reject valid numbers in another country than their row's region, as scrub --strict-region")
	fl.BoolVar(&d.ExcelBOM, "excel-compatible", false, "start CSV outputs with a UTF-8 byte-order mark")
	fl.StringArrayVar(&d.KeyFiles, "key-file", nil, "HMAC key of a partner's hashed list or registry (repeatable)")
	for _, name := range []string{"region", "channel", "campaign", "phone-col", "region-col", "format", "strict-region", "excel-compatible", "key-file"} {
		bindConfig(fl, name)
	}
	return cmd
}

// jobResult is what one job did.
type jobResult struct {
	processed, duplicates, recovered, waiting, failed, rescrubbed, removed int
}

// didSomething is false when the run had nothing to do: no file came, no
// list changed. A file still being written is something to do, later: a
// transfer that never ends must not look like a quiet night.
func (r jobResult) didSomething() bool {
	return r.processed+r.duplicates+r.recovered+r.waiting+r.failed+r.removed > 0
}

func runNightly(ctx context.Context, opts *nightlyOptions) error {
	if opts.LogFormat != "text" && opts.LogFormat != "json" {
		return usageErrorf("--log-format: %q (want text or json)", opts.LogFormat)
	}
	if opts.Settle < 0 {
		return usageErrorf("--settle: %s is negative", opts.Settle)
	}
	cfg := opts.Rules()
	if cfg == nil || len(cfg.Jobs) == 0 {
		return fmt.Errorf("no jobs: the config file has no jobs section (see dncctl nightly --help)")
	}
	jobs := cfg.Jobs
	if len(opts.Jobs) > 0 {
		jobs = nil
		for _, name := range opts.Jobs {
			i := slices.IndexFunc(cfg.Jobs, func(j nightlyJob) bool { return j.Name == name })
			if i < 0 {
				return usageErrorf("--job: no job %q in %s", name, cfg.Path)
			}
			jobs = append(jobs, cfg.Jobs[i])
		}
	}
	log := &nightlyLog{w: opts.IO.Out, json: opts.LogFormat == "json", now: opts.Now}
	started := opts.Now()
	// The store first: a mistyped --db must not leave a lock file behind.
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if !opts.DryRun {
		lock, err := takeLock(opts.StorePath()+".nightly.lock", started)
		if err != nil {
			log.error("", "locked", err.Error(), nil)
			return err
		}
		defer lock.release()
		if lock.Stale != "" {
			log.warn("", "lock", "took over the lock of a run that ended without releasing it ("+lock.Stale+")", nil)
		}
	}
	log.info("", "start", fmt.Sprintf("%d jobs", len(jobs)), map[string]any{"dry_run": opts.DryRun, "store": st.Path()})

	var total jobResult
	failedJobs := 0
	if cfg.PurgeExpired {
		if opts.DryRun {
			log.info("", "purge", "would purge expired entries", nil)
		} else if n, err := st.PurgeExpired(ctx, opts.Now(), opts.User()); err != nil {
			log.error("", "purge", err.Error(), nil)
			failedJobs++
		} else {
			log.info("", "purge", fmt.Sprintf("purged %d expired entries", n), map[string]any{"purged": n})
			total.removed += n
		}
	}
	for _, job := range jobs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := &nightlyRun{opts: opts, st: st, log: log, job: job}
		var res jobResult
		var err error
		if job.Inbox != "" {
			res, err = r.inbox(ctx)
		} else {
			res, err = r.rescrub(ctx)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			log.error(job.Name, "job failed", err.Error(), nil)
			res.failed++
		}
		if res.failed > 0 {
			failedJobs++
		}
		total.processed += res.processed
		total.duplicates += res.duplicates
		total.recovered += res.recovered
		total.waiting += res.waiting
		total.failed += res.failed
		total.rescrubbed += res.rescrubbed
		total.removed += res.removed
	}
	summary := map[string]any{"jobs": len(jobs), "jobs_failed": failedJobs, "files_processed": total.processed,
		"duplicates_skipped": total.duplicates, "recovered_after_crash": total.recovered, "files_waiting": total.waiting, "files_failed": total.failed,
		"lists_rescrubbed": total.rescrubbed, "rows_removed_from_lists": total.removed, "dry_run": opts.DryRun,
		"seconds": int(opts.Now().Sub(started).Seconds())}
	switch {
	case failedJobs > 0:
		log.error("", "done", fmt.Sprintf("%d of %d jobs failed", failedJobs, len(jobs)), summary)
		return &exitError{code: exitFailed}
	case !total.didSomething():
		log.info("", "done", "nothing needed doing", summary)
		return &exitError{code: exitNothingToDo}
	}
	log.info("", "done", "every job done", summary)
	return nil
}

// nightlyRun is one job of a run.
type nightlyRun struct {
	opts *nightlyOptions
	st   *store.Store
	log  *nightlyLog
	job  nightlyJob
}

// scrubOptions are a scrub's options for the job, its outputs silent: the
// nightly log says what happened.
func (r *nightlyRun) scrubOptions(file string) *scrubOptions {
	o := r.opts.Scrub()
	quiet := *o.IO
	quiet.ErrOut, quiet.In, quiet.ErrTTY = io.Discard, nil, false
	o.IO = &quiet
	o.Files = []string{file}
	d := r.opts.Defaults
	o.Strict, o.ExcelBOM, o.KeyFiles = d.Strict, d.ExcelBOM, d.KeyFiles
	o.Region, o.Channel, o.Campaign = or(r.job.Region, d.Region), or(r.job.Channel, d.Channel), or(r.job.Campaign, d.Campaign)
	o.RegionCol, o.Format = or(r.job.RegionCol, d.RegionCol), or(r.job.Format, d.Format)
	o.PhoneCols = r.job.PhoneCols
	if len(o.PhoneCols) == 0 {
		o.PhoneCols = d.PhoneCols
	}
	o.Source = r.job.Source
	return o
}

// or is a, or b when a is empty.
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
