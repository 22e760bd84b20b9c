package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/store"
)

func newAuditCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "The tamper-evident log of every change to every list",
		Long: `Every change to a list (add, remove, import, expiry purge, registry
import) is an audit record, written in the same transaction as the change:
when (UTC), which command, which OS user, what changed and why. Each record
holds the SHA-256 of the one before, so an edit or a deletion made outside
dncctl breaks the chain, and "audit verify" names the first broken record.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newAuditVerifyCmd(f), newAuditListCmd(f))
	return cmd
}

func newAuditVerifyCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain",
		Long: `Audit verify recomputes the chain. It names the first record that was
changed, deleted or inserted out of order. (Records cut off at the very end
leave no trace in the chain: keep backups to compare the count with.)

Exit status:
  0  the chain is intact
  1  it is broken (or the store cannot be read)`,
		Example: `  dncctl audit verify`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := f.OpenExistingStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.VerifyAudit(cmd.Context())
			if errors.Is(err, store.ErrAuditBroken) {
				return fmt.Errorf("%s: %w", st.Path(), err)
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "audit log intact: %d records\n", n)
			return err
		},
	}
}

type auditListOptions struct {
	Number string
	Region string
	Since  string
	Format string
}

func newAuditListCmd(f *factory) *cobra.Command {
	opts := &auditListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List audit records, all or one number's",
		Long: `Audit list prints the audit records, oldest first: every change, or one
number's (--number, normalized as scrub does), since a day (--since).
It answers "when did this person opt out, and who removed them?".

Exit status:
  0  done
  1  failed
  2  usage error`,
		Example: `  dncctl audit list --number "+34 612 345 678"
  dncctl audit list --since 2026-11-01 --format csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			q := store.AuditQuery{}
			if opts.Number != "" {
				n, err := normalizeAll([]string{opts.Number}, opts.Region)
				if err != nil {
					return err
				}
				q.E164 = n[0]
			}
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
			st, err := f.OpenExistingStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			return writeAudit(cmd, f, st, q, opts.Format)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Number, "number", "", "only this number's records")
	fl.StringVar(&opts.Region, "region", "", "default region (ISO code) for --number without a country code")
	fl.StringVar(&opts.Since, "since", "", "only records from this day on (2026-11-01, UTC)")
	fl.StringVar(&opts.Format, "format", "table", "table, csv or json")
	return cmd
}

var auditColumns = []string{"id", "at", "command", "os_user", "action", "list", "e164", "detail", "hash"}

func auditFields(r store.AuditRecord) []string {
	return []string{strconv.FormatInt(r.ID, 10), r.At.UTC().Format(time.RFC3339), r.Command, r.User, r.Action, r.List, r.E164, r.Detail, r.Hash}
}

func writeAudit(cmd *cobra.Command, f *factory, st *store.Store, q store.AuditQuery, format string) error {
	out := newRecordWriter(f.IO.Out, format, auditColumns, []int{0, 1, 3, 2, 4, 5, 6, 7})
	if err := st.Audit(cmd.Context(), q, func(r store.AuditRecord) error { return out.write(auditFields(r)) }); err != nil {
		return err
	}
	return out.close()
}
