package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

func newOutcomesCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "outcomes",
		Short: "Learn from the dialer's call outcomes: opt-outs and suspect numbers",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newOutcomesImportCmd(f))
	return cmd
}

type outcomesOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Rules     func() *fileConfig
	Now       func() time.Time
	User      func() string

	logFlags
	File           string
	DispositionCol string
	DurationCol    string
	Refused        string
}

func newOutcomesImportCmd(f *factory) *cobra.Command {
	opts := &outcomesOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User, Rules: func() *fileConfig { return f.Config }}
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Read a call-outcome log: DNC requests become opt-outs, suspects go to review",
		Long: `Outcomes import reads a dialer's call-outcome log (CSV or Excel: the number
called, the time, the disposition, the duration) and applies the rules, in
one transaction:

  - a call whose disposition is in outcomes.optout_dispositions (default
    dnc_request) makes the number an opt-out for --channel at once, dated
    at the call, with the call as evidence;
  - a call whose disposition is in outcomes.review_dispositions (default
    complaint) puts the number in the review queue, suggested for the
    blacklist, and held back on every channel while it waits;
  - outcomes.short_calls_in_a_row calls in a row (default 3), answered
    (outcomes.short_call_dispositions) and each shorter than
    outcomes.short_call_seconds (default 5), put the number in the review
    queue, with those calls as evidence.

While a review is pending, scrub rejects its number as PENDING_REVIEW.
Dispositions are compared without regard to case, spaces and hyphens.
Each number's calls are taken in time order; a run of short calls is
counted within one log. Importing the same log again changes nothing.

The columns are found by name (number, phone, to, dialed…; time, date,
call_start…; disposition, status, result, outcome…; duration, talk_time,
billsec…) or named with the --*-col flags. A time without a zone is read
in --tz. Rows whose number is invalid, or whose disposition is empty, are written to --refused (default <stem>.refused.csv) and do
not stop the others. A call whose duration or time cannot be read still
counts for its disposition (a DNC request is never lost), but not for the
short-call rule.

Without a duration column, the short-call rule is not applied.

Exit status:
  0  done (refused rows, if any, are in the report)
  1  failed: nothing was recorded (unless the message says only the
     refused-rows report could not be written)
  2  usage error`,
		Example: `  dncctl outcomes import dialer-2026-11-20.csv --region ES
  dncctl outcomes import calls.xlsx --disposition-col "Result" --duration-col "Talk time" --tz Asia/Shanghai`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("outcomes import takes one file, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return runOutcomes(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.logFlags.register(fl, "voice", "the number called")
	fl.StringVar(&opts.DispositionCol, "disposition-col", "", "the disposition column (default: detected)")
	fl.StringVar(&opts.DurationCol, "duration-col", "", "the duration column, in seconds or m:ss (default: detected)")
	fl.StringVar(&opts.Refused, "refused", "", "report of refused rows (default: <stem>.refused.csv beside the log)")
	return cmd
}

