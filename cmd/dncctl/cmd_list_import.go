package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

type listImportOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	User      func() string
	List      scrub.List
	File      string
	PhoneCols []string
	Encoding  string
	Delimiter string
	Refused   string
	entryFlags
	// Hashed reads a partner's hashed list (hashed.go); ChannelSet says
	// --channel was given, over the file's channel column.
	Hashed     bool
	ChannelSet bool
	hashFlags
}

func newListImportCmd(f *factory, list scrub.List) *cobra.Command {
	opts := &listImportOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User, List: list}
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Add every number in a file to the " + string(list) + " list",
		Long: `Import reads a CSV or Excel file (with the same readers as scrub; the
phone column is detected or named with --phone-col) or a .txt file with one
number per line, and adds every valid number in one transaction: either all
of them are added or, on error, none.

It prints how many numbers were added, already present and refused. Refused
rows (empty or invalid numbers) are written with the reason to a report,
--refused (default: <stem>.refused.csv beside the input); a refused row does
not stop the others from being added.` + hashedImportHelp(list) + `

Exit status:
  0  done (refused rows, if any, are in the report)
  1  failed: nothing was added
  2  usage error`,
		Example: fmt.Sprintf(`  dncctl %[1]s import numbers.txt --region ES --reason "legacy list"
  dncctl %[1]s import crm-export.xlsx --phone-col "Teléfono" --region ES --source import`, list) + hashedImportExample(list),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("import takes one file, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.ChannelSet = args[0], cmd.Flags().Changed("channel")
			return runListImport(cmd.Context(), opts)
		},
	}
	opts.register(cmd, list, "import")
	cmd.Flags().StringSliceVar(&opts.PhoneCols, "phone-col", nil, "phone column: header name or 1-based number; repeat for several (default: detected)")
	cmd.Flags().StringVar(&opts.Encoding, "encoding", "", "text encoding: utf-8, utf-16le, utf-16be, gbk, gb18030, windows-1252, latin1 (default: detected)")
	cmd.Flags().StringVar(&opts.Delimiter, "delimiter", "", "CSV delimiter: , ; tab | (default: detected)")
	cmd.Flags().StringVar(&opts.Refused, "refused", "", "report of refused rows (default: <stem>.refused.csv beside the input)")
	bindConfig(cmd.Flags(), "phone-col")
	if list != scrub.ListWhitelist {
		cmd.Flags().BoolVar(&opts.Hashed, "hashed", false, "the file holds a partner's hashes of numbers, not numbers")
		cmd.Flags().StringVar(&opts.Hash, "hash", "", "with --hashed, the hashes' kind: sha256 or hmac-sha256 (required unless the column is named hash_sha256 or hmac_sha256)")
		cmd.Flags().StringVar(&opts.KeyFile, "key-file", "", "for hmac-sha256 hashes, the key shared with the partner (its fingerprint is recorded)")
	}
	return cmd
}

func runListImport(ctx context.Context, opts *listImportOptions) error {
	if opts.Hashed || opts.Hash != "" || opts.KeyFile != "" {
		return runHashedImport(ctx, opts)
	}
	channels, err := opts.channels(opts.List)
	if err != nil {
		return err
	}
	if opts.Prefix {
		return usageErrorf("--prefix: import reads numbers; add prefixes with blacklist add --prefix")
	}
	expires, err := opts.expiry(opts.Now())
	if err != nil {
		return err
	}
	norm, err := scrub.NewNormalizer(opts.Region)
	if err != nil {
		return &usageError{err: fmt.Errorf("--region: %w", err)}
	}
	norm = norm.WithoutZones()
	if opts.File == "-" {
		return usageErrorf("import reads a file, not standard input")
	}
	enc, err := importers.ParseEncoding(opts.Encoding)
	if err != nil {
		return &usageError{err: fmt.Errorf("--encoding: %w", err)}
	}
	delim, err := importers.ParseDelimiter(opts.Delimiter)
	if err != nil {
		return &usageError{err: fmt.Errorf("--delimiter: %w", err)}
	}
	in, err := importers.Open(opts.File, importers.Options{TextAsLines: true, Encoding: enc, Delimiter: delim})
	if err != nil {
		return err
	}
	defer in.Close()
	var src scrub.Source = in
	cols := []int{0}
	if format, _ := importers.FormatOf(opts.File, true); format != importers.Lines || len(opts.PhoneCols) > 0 {
		if src, _, err = scrub.LocateHeader(in, opts.PhoneCols, 0); err != nil {
			return fmt.Errorf("%s: %w", opts.File, err)
		}
		if cols, err = scrub.FindPhoneColumns(src.Header(), opts.PhoneCols); err != nil {
			return fmt.Errorf("%s: %w", opts.File, err)
		}
	}

	refused := newRefusedReport(opts.File, opts.Refused, src.Header())
	defer refused.abort()
	// The numbers alone are held: every entry of an import is the same but
	// for its number and channel, and a million full entries took 300 MB.
	var numbers []string
	for {
		fields, row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		fields = scrub.StoredPhones(src, fields, cols)
		var values []string
		for _, c := range cols {
			if c < len(fields) {
				values = append(values, scrub.NumbersIn(fields[c])...)
			}
		}
		if len(values) == 0 {
			values = []string{""}
		}
		for _, raw := range values {
			n, bad := norm.Normalize(raw)
			if bad == nil {
				numbers = append(numbers, n.E164)
				continue
			}
			reason := scrub.ReasonInvalidNumber
			switch {
			case errors.Is(bad, scrub.ErrNoPhone):
				reason = scrub.ReasonNoPhone
			case errors.Is(bad, scrub.ErrPrecisionLost):
				reason = scrub.ReasonPrecisionLost
			}
			if err := refused.refuse(row, raw, string(reason), bad.Error(), fields); err != nil {
				return err
			}
		}
	}

	var added []bool
	err = refused.record(ctx, opts.IO, opts.OpenStore, "the numbers were imported", func(st *store.Store) (err error) {
		entries := store.Entries{N: len(numbers) * len(channels), At: func(i int) store.Entry {
			return opts.entry(opts.List, numbers[i/len(channels)], channels[i%len(channels)], expires)
		}}
		added, err = st.AddAll(ctx, entries, opts.Now(), opts.User())
		return err
	})
	if err != nil {
		return err
	}
	printImported(opts.IO, opts.File, added, refused.n)
	return nil
}
