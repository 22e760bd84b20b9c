package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

type repliesOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Rules     func() *fileConfig
	Now       func() time.Time
	User      func() string

	logFlags
	File       string
	Source     string
	MessageCol string
	Report     string
}

func newRepliesCmd(f *factory) *cobra.Command {
	opts := &repliesOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User, Rules: func() *fileConfig { return f.Config }}
	cmd := &cobra.Command{
		Use:   "import-replies FILE",
		Short: "Turn an SMS or WhatsApp reply log into opt-outs",
		Long: `Import-replies reads a reply log (CSV or Excel: the sender's number, the
message, the time it was received) and records what the replies ask for,
in one transaction:

  - a message that is an opt-out word by itself (STOP, stop!, Opt-out,
    BAJA, Arrêt, 退订…; case, accents, spacing and punctuation aside)
    becomes an opt-out for --channel (default sms), dated when the reply
    was received, with the raw message kept as its evidence;
  - a longer message that contains an opt-out word ("please stop texting
    me", "退订谢谢") goes to the review queue (dncctl review list): scrub
    rejects the number as PENDING_REVIEW until a person decides;
  - START or UNSTOP from a number that has opted out is reported, not
    applied: re-subscribing takes dncctl optout remove, with a reason;
  - anything else is left alone.

Words of one or two letters (T, N, R, TD) count only as the whole message.
The config file's replies.stop_words and replies.start_words replace the
default lists.

The columns are found by name (from, sender, phone, number, msisdn…;
message, text, body, content…; time, date, received_at…) or named with
--number-col, --message-col, --time-col. A time without a zone is read in
--tz. Importing the same log again changes nothing.

Every row is written to a report, --report (default <stem>.replies.csv
beside the log), with its outcome: opted_out, already_opted_out, review,
already_flagged, start_after_stop, start, ignored or refused (a sender
that is not a valid number).

Exit status:
  0  done (refused rows, if any, are in the report)
  1  failed: nothing was recorded (unless the message says only the
     report could not be written)
  2  usage error`,
		Example: `  dncctl optout import-replies sms-replies-2026-11-20.csv --region ES
  dncctl optout import-replies wa-export.xlsx --channel whatsapp --number-col "From" --message-col "Body" --tz Europe/Madrid`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("import-replies takes one file, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			return runReplies(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	opts.logFlags.register(fl, "sms", "the sender's number")
	fl.StringVar(&opts.Source, "source", "reply", "the source recorded on the opt-outs")
	fl.StringVar(&opts.MessageCol, "message-col", "", "the message column (default: detected)")
	fl.StringVar(&opts.Report, "report", "", "report of every row and its outcome (default: <stem>.replies.csv beside the log)")
	return cmd
}

// reply is one row of a reply log and what became of it.
type reply struct {
	row      int
	raw      string // the sender as written
	e164     string
	message  string
	at       time.Time // zero when the log does not say, or not legibly
	kind     scrub.ReplyKind
	word     string
	outcome  string
	detail   string
	add, flg int // index into the changes, or -1
}

var replyReportColumns = []string{"source_file", "source_row", "phone_raw", "phone_e164", "received_at", "message", "outcome", "detail"}

func runReplies(ctx context.Context, opts *repliesOptions) error {
	flags, err := opts.logFlags.parse()
	if err != nil {
		return err
	}
	channel, norm, loc := flags.channel, flags.norm, flags.loc
	var stop, start []string
	if rules := opts.Rules(); rules != nil {
		stop, start = rules.StopWords, rules.StartWords
	}
	matcher := scrub.NewReplyMatcher(stop, start)
	number := &logColumn{what: "sender number", flag: "number-col", spec: opts.NumberCol, phone: true,
		names: []string{"from", "sender", "from_number", "msisdn", "originator", "number", "phone", "mobile", "remitente", "发送方", "号码"}}
	message := &logColumn{what: "message", flag: "message-col", spec: opts.MessageCol,
		names: []string{"message", "text", "body", "content", "sms", "reply", "message_text", "mensaje", "texto", "内容", "短信", "消息", "回复"}}
	when := &logColumn{what: "time", flag: "time-col", spec: opts.TimeCol, optional: true,
		names: []string{"time", "received_at", "received", "timestamp", "date", "datetime", "sent_at", "fecha", "hora", "时间", "日期"}}
	log, err := openLog(opts.File, flags.read, number, message, when)
	if err != nil {
		return err
	}
	defer log.close()

	var replies []*reply
	for {
		fields, row, err := log.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		r := &reply{row: row, raw: number.value(fields), message: message.value(fields), add: -1, flg: -1}
		replies = append(replies, r)
		n, err := norm.Normalize(r.raw)
		if err != nil {
			r.outcome, r.detail = "refused", err.Error()
			continue
		}
		r.e164 = n.E164
		if cell := when.value(fields); cell != "" {
			if r.at, err = log.time(when, fields, loc); err != nil {
				r.detail = "received_at unreadable: " + err.Error() + "; "
			}
		}
		r.kind, r.word = matcher.Classify(r.message)
	}

	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	now := opts.Now()
	optedOut, err := optedOutOn(ctx, st, channel, now)
	if err != nil {
		return err
	}
	changes := decideReplies(replies, optedOut, channel, opts)
	// The report is started before the store changes, so that an
	// unwritable path fails the import before anything is recorded.
	report, reportPath, err := createReplyReport(opts)
	if err != nil {
		return err
	}
	defer report.Abort()
	counts := map[string]int{}
	// The report goes to disk (under its temporary name) inside the
	// store's transaction, once it is known what was new: a full disk
	// then rolls the replies back instead of recording them unreported.
	_, err = st.ApplyThen(ctx, changes, now, opts.User(), func(applied store.Applied) error {
		for _, r := range replies {
			switch {
			case r.add >= 0 && !applied.Added[r.add]:
				r.outcome = "already_opted_out"
			case r.flg >= 0 && !applied.Flagged[r.flg]:
				r.outcome = "already_flagged"
			}
			counts[r.outcome]++
		}
		return writeReplyReport(report, opts.File, replies)
	})
	if err != nil {
		return err
	}
	if err := report.Commit(); err != nil {
		return fmt.Errorf("the replies were recorded, but the report was not put in place: %w", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Report: %s\n", reportPath)
	fmt.Fprintf(opts.IO.Out, "%s: %d replies: %d opted out (%d already), %d to review (%d already), %d START after STOP (not applied), %d START, %d other, %d refused\n",
		opts.File, len(replies), counts["opted_out"]+counts["already_opted_out"], counts["already_opted_out"],
		counts["review"]+counts["already_flagged"], counts["already_flagged"], counts["start_after_stop"], counts["start"], counts["ignored"], counts["refused"])
	for _, r := range replies {
		if r.outcome == "start_after_stop" {
			fmt.Fprintf(opts.IO.Out, "row %d: %s replied %q after opting out: not applied; to re-subscribe: dncctl optout remove %s --channel %s --reason \"…\"\n",
				r.row, r.e164, r.message, r.e164, channel)
		}
	}
	return nil
}

// decideReplies gives each reply its outcome, and the changes they make.
// Each number's replies are taken in time order, so that a START is judged
// against the STOPs before it, in the store and in the log.
func decideReplies(replies []*reply, optedOut func(e164 string) bool, channel scrub.Channel, opts *repliesOptions) store.Changes {
	order := make([]*reply, 0, len(replies))
	for _, r := range replies {
		if r.e164 != "" {
			order = append(order, r)
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].e164 != order[j].e164 {
			return order[i].e164 < order[j].e164
		}
		return order[i].at.Before(order[j].at)
	})
	var c store.Changes
	stopped := map[string]bool{}
	for _, r := range order {
		if _, ok := stopped[r.e164]; !ok {
			stopped[r.e164] = optedOut(r.e164)
		}
		evidence := replyEvidence(opts.File, r)
		switch r.kind {
		case scrub.ReplyStop:
			r.outcome = "opted_out"
			r.detail += fmt.Sprintf("replied %q", r.word)
			r.add = len(c.Add)
			c.Add = append(c.Add, store.Entry{List: scrub.ListOptOut, E164: r.e164, Channel: channel, Source: opts.Source,
				Reason: fmt.Sprintf("replied %q", r.word), Evidence: evidence, Since: r.at})
			stopped[r.e164] = true
		case scrub.ReplyMentions:
			if stopped[r.e164] {
				r.outcome = "already_opted_out"
				r.detail += fmt.Sprintf("mentions %q; the number has opted out already", r.word)
				continue
			}
			r.outcome = "review"
			r.detail += fmt.Sprintf("mentions %q: queued for review", r.word)
			r.flg = len(c.Flag)
			c.Flag = append(c.Flag, store.Review{E164: r.e164, Channel: channel, Origin: "reply", Suggested: scrub.ListOptOut,
				Reason: fmt.Sprintf("reply mentions %q", r.word), Evidence: evidence})
		case scrub.ReplyStart:
			if stopped[r.e164] {
				r.outcome = "start_after_stop"
				r.detail += fmt.Sprintf("replied %q after opting out: not applied", r.word)
			} else {
				r.outcome = "start"
				r.detail += fmt.Sprintf("replied %q; not opted out", r.word)
			}
		default:
			r.outcome = "ignored"
		}
	}
	return c
}

// optedOutOn says which numbers have an opt-out in force for channel (or
// for every channel) in every campaign: what a START is judged against.
// Partners' hashed entries cannot name a number and are left out: a START
// is never applied anyway, only reported differently. A protected store's
// own hashes are in: a number is looked up by its hash there.
func optedOutOn(ctx context.Context, st *store.Store, channel scrub.Channel, now time.Time) (func(e164 string) bool, error) {
	out := map[string]bool{}
	err := st.Entries(ctx, store.Query{List: scrub.ListOptOut}, func(e store.Entry) error {
		inForce := e.ExpiresAt.IsZero() || now.Before(e.ExpiresAt)
		if st.OwnHash(e) && e.Campaign == "" && inForce && (e.Channel == channel || e.Channel == scrub.ChannelAll || e.Channel == "") {
			out[e.E164] = true
		}
		return nil
	})
	return func(e164 string) bool { return out[st.StoredNumber(e164)] }, err
}

// replyEvidence is what an opt-out or a review keeps of the reply: where it
// is in the log, who sent it, when, and the message as it was.
func replyEvidence(file string, r *reply) string {
	at := "time unknown"
	if !r.at.IsZero() {
		at = r.at.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s row %d: from %s at %s: %q", filepath.Base(file), r.row, r.raw, at, r.message)
}

// createReplyReport starts the report of every reply, --report or
// <stem>.replies.csv beside the log.
func createReplyReport(opts *repliesOptions) (exporters.Writer, string, error) {
	path := opts.Report
	if path == "" {
		path = filepath.Join(filepath.Dir(opts.File), fileStem(opts.File)+".replies.csv")
	}
	w, err := exporters.Create(path, exporters.CSV, replyReportColumns, exporters.Options{TextColumns: []string{"phone_raw", "phone_e164"}})
	return w, path, err
}

// writeReplyReport writes every reply with its outcome, and the report to
// disk under its temporary name; Commit then puts it in place.
func writeReplyReport(w exporters.Writer, file string, replies []*reply) error {
	for _, r := range replies {
		at := ""
		if !r.at.IsZero() {
			at = r.at.UTC().Format(time.RFC3339)
		}
		if err := w.Write([]string{file, strconv.Itoa(r.row), r.raw, r.e164, at, r.message, r.outcome, r.detail}); err != nil {
			return err
		}
	}
	_, err := exporters.FinishAll(w)
	return err
}
