package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

func newDBCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Back up, restore, check and protect the store",
		Long: `The store is one SQLite file (--db). "db backup" copies it safely while
other dncctl commands run, "db restore" puts a backup back after checking
it, and "db check" looks for damage and for edits to the audit log.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newDBBackupCmd(f), newDBRestoreCmd(f), newDBCheckCmd(f), newDBProtectCmd(f))
	return cmd
}

type dbBackupOptions struct {
	IO        *iostreams
	StorePath func() string
	Target    string
	Force     bool
}

func newDBBackupCmd(f *factory) *cobra.Command {
	opts := &dbBackupOptions{IO: f.IO, StorePath: f.StorePath}
	cmd := &cobra.Command{
		Use:   "backup FILE",
		Short: "Copy the store to FILE, consistently, while it is in use",
		Long: `DB backup writes a copy of the store to FILE (mode 0600): one consistent
state of it, taken while other dncctl commands go on reading and writing.
The copy is written under a temporary name beside FILE, checked (SQLite's
integrity check, the audit log's chain), synced to disk and only then
named FILE, so a FILE that exists is a complete backup. An existing FILE is
kept unless --force. The store is copied as it is: not upgraded, not
created if it does not exist.

It prints the copy's schema version, its audit record count and the last
record's hash: keep them with the backup. Records cut off the end of a
store's audit log leave no trace in its chain; "db check" on the store
later should show at least as many records, and the backup's last hash
among them ("audit list --format csv").

Exit status:
  0  FILE holds the backup
  1  failed, and nothing was written; or the backup was written but the
     audit log it holds is broken (db restore would refuse it)
  2  usage error`,
		Example: `  dncctl db backup /backups/dncctl-$(date +%F).db
  dncctl db backup latest.db --force`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("give the one file to write the backup to")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			return runDBBackup(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "replace FILE if it exists")
	return cmd
}

func runDBBackup(ctx context.Context, opts *dbBackupOptions) error {
	path := opts.StorePath()
	r, err := store.Backup(ctx, path, opts.Target, opts.Force)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%w: pass --force to replace it", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Backed up %s to %s.\n", path, opts.Target)
	if err := writeCheckReport(opts.IO.Out, r); err != nil {
		return err
	}
	if r.AuditErr != nil {
		return fmt.Errorf("%s was written, but the audit log it holds is broken (db restore would refuse it): %w", opts.Target, r.AuditErr)
	}
	return nil
}

type dbRestoreOptions struct {
	IO        *iostreams
	StorePath func() string
	Now       func() time.Time
	// Actor is who the restore's audit record names.
	Actor        func() store.Actor
	Candidate    string
	DiscardNewer bool
}

func newDBRestoreCmd(f *factory) *cobra.Command {
	opts := &dbRestoreOptions{IO: f.IO, StorePath: f.StorePath, Now: f.Now, Actor: f.actor}
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the store with a backup, after checking it",
		Long: `DB restore copies FILE beside the store and checks the copy: it must be a
dncctl store, pass SQLite's integrity check, have a schema this dncctl
knows and an intact audit log. A copy that fails is refused and the store
is left as it was. A backup from an older dncctl is accepted, and upgraded.

The current store's audit log must hold nothing the backup's does not:
a store changed since the backup was taken (an opt-out added, say) is
refused, with a summary of what restoring would undo (the records by
action, the first numbers changed), since the restored store would let
those numbers be called again. --discard-newer restores anyway; the changes
stay in the store moved aside.

A "restore" record is then added to the copy's audit log: FILE and its
SHA-256, where the current store goes, its audit record count and last
hash, and what was discarded. The current store is moved aside, to
<store>.before-restore-<UTC time>, never deleted, and the copy takes its
place (mode 0600) and is checked once more; should that fail, the current
store is put back. FILE itself is not changed. With no current store, the
copy simply becomes the store, unless a -wal, -shm or -journal of a store
moved or deleted while open is still there: SQLite would read it into the
copy, so restore refuses and names it.

Stop every other dncctl using the store (cron jobs, scrubs, imports) before
restoring. Restore refuses to start while another process has the store
open, and locks it while it swaps the files, but a process that opens the
store in that moment may write its changes to the store moved aside.

Exit status:
  0  the store is the backup's copy
  1  refused or failed: the store is unchanged
  2  usage error`,
		Example: `  dncctl db restore /backups/dncctl-2026-11-20.db
  dncctl db restore /backups/dncctl-2026-11-20.db --discard-newer`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("give the one backup file to restore")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Candidate = args[0]
			return runDBRestore(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DiscardNewer, "discard-newer", false, "restore even if the store holds changes the backup does not (they stay in the store moved aside)")
	return cmd
}

func runDBRestore(ctx context.Context, opts *dbRestoreOptions) error {
	path := opts.StorePath()
	res, err := store.Restore(ctx, path, opts.Candidate, store.RestoreOptions{Now: opts.Now(), Actor: opts.Actor(), DiscardNewer: opts.DiscardNewer})
	if errors.Is(err, store.ErrNewerChanges) {
		return fmt.Errorf("%w; restoring would undo them: pass --discard-newer to restore anyway (they stay in the store moved aside)", err)
	}
	if err != nil {
		return err
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "Restored %s from %s.\n", path, opts.Candidate)
	if err := writeCheckReport(w, res.Report); err != nil {
		return err
	}
	if res.Aside == "" {
		fmt.Fprintln(w, "There was no store before: nothing was moved aside.")
	} else {
		fmt.Fprintf(w, "The previous store is kept as %s.\n", res.Aside)
	}
	if res.Discarded != nil {
		fmt.Fprintf(w, "Discarded %s.\n", res.Discarded)
	}
	_, err = fmt.Fprintf(w, "The restore is audit record %d, last hash %s.\n", res.Installed.AuditRecords, res.Installed.AuditHead)
	return err
}

type dbCheckOptions struct {
	IO        *iostreams
	StorePath func() string
}

func newDBCheckCmd(f *factory) *cobra.Command {
	opts := &dbCheckOptions{IO: f.IO, StorePath: f.StorePath}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the store for damage and the audit log for edits",
		Long: `DB check runs SQLite's integrity check on the store and verifies the audit
log's chain (as "audit verify" does), then prints the schema version, the
audit record count and last hash, and the active entries per list. It
reads the whole file, which takes a while for large registries, and is
safe while other dncctl commands run. It changes nothing: a store that
does not exist is an error, not created, and an old one is not upgraded.

Exit status:
  0  the store is sound and its audit log intact
  1  it is damaged, its audit log is broken (the first broken record is
     named), its schema is newer than this dncctl knows, or it cannot be read
  2  usage error`,
		Example: `  dncctl db check
  dncctl db check --db /backups/dncctl-2026-11-20.db`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDBCheck(cmd.Context(), opts)
		},
	}
	return cmd
}

func runDBCheck(ctx context.Context, opts *dbCheckOptions) error {
	r, err := store.Check(ctx, opts.StorePath())
	if err != nil {
		return err
	}
	if err := writeCheckReport(opts.IO.Out, r); err != nil {
		return err
	}
	return r.Err()
}

// writeCheckReport prints a report, one aspect a line.
func writeCheckReport(w io.Writer, r *store.CheckReport) error {
	fmt.Fprintf(w, "file:       %s (%d bytes)\n", r.Path, r.Size)
	schema := fmt.Sprintf("version %d", r.Schema)
	switch {
	case r.Schema > r.KnownSchema:
		schema += fmt.Sprintf(", newer than this dncctl's %d: upgrade dncctl", r.KnownSchema)
	case r.Older():
		schema += fmt.Sprintf(", older than this dncctl's %d: upgraded the next time dncctl opens it", r.KnownSchema)
	}
	fmt.Fprintf(w, "schema:     %s\n", schema)
	if r.Sound() {
		fmt.Fprintln(w, "integrity:  ok")
	} else {
		fmt.Fprintf(w, "integrity:  FAILED, %d problems:\n", len(r.Integrity))
		for _, p := range r.Integrity {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	var audit string
	switch {
	case r.AuditErr != nil:
		audit = fmt.Sprintf("BROKEN, %d records: %v", r.AuditRecords, r.AuditErr)
	case r.Audited && r.AuditRecords == 0:
		audit = "intact, 0 records"
	case r.Audited:
		audit = fmt.Sprintf("intact, %d records, last hash %s", r.AuditRecords, r.AuditHead)
	case !r.Sound():
		audit = "not checked: the file is damaged"
	case r.Schema > r.KnownSchema:
		audit = "not checked: the schema is newer than this dncctl knows"
	default:
		audit = "none: the schema predates the audit log"
	}
	fmt.Fprintf(w, "audit log:  %s\n", audit)
	if r.Counts == nil {
		return nil
	}
	counts := make([]string, len(scrub.Lists))
	for i, l := range scrub.Lists {
		counts[i] = fmt.Sprintf("%s %d", l, r.Counts[l])
	}
	_, err := fmt.Fprintf(w, "entries:    %s (active)\n", strings.Join(counts, ", "))
	return err
}
