package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

func newRegistryCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "registry",
		Short: "Load and list the national do-not-call registries the company subscribes to",
		Long: `A national registry's numbers are rejected by scrub and check as REGISTRY,
after the blacklist and opt-outs. A policy may require registries for a
region (required_registries, max_age): see docs/policies.md.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newRegistryImportCmd(f), newRegistryListCmd(f))
	return cmd
}

type registryImportOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	Name      string
	Files     []string
	Region    string
	Full      bool
	Changes   bool
	Refused   string
	// AllowShrink lets a full import empty the registry or halve it.
	AllowShrink bool
	// Hashed reads a partner's hashed registry (see hashed.go).
	Hashed bool
	hashFlags
}

func newRegistryImportCmd(f *factory) *cobra.Command {
	opts := &registryImportOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "import NAME FILE... --full|--changes",
		Short: "Load a registry: all of it (--full), or a change list (--changes)",
		Long: `Registry import reads files with one number per line (national, with
--region, or E.164), or "areacode,number" lines (the US National DNC
Registry's form); plain, .gz or .zip. In a change list (--changes) each
line may end with a flag: A or add, D or delete.

--full replaces the registry's numbers with the files', in one
transaction; --changes applies the adds and deletes, in one transaction.
One of them must be given: a change list taken for a full list would
empty the registry. Lines that are not a valid number are refused, counted
and written with the reason to --refused (default NAME.refused.csv).

A full import that would leave the registry empty, or with less than half
the numbers it held, is refused (a truncated download, the wrong file)
unless --allow-shrink. A registry keeps the region of its first import; a
change list for another --region is refused, and only --full changes it.

--hashed reads a registry a partner shares hashed: one hash a line (64 hex
digits: --hash sha256, or --hash hmac-sha256 with --key-file, of the E.164
number with its "+"; --hash is required, since the file cannot say), with
the same add and delete flags. Scrub
and check hash each number to look it up; an HMAC registry needs its key
there too (--key-file), or they refuse to run. A registry holds numbers or
hashes of one kind and key: only a full import changes which.

Exit status:
  0  done (refused lines, if any, are in the report)
  1  failed: the registry is unchanged
  2  usage error`,
		Example: `  dncctl registry import es-robinson robinson-2026-11.txt.gz --region ES --full
  dncctl registry import us-ftc 2026-11-22-changes.zip --region US --changes
  dncctl registry import partner-dnc partner.txt --hashed --hash hmac-sha256 --key-file partner.key --full`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageErrorf("give the registry's name and at least one file")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name, opts.Files = args[0], args[1:]
			return runRegistryImport(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Region, "region", "", "the registry's region (ISO code): national numbers are read as its")
	fl.BoolVar(&opts.Full, "full", false, "replace the registry with the files' numbers")
	fl.BoolVar(&opts.Changes, "changes", false, "apply the files' adds and deletes to the registry")
	fl.StringVar(&opts.Refused, "refused", "", "report of refused lines (default NAME.refused.csv)")
	fl.BoolVar(&opts.AllowShrink, "allow-shrink", false, "let a full import empty the registry or leave it with less than half its numbers")
	fl.BoolVar(&opts.Hashed, "hashed", false, "the files hold hashes of numbers, not numbers")
	fl.StringVar(&opts.Hash, "hash", "", "with --hashed, how the hashes were made: sha256 or hmac-sha256 (required)")
	fl.StringVar(&opts.KeyFile, "key-file", "", "with --hash hmac-sha256, the key shared with the partner (its fingerprint is recorded)")
	return cmd
}

func runRegistryImport(ctx context.Context, opts *registryImportOptions) error {
	if opts.Full == opts.Changes {
		return usageErrorf("say --full (replace the registry) or --changes (apply a change list)")
	}
	norm, err := scrub.NewNormalizer(opts.Region)
	if err != nil {
		return &usageError{err: fmt.Errorf("--region: %w", err)}
	}
	refusedPath := opts.Refused
	if refusedPath == "" {
		refusedPath = filepath.Clean(opts.Name + ".refused.csv")
	}
	var hasher *scrub.Hasher
	if opts.Hashed || opts.Hash != "" || opts.KeyFile != "" {
		if !opts.Hashed {
			return usageErrorf("--hash and --key-file describe the hashes --hashed imports: add --hashed")
		}
		// A registry file is bare hashes: nothing in it says how they were
		// made, and HMAC hashes taken for SHA-256 would match nothing.
		if opts.Hash == "" {
			return usageErrorf("--hashed: say how the hashes were made: --hash sha256, or --hash hmac-sha256 with --key-file")
		}
		if hasher, err = opts.hashFlags.hasher(); err != nil {
			return err
		}
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := checkRegistryRegion(ctx, st, opts); err != nil {
		return err
	}
	if norm.Region() != normRegion(opts.Region) {
		norm, _ = scrub.NewNormalizer(opts.Region)
	}
	lines := &registryLines{opts: opts, norm: norm.WithoutZones(), refusedPath: refusedPath}
	next := lines.start(ctx)
	if opts.AllowShrink {
		st.AllowShrink()
	}
	var count int
	if hasher != nil {
		count, err = st.StreamHashedRegistry(ctx, opts.Name, normRegion(opts.Region), hasher.Kind(), hasher.Fingerprint(), opts.Full, next, opts.Now())
	} else {
		count, err = st.StreamRegistry(ctx, opts.Name, normRegion(opts.Region), opts.Full, next, opts.Now())
	}
	lines.stop()
	if err != nil {
		lines.abort()
		var shrink *store.ShrinkError
		if errors.As(err, &shrink) {
			return fmt.Errorf("%w: check the files, or pass --allow-shrink", err)
		}
		return err
	}
	if lines.report != nil {
		if err := lines.report.Commit(); err != nil {
			return fmt.Errorf("the registry was imported, but the refused-lines report was not written: %w", err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Refused lines: %s\n", refusedPath)
	}
	read, refused := lines.read, lines.refused
	kind := "full"
	if opts.Changes {
		kind = "changes"
	}
	_, err = fmt.Fprintf(opts.IO.Out, "%s: %s import: %d lines read, %d refused; the registry holds %d numbers\n", opts.Name, kind, read, refused, count)
	return err
}

func normRegion(r string) string {
	if r == "" {
		return ""
	}
	n, _ := scrub.NewNormalizer(r)
	return n.Region()
}

func newRegistryListCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the registries: count, region, last imports, age",
		Long: `Registry list shows each registry in the store: how many numbers it holds,
its region, when it was last imported in full and with a change list, and
how old its newest import is.

Exit status:
  0  done
  1  failed`,
		Example: `  dncctl registry list`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := f.OpenStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			regs, err := st.Registries(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(f.IO.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "name\tregion\tcount\tlast_full\tlast_changes\tage")
			for _, r := range regs {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", r.Name, r.Region, r.Count, stamp(r.LastFullAt), stamp(r.LastChangeAt), age(f.Now(), r.Updated()))
			}
			return tw.Flush()
		},
	}
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func age(now, t time.Time) string {
	if t.IsZero() {
		return "never imported"
	}
	return fmt.Sprintf("%dd", int(now.Sub(t).Hours()/24))
}

// checkRegistryRegion refuses a change list for another region than the
// registry's (its national numbers would be read as another country's);
// without --region, the registry's own is used.
func checkRegistryRegion(ctx context.Context, st *store.Store, opts *registryImportOptions) error {
	regs, err := st.Registries(ctx)
	if err != nil {
		return err
	}
	for _, r := range regs {
		if r.Name != opts.Name {
			continue
		}
		if opts.Region == "" && !opts.Full {
			opts.Region = r.Region
		}
		if region := normRegion(opts.Region); r.Region != region && !opts.Hashed {
			if !opts.Full {
				return fmt.Errorf("registry %s is for region %q, not %q: give its --region, or change it with a --full import", r.Name, r.Region, region)
			}
			fmt.Fprintf(opts.IO.ErrOut, "Warning: registry %s changes region from %q to %q\n", r.Name, r.Region, region)
		}
		return nil
	}
	return nil
}

// registryLines feeds the lines of a registry import's files to the store
// one by one, from a goroutine reading them, so that a registry is never
// held in memory; refused lines go straight to their report.
type registryLines struct {
	opts        *registryImportOptions
	norm        *scrub.Normalizer
	refusedPath string
	report      exporters.Writer
	read        int
	refused     int
	cancel      context.CancelFunc
	done        chan struct{}
}

// changeBatch is changes, or an error, on their way to the store: sent a
// thousand at a time, as a channel send a change cost more than the store.
type changeBatch struct {
	changes []store.RegistryChange
	err     error
}

// start begins reading and returns the store's next function.
func (l *registryLines) start(ctx context.Context) func() (store.RegistryChange, bool, error) {
	ctx, l.cancel = context.WithCancel(ctx)
	l.done = make(chan struct{})
	ch := make(chan changeBatch, 8)
	go func() {
		defer close(l.done)
		defer close(ch)
		send := func(x changeBatch) bool {
			select {
			case ch <- x:
				return true
			case <-ctx.Done():
				return false
			}
		}
		var held []store.RegistryChange
		flush := func() bool {
			ok := len(held) == 0 || send(changeBatch{changes: held})
			held = nil
			return ok
		}
		for _, file := range l.opts.Files {
			stopped := false
			// Once the store has stopped taking changes, nothing more is held:
			// the reading stops when stop cancels ctx.
			err := readRegistryFile(ctx, file, l.norm, l.opts.Hashed, l.opts.Changes,
				func(c store.RegistryChange) {
					if stopped {
						return
					}
					l.read++
					if held = append(held, c); len(held) == 1024 {
						stopped = !flush()
					}
				},
				func(r registryLine) {
					if stopped {
						return
					}
					l.read++
					l.refused++
					if err := l.writeRefused(r); err != nil {
						if flush() {
							send(changeBatch{err: err})
						}
						stopped = true
					}
				})
			if err != nil {
				if flush() {
					send(changeBatch{err: err})
				}
				return
			}
			if stopped || ctx.Err() != nil {
				return
			}
		}
		if !flush() {
			return
		}
		// The report goes to disk before the import commits: a full disk
		// must fail the import, not leave it in without its report.
		if l.report != nil {
			if _, err := exporters.FinishAll(l.report); err != nil {
				send(changeBatch{err: err})
			}
		}
	}()
	var cur []store.RegistryChange
	return func() (store.RegistryChange, bool, error) {
		for len(cur) == 0 {
			x, ok := <-ch
			if !ok {
				if err := ctx.Err(); err != nil {
					return store.RegistryChange{}, false, err
				}
				return store.RegistryChange{}, false, nil
			}
			if x.err != nil {
				return store.RegistryChange{}, false, x.err
			}
			cur = x.changes
		}
		c := cur[0]
		cur = cur[1:]
		return c, true, nil
	}
}

func (l *registryLines) writeRefused(r registryLine) error {
	if l.report == nil {
		w, err := exporters.Create(l.refusedPath, exporters.CSV, []string{"source_file", "line", "text", "reason"}, exporters.Options{})
		if err != nil {
			return err
		}
		l.report = w
	}
	return l.report.Write([]string{r.file, strconv.Itoa(r.line), r.text, r.reason})
}

// stop ends the reading goroutine and waits for it.
func (l *registryLines) stop() {
	l.cancel()
	<-l.done
}

func (l *registryLines) abort() {
	if l.report != nil {
		l.report.Abort()
	}
}