func runOutcomes(ctx context.Context, opts *outcomesOptions) error {
	flags, err := opts.logFlags.parse()
	if err != nil {
		return err
	}
	channel, norm, loc := flags.channel, flags.norm, flags.loc
	rules := scrub.DefaultOutcomeRules()
	if cfg := opts.Rules(); cfg != nil {
		rules = cfg.Outcomes
	}
	number := &logColumn{what: "number", flag: "number-col", spec: opts.NumberCol, phone: true,
		names: []string{"number", "phone", "to", "dialed", "dialed_number", "called_number", "destination", "msisdn", "numero", "telefono", "号码"}}
	when := &logColumn{what: "time", flag: "time-col", spec: opts.TimeCol, optional: true,
		names: []string{"time", "call_time", "call_start", "start_time", "started_at", "timestamp", "date", "datetime", "fecha", "时间", "日期"}}
	disposition := &logColumn{what: "disposition", flag: "disposition-col", spec: opts.DispositionCol,
		names: []string{"disposition", "status", "result", "outcome", "call_result", "call_status", "resultado", "estado", "结果", "状态"}}
	duration := &logColumn{what: "duration", flag: "duration-col", spec: opts.DurationCol, optional: true,
		names: []string{"duration", "talk_time", "billsec", "seconds", "call_duration", "duracion", "时长", "通话时长"}}
	log, err := openLog(opts.File, flags.read, number, when, disposition, duration)
	if err != nil {
		return err
	}
	defer log.close()

	refused := newRefusedReport(opts.File, opts.Refused, log.in.Header())
	defer refused.abort()
	var calls []scrub.Call
	unreadable := 0
	for {
		fields, row, err := log.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		raw := number.value(fields)
		c := scrub.Call{File: filepath.Base(opts.File), Row: row, Disposition: disposition.value(fields)}
		var problem error
		reason := string(scrub.ReasonInvalidNumber)
		if n, err := norm.Normalize(raw); err != nil {
			problem = err
		} else if c.E164 = n.E164; c.Disposition == "" {
			reason, problem = "NO_DISPOSITION", fmt.Errorf("column %q is empty", scrub.ColumnName(log.in.Header(), disposition.index))
		}
		// An unreadable duration or time must not lose a DNC request: the
		// call is kept, and only the short-call rule, which needs them, skips it.
		if problem == nil {
			if c.Duration, err = parseCallDuration(duration.value(fields)); err != nil {
				c.Duration = scrub.UnknownDuration
				if duration.index >= 0 {
					unreadable++
				}
			}
			if when.value(fields) != "" {
				if c.At, err = log.time(when, fields, loc); err != nil {
					unreadable++
				}
			}
		}
		if problem != nil {
			if err := refused.refuse(row, raw, reason, problem.Error(), fields); err != nil {
				return err
			}
			continue
		}
		calls = append(calls, c)
	}

	var changes store.Changes
	for _, f := range rules.Apply(calls) {
		if f.OptOut {
			changes.Add = append(changes.Add, store.Entry{List: scrub.ListOptOut, E164: f.E164, Channel: channel, Source: "call-outcome",
				Reason: f.Reason, Evidence: f.Evidence(), Since: f.Calls[0].At})
			continue
		}
		// A number suspected for the blacklist is held back on every
		// channel while it waits, as the blacklist would.
		reviewChannel := channel
		if f.Suggested == scrub.ListBlacklist {
			reviewChannel = scrub.ChannelAll
		}
		changes.Flag = append(changes.Flag, store.Review{E164: f.E164, Channel: reviewChannel, Origin: "call-outcome", Suggested: f.Suggested,
			Reason: f.Reason, Evidence: f.Evidence()})
	}
	var applied store.Applied
	err = refused.record(ctx, opts.IO, opts.OpenStore, "the outcomes were recorded", func(st *store.Store) (err error) {
		applied, err = st.Apply(ctx, changes, opts.Now(), opts.User())
		return err
	})
	if err != nil {
		return err
	}
	newOptOuts, newReviews := countTrue(applied.Added), countTrue(applied.Flagged)
	fmt.Fprintf(opts.IO.Out, "%s: %d calls: %d opt-outs (%d new), %d to review (%d new), %d refused\n",
		opts.File, len(calls), len(changes.Add), newOptOuts, len(changes.Flag), newReviews, refused.n)
	for i, e := range changes.Add {
		fmt.Fprintf(opts.IO.Out, "opt-out\t%s\t%s\t%s\n", e.E164, e.Reason, newOrNot(applied.Added[i]))
	}
	for i, r := range changes.Flag {
		fmt.Fprintf(opts.IO.Out, "review\t%s\t%s\t%s\n", r.E164, r.Reason, newOrNot(applied.Flagged[i]))
	}
	if unreadable > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "Warning: %d durations or times could not be read: those calls count for their disposition only\n", unreadable)
	}
	return nil
}

func newOrNot(added bool) string {
	if added {
		return "new"
	}
	return "already recorded"
}
