package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/store"
)

type reviewDueOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	Within    string
	Format    string
}

func newReviewCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review",
		Short: "What needs a person's decision: flagged numbers, expiring entries",
		Long: `Review holds what needs a person's decision: the review queue of numbers
flagged as suspect (list, approve, reject), and the entries that expire soon
(due). A number waiting in the queue is not called: scrub rejects it as
PENDING_REVIEW.`,
		Args: cobra.NoArgs,
	}
	opts := &reviewDueOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now}
	due := &cobra.Command{
		Use:   "due",
		Short: "List entries that expire soon (or have expired and wait to be purged)",
		Long: `Review due lists the active entries, on every list, whose expiry falls
within --within from now, or has passed: an entry stops applying when it
expires, and "dncctl purge --expired" then ends it on the record.

Exit status:
  0  done
  1  failed
  2  usage error`,
		Example: `  dncctl review due
  dncctl review due --within 90d --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReviewDue(cmd.Context(), opts)
		},
	}
	due.Flags().StringVar(&opts.Within, "within", "30d", "how far ahead to look: a span such as 30d or 12w")
	due.Flags().StringVar(&opts.Format, "format", "table", "table, csv or json")
	cmd.AddCommand(newReviewListCmd(f), newReviewApproveCmd(f), newReviewRejectCmd(f), due)
	return cmd
}

func runReviewDue(ctx context.Context, opts *reviewDueOptions) error {
	span, err := parseSpan(opts.Within)
	if err != nil {
		return &usageError{err: fmt.Errorf("--within: %w", err)}
	}
	show := &listShowOptions{IO: opts.IO, Format: opts.Format, All: false}
	if err := checkShowFormat(show.Format); err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	return writeEntries(ctx, st, show, store.Query{ExpiringBy: opts.Now().Add(span)}, opts.IO.Out)
}

type purgeOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	User      func() string
	Expired   bool
}

func newPurgeCmd(f *factory) *cobra.Command {
	opts := &purgeOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User}
	cmd := &cobra.Command{
		Use:   "purge --expired",
		Short: "End the entries whose expiry has passed, on the record",
		Long: `Purge --expired ends every active entry whose expiry has passed, as a
removal with the reason "expired", by the current user: the entry stays in
the history (list --all). An expired entry already no longer applies to
scrub and check; purging records that it has ended.

Exit status:
  0  done
  1  failed
  2  usage error`,
		Example: `  dncctl purge --expired`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !opts.Expired {
				return usageErrorf("say what to purge: --expired")
			}
			st, err := opts.OpenStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.PurgeExpired(cmd.Context(), opts.Now(), opts.User())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(opts.IO.Out, "purged %d expired entries\n", n)
			return err
		},
	}
	cmd.Flags().BoolVar(&opts.Expired, "expired", false, "purge entries whose expiry has passed")
	return cmd
}
