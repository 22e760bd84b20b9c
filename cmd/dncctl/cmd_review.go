package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

type reviewListOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Status    string
	Format    string
}

func newReviewListCmd(f *factory) *cobra.Command {
	opts := &reviewListOptions{IO: f.IO, OpenStore: f.OpenExistingStore}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the numbers flagged as suspect, waiting for a decision",
		Long: `Review list prints the review queue: numbers flagged by "optout
import-replies" (a reply that mentions an opt-out word but is not one) and
"outcomes import" (a complaint, a run of calls hung up at once), with why
and the evidence. While a review is pending, scrub rejects its number as
PENDING_REVIEW. --status shows decided reviews too.

Exit status:
  0  done
  1  failed
  2  usage error`,
		Example: `  dncctl review list
  dncctl review list --status all --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReviewList(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Status, "status", "pending", "pending, approved, rejected or all")
	cmd.Flags().StringVar(&opts.Format, "format", "table", "table, csv or json")
	return cmd
}

var reviewColumns = []string{"id", "e164", "channel", "origin", "reason", "evidence", "flagged_at", "flagged_by",
	"status", "decided_at", "decided_by", "decision", "suggested"}

func reviewFields(r store.Review) []string {
	decided := ""
	if !r.DecidedAt.IsZero() {
		decided = r.DecidedAt.UTC().Format(time.RFC3339)
	}
	return []string{strconv.FormatInt(r.ID, 10), r.E164, string(r.Channel), r.Origin, r.Reason, r.Evidence,
		r.FlaggedAt.UTC().Format(time.RFC3339), r.FlaggedBy, r.Status, decided, r.DecidedBy, r.Decision, string(r.Suggested)}
}

func runReviewList(ctx context.Context, opts *reviewListOptions) error {
	status := strings.ToLower(opts.Status)
	switch status {
	case store.ReviewPending, store.ReviewApproved, store.ReviewRejected:
	case "all":
		status = ""
	default:
		return usageErrorf("--status: %q (want pending, approved, rejected or all)", opts.Status)
	}
	if err := checkShowFormat(opts.Format); err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	table := []int{0, 1, 2, 3, 4, 5, 6}
	if status != store.ReviewPending {
		table = []int{0, 1, 2, 3, 4, 6, 8, 9, 10, 11}
	}
	out := newRecordWriter(opts.IO.Out, opts.Format, reviewColumns, table)
	if err := st.Reviews(ctx, store.ReviewQuery{Status: status}, func(r store.Review) error { return out.write(reviewFields(r)) }); err != nil {
		return err
	}
	return out.close()
}

type reviewDecideOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	User      func() string
	IDs       []int64
	To        string
	Reason    string
}

func newReviewApproveCmd(f *factory) *cobra.Command {
	opts := &reviewDecideOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User}
	cmd := &cobra.Command{
		Use:   "approve ID... [--to optout|blacklist]",
		Short: "Confirm flagged numbers: add them to the opt-outs or the blacklist",
		Long: `Review approve adds each reviewed number to a list, with the review's
evidence, and closes the review, in one transaction: if any ID is unknown or
already decided, nothing changes. --to chooses the list (default: the one
the review suggests, usually optout). An opt-out keeps the review's channel.

Prints one line per review: ID, E164, the list, "added" or "already present".

Exit status:
  0  done
  1  failed, or an ID is unknown or already decided: nothing changed
  2  usage error`,
		Example: `  dncctl review approve 12 13
  dncctl review approve 14 --to blacklist`,
		Args: reviewIDs(&opts.IDs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReviewApprove(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "the list to add the numbers to: optout or blacklist (default: the review's suggestion)")
	return cmd
}

func runReviewApprove(ctx context.Context, opts *reviewDecideOptions) error {
	var to scrub.List
	if opts.To != "" {
		l, err := scrub.ParseList(opts.To)
		if err != nil || l == scrub.ListWhitelist {
			return usageErrorf("--to: %q (want optout or blacklist)", opts.To)
		}
		to = l
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	done, err := st.Approve(ctx, opts.IDs, to, opts.Now(), opts.User())
	if err != nil {
		return err
	}
	for _, r := range done {
		status := "already present"
		if r.New {
			status = "added"
		}
		fmt.Fprintf(opts.IO.Out, "%d\t%s\t%s\t%s\n", r.ID, r.E164, r.Decision, status)
	}
	return nil
}

func newReviewRejectCmd(f *factory) *cobra.Command {
	opts := &reviewDecideOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User}
	cmd := &cobra.Command{
		Use:   "reject ID... --reason TEXT",
		Short: "Clear flagged numbers: they may be called again",
		Long: `Review reject closes each review without adding its number to any list,
in one transaction, recording --reason (required: clearing a suspect number
must be justified). If any ID is unknown or already decided, nothing
changes. The same evidence never flags the number again.

Exit status:
  0  done
  1  failed, or an ID is unknown or already decided: nothing changed
  2  usage error (for example, no --reason)`,
		Example: `  dncctl review reject 15 --reason "asked to stop the promo texts only; called back, wants calls"`,
		Args:    reviewIDs(&opts.IDs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(opts.Reason) == "" {
				return usageErrorf("--reason is required: say why the numbers may be called")
			}
			st, err := opts.OpenStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			done, err := st.Reject(cmd.Context(), opts.IDs, opts.Reason, opts.Now(), opts.User())
			if err != nil {
				return err
			}
			for _, r := range done {
				fmt.Fprintf(opts.IO.Out, "%d\t%s\trejected\n", r.ID, r.E164)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why the numbers may be called (required)")
	return cmd
}

// reviewIDs parses the review IDs given as arguments into ids.
func reviewIDs(ids *[]int64) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageErrorf("name the reviews: their IDs, as review list shows them")
		}
		seen := map[int64]bool{}
		*ids = (*ids)[:0]
		for _, a := range args {
			id, err := strconv.ParseInt(a, 10, 64)
			if err != nil || id <= 0 {
				return usageErrorf("%q is not a review ID", a)
			}
			if !seen[id] {
				*ids = append(*ids, id)
				seen[id] = true
			}
		}
		return nil
	}
}
