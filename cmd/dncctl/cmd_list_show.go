package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

type listShowOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	List      scrub.List
	Format    string
	All       bool
	Out       string
	hashFlags // export --hash: a partner's copy, hashed (hashed.go)
}

// newListShowCmd makes "list" (for people, a table by default) and "export"
// (for files and other programs, CSV by default, optionally to --out).
func newListShowCmd(f *factory, list scrub.List, verb string) *cobra.Command {
	opts := &listShowOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, List: list}
	short, defaultFormat := "Show the "+string(list)+" list", "table"
	if verb == "export" {
		short, defaultFormat = "Export the "+string(list)+" list as CSV or JSON", "csv"
	}
	cmd := &cobra.Command{
		Use:   verb,
		Short: short,
		Long: short + `, oldest entry first. --all includes removed entries,
with when, by whom and why they were removed.

Columns: e164, list, channel, tag, reason, source, added_at, added_by, status
(active or removed), removed_at, removed_by, removed_reason, campaign,
expires_at, prefix. Times are UTC. An entry from a partner's hashed list
shows its hash as e164, after its kind: sha256:1e41ef…` + hashedExportHelp(list, verb) + `

Exit status:
  0  done
  1  failed
  2  usage error`,
		Example: fmt.Sprintf(`  dncctl %[1]s %[2]s
  dncctl %[1]s %[2]s --all --format json
  dncctl %[1]s export --out %[1]s-backup.csv`, list, verb) + hashedExportExample(list, verb),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runListShow(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Format, "format", defaultFormat, "table, csv or json")
	fl.BoolVar(&opts.All, "all", false, "include removed entries")
	if verb == "export" {
		fl.StringVar(&opts.Out, "out", "", "write to this file (atomically) instead of standard output")
	}
	if verb == "export" && list != scrub.ListWhitelist {
		fl.StringVar(&opts.Hash, "hash", "", "export hashes instead of numbers, for a partner: sha256 or hmac-sha256")
		fl.StringVar(&opts.KeyFile, "key-file", "", "the key shared with the partner, for --hash hmac-sha256")
	}
	return cmd
}

var entryColumns = []string{"e164", "list", "channel", "tag", "reason", "source", "added_at", "added_by", "status", "removed_at", "removed_by", "removed_reason", "campaign", "expires_at", "prefix", "evidence"}

type entryJSON struct {
	E164          string `json:"e164"`
	List          string `json:"list"`
	Channel       string `json:"channel,omitempty"`
	Tag           string `json:"tag,omitempty"`
	Reason        string `json:"reason"`
	Source        string `json:"source"`
	AddedAt       string `json:"added_at"`
	AddedBy       string `json:"added_by"`
	Status        string `json:"status"`
	RemovedAt     string `json:"removed_at,omitempty"`
	RemovedBy     string `json:"removed_by,omitempty"`
	RemovedReason string `json:"removed_reason,omitempty"`
	Campaign      string `json:"campaign,omitempty"`
	ExpiresAt     string `json:"expires_at,omitempty"`
	Prefix        bool   `json:"prefix,omitempty"`
	Evidence      string `json:"evidence,omitempty"`
}

func entryRecord(e store.Entry) entryJSON {
	r := entryJSON{
		E164: entryNumber(e), List: string(e.List), Channel: string(e.Channel), Tag: e.Tag, Reason: e.Reason, Source: e.Source,
		AddedAt: e.AddedAt.UTC().Format(time.RFC3339), AddedBy: e.AddedBy, Status: "active",
	}
	if !e.Active() {
		r.Status, r.RemovedAt, r.RemovedBy, r.RemovedReason = "removed", e.RemovedAt.UTC().Format(time.RFC3339), e.RemovedBy, e.RemovedReason
	}
	r.Campaign, r.Prefix, r.Evidence = e.Campaign, e.Prefix, e.Evidence
	if !e.ExpiresAt.IsZero() {
		r.ExpiresAt = e.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return r
}

func (r entryJSON) fields() []string {
	prefix := ""
	if r.Prefix {
		prefix = "yes"
	}
	return []string{r.E164, r.List, r.Channel, r.Tag, r.Reason, r.Source, r.AddedAt, r.AddedBy, r.Status, r.RemovedAt, r.RemovedBy, r.RemovedReason, r.Campaign, r.ExpiresAt, prefix, r.Evidence}
}

func checkShowFormat(format string) error {
	switch format {
	case "table", "csv", "json":
		return nil
	}
	return usageErrorf("--format: unknown format %q (want table, csv or json)", format)
}

func runListShow(ctx context.Context, opts *listShowOptions) error {
	if err := checkShowFormat(opts.Format); err != nil {
		return err
	}
	if opts.Hash != "" || opts.KeyFile != "" {
		return runHashedExport(ctx, opts)
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if opts.Out == "" {
		return writeEntries(ctx, st, opts, store.Query{List: opts.List, IncludeRemoved: opts.All}, opts.IO.Out)
	}
	out, err := exporters.CreateAtomic(opts.Out)
	if err != nil {
		return err
	}
	defer out.Abort()
	bw := bufio.NewWriter(out)
	if err := writeEntries(ctx, st, opts, store.Query{List: opts.List, IncludeRemoved: opts.All}, bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return out.Commit()
}

func writeEntries(ctx context.Context, st *store.Store, opts *listShowOptions, q store.Query, w io.Writer) error {
	switch opts.Format {
	case "json":
		enc := json.NewEncoder(w)
		first := true
		io.WriteString(w, "[")
		err := st.Entries(ctx, q, func(e store.Entry) error {
			if !first {
				io.WriteString(w, ",")
			}
			first = false
			return enc.Encode(entryRecord(e))
		})
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, "]\n")
		return err
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(entryColumns)
		err := st.Entries(ctx, q, func(e store.Entry) error { return cw.Write(entryRecord(e).fields()) })
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	cols := tableColumns(opts.List, opts.All)
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = entryColumns[c]
	}
	printTabbed(tw, header)
	n := 0
	err := st.Entries(ctx, q, func(e store.Entry) error {
		n++
		f := entryRecord(e).fields()
		row := make([]any, len(cols))
		for i, c := range cols {
			row[i] = f[c]
		}
		printTabbed(tw, row)
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if n == 1 {
		fmt.Fprintln(opts.IO.ErrOut, "1 entry")
	} else {
		fmt.Fprintf(opts.IO.ErrOut, "%d entries\n", n)
	}
	return nil
}

// tableColumns picks the columns of entryColumns worth a table's width.
func tableColumns(list scrub.List, all bool) []int {
	cols := []int{0}
	switch list {
	case "": // every list: say which, and the list's own columns
		cols = append(cols, 1, 2, 3)
	case scrub.ListOptOut:
		cols = append(cols, 2)
	case scrub.ListWhitelist:
		cols = append(cols, 3)
	}
	cols = append(cols, 4, 5, 6, 7, 12, 13)
	if list == scrub.ListBlacklist {
		cols = append(cols, 14)
	}
	if all {
		cols = append(cols, 8, 9, 10, 11)
	}
	return cols
}

func printTabbed(w io.Writer, cells []any) {
	for i, c := range cells {
		if i > 0 {
			io.WriteString(w, "\t")
		}
		fmt.Fprint(w, c)
	}
	io.WriteString(w, "\n")
}
