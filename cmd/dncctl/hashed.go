package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dncctl/dncctl/exporters"
	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// Hashed lists let the company share its opt-outs and blacklist with a
// partner (and take theirs) without handing over the numbers: see
// docs/sharing.md.

// hashFlags are the flags of a hashed export or import.
type hashFlags struct {
	Hash    string
	KeyFile string
}

// hasher is the hasher the flags name. An HMAC hash needs --key-file, and
// an unkeyed one refuses it: a key given for nothing would look used.
func (h hashFlags) hasher() (*scrub.Hasher, error) {
	kind, err := h.kind()
	if err != nil {
		return nil, err
	}
	if !kind.Keyed() {
		if h.KeyFile != "" {
			return nil, usageErrorf("--key-file: sha256 hashes take no key; did you mean --hash hmac-sha256?")
		}
		return scrub.NewHasher(kind, nil)
	}
	if h.KeyFile == "" {
		return nil, usageErrorf("--hash hmac-sha256 needs the key shared with the partner: give --key-file")
	}
	key, err := readHashKey("--key-file", h.KeyFile)
	if err != nil {
		return nil, err
	}
	return scrub.NewHasher(kind, &key)
}

func (h hashFlags) kind() (scrub.HashKind, error) {
	if h.Hash == "" {
		return scrub.HashSHA256, nil
	}
	kind, err := scrub.ParseHashKind(h.Hash)
	if err != nil {
		return "", &usageError{err: fmt.Errorf("--hash: %w", err)}
	}
	return kind, nil
}

// exportSkips counts the entries a hashed export leaves out, and why.
type exportSkips struct {
	prefixes, hashed, campaigns, expired int
}

// runHashedExport writes the active entries of the list as hashes: CSV with
// a column of hashes (hash_sha256 or hmac_sha256) and, for opt-outs, their
// channel, sorted by hash so that the file says nothing of when each
// number was added.
func runHashedExport(ctx context.Context, opts *listShowOptions) error {
	if opts.All {
		return usageErrorf("--hash exports the active entries only: a removed entry must not stop a partner's calls")
	}
	if opts.Format != "csv" {
		return usageErrorf("--hash writes CSV, not %s", opts.Format)
	}
	hasher, err := opts.hashFlags.hasher()
	if err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if fp, ok := st.Protected(); ok {
		// Its entries hold their numbers' hashes under its own key, which
		// cannot be turned into another hash; a partner given that key
		// could test every number of the store.
		return fmt.Errorf("the store is protected (key fingerprint %s): its numbers are kept as hashes under its own key and cannot be hashed for a partner", fp)
	}
	type row struct{ hash, channel string }
	var rows []row
	var skipped exportSkips
	now := opts.Now()
	err = st.Entries(ctx, store.Query{List: opts.List}, func(e store.Entry) error {
		switch {
		case e.Prefix:
			skipped.prefixes++ // a prefix stands for many numbers: no one hash
		case e.Hash != "":
			skipped.hashed++ // a partner's hashes are theirs to share
		case e.Campaign != "":
			skipped.campaigns++ // one brand's entry would stop every call of the partner's
		case !e.ExpiresAt.IsZero() && !now.Before(e.ExpiresAt):
			skipped.expired++
		default:
			rows = append(rows, row{hash: hasher.Hash(e.E164), channel: string(e.Channel)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(rows, func(a, b row) int {
		return cmp.Or(strings.Compare(a.hash, b.hash), strings.Compare(a.channel, b.channel))
	})

	header := []string{hasher.Kind().Column()}
	if opts.List == scrub.ListOptOut {
		header = append(header, "channel")
	}
	write := func(w io.Writer) error {
		cw := csv.NewWriter(w)
		cw.Write(header)
		for _, r := range rows {
			rec := []string{r.hash}
			if opts.List == scrub.ListOptOut {
				rec = append(rec, r.channel)
			}
			cw.Write(rec)
		}
		cw.Flush()
		return cw.Error()
	}
	if opts.Out == "" {
		if err := write(opts.IO.Out); err != nil {
			return err
		}
	} else {
		out, err := exporters.CreateAtomic(opts.Out)
		if err != nil {
			return err
		}
		defer out.Abort()
		bw := bufio.NewWriter(out)
		if err := write(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if err := out.Commit(); err != nil {
			return err
		}
	}
	printExportSummary(opts, hasher, len(rows), skipped)
	return nil
}

func printExportSummary(opts *listShowOptions, hasher *scrub.Hasher, n int, skipped exportSkips) {
	w := opts.IO.ErrOut
	fmt.Fprintf(w, "Exported %d %s hashes of the %s list", n, hasher.Kind(), opts.List)
	if fp := hasher.Fingerprint(); fp != "" {
		fmt.Fprintf(w, " (key fingerprint %s)", fp)
	}
	fmt.Fprintln(w)
	for _, s := range []struct {
		n    int
		what string
	}{
		{skipped.prefixes, "prefix entries (a prefix covers many numbers, so it has no hash)"},
		{skipped.hashed, "entries that are a partner's hashes"},
		{skipped.campaigns, "entries for one campaign only"},
		{skipped.expired, "expired entries"},
	} {
		if s.n > 0 {
			fmt.Fprintf(w, "Warning: %d %s were left out.\n", s.n, s.what)
		}
	}
	if !hasher.Kind().Keyed() {
		fmt.Fprintln(w, "Note: SHA-256 without a key does not hide phone numbers: anyone can hash every number of a country and read them back. Share these only where you could share the numbers, or use --hash hmac-sha256 with a key agreed with the partner.")
	}
}

// hashColumns are the header names a hashed list's column of hashes may
// have, and the kind each implies ("" for either).
var hashColumns = map[string]scrub.HashKind{
	"hash_sha256": scrub.HashSHA256, "sha256": scrub.HashSHA256,
	"hmac_sha256": scrub.HashHMACSHA256, "hmac": scrub.HashHMACSHA256,
	"hash": "",
}

// hashedFile is where a hashed list's values are: the column of hashes,
// the channel column (-1 for none), and whether the first line is data.
// column and implied are the hashes column's name and the kind it implies
// ("" for a name that implies none, or no header).
type hashedFile struct {
	hash, channel  int
	headerIsHashes bool
	column         string
	implied        scrub.HashKind
}

// locateHashes finds the columns of a hashed list with header.
func locateHashes(file string, header []string) (hashedFile, error) {
	loc := hashedFile{hash: -1, channel: -1}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if implied, ok := hashColumns[name]; ok && loc.hash < 0 {
			loc.hash, loc.column, loc.implied = i, h, implied
		}
		if name == "channel" {
			loc.channel = i
		}
	}
	if loc.hash >= 0 {
		return loc, nil
	}
	// No header: the first line is already a hash.
	for i, h := range header {
		if _, err := scrub.ParseHash(strings.TrimPrefix(h, "\ufeff")); err == nil {
			return hashedFile{hash: i, channel: -1, headerIsHashes: true}, nil
		}
	}
	if len(header) == 1 {
		return hashedFile{hash: 0, channel: -1, column: header[0]}, nil
	}
	return loc, fmt.Errorf("%s: no column of hashes: name it %s or %s (or hash)", file, scrub.HashSHA256.Column(), scrub.HashHMACSHA256.Column())
}

// kind is the kind of the file's hashes: --hash (given, or "" when not),
// or else what the column's name implies. A file that does not say needs
// --hash: an HMAC list taken for plain SHA-256 would be kept as hashes no
// number ever matches, and its opt-outs would be called.
func (loc hashedFile) kind(file, given string) (scrub.HashKind, error) {
	if given == "" {
		if loc.implied != "" {
			return loc.implied, nil
		}
		what := "it has no header to say"
		if loc.column != "" {
			what = fmt.Sprintf("its column %s does not say", loc.column)
		}
		return "", usageErrorf("%s: %s which hashes it holds: give --hash %s or --hash %s (with --key-file)", file, what, scrub.HashSHA256, scrub.HashHMACSHA256)
	}
	kind, err := scrub.ParseHashKind(given)
	if err != nil {
		return "", &usageError{err: fmt.Errorf("--hash: %w", err)}
	}
	if loc.implied != "" && loc.implied != kind {
		return "", usageErrorf("%s: its column %s holds %s hashes, not %s: give --hash %s", file, loc.column, loc.implied, kind, loc.implied)
	}
	return kind, nil
}

// runHashedImport adds a partner's hashed list (import --hashed): each
// value 64 hex digits, the hash of a number of the kind --hash or the
// column's name says. An HMAC list needs --key-file: its key is not kept,
// but its fingerprint is, so that a scrub given another key is refused
// instead of matching nothing.
func runHashedImport(ctx context.Context, opts *listImportOptions) error {
	if !opts.Hashed {
		return usageErrorf("--hash and --key-file describe the hashes --hashed imports: add --hashed")
	}
	if opts.Prefix {
		return usageErrorf("--prefix: a hash stands for one number, never a prefix")
	}
	// A wrong --hash or --key-file is found before the file is read; which
	// kind the file holds, only once its header is.
	if opts.Hash != "" {
		if _, err := opts.hashFlags.hasher(); err != nil {
			return err
		}
	}
	channels, err := opts.channels(opts.List)
	if err != nil {
		return err
	}
	expires, err := opts.expiry(opts.Now())
	if err != nil {
		return err
	}
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
	// .txt is read as CSV, not as lines: a lines reader would take a
	// header such as hash_sha256, which has digits, for a value.
	in, err := importers.Open(opts.File, importers.Options{Encoding: enc, Delimiter: delim})
	if err != nil {
		return err
	}
	defer in.Close()
	header := in.Header()
	loc, err := locateHashes(opts.File, header)
	if err != nil {
		return err
	}
	kind, err := loc.kind(opts.File, opts.Hash)
	if err != nil {
		return err
	}
	if kind.Keyed() && opts.KeyFile == "" {
		return usageErrorf("%s: its hashes are %s: give --key-file with the key shared with the partner", opts.File, kind)
	}
	hasher, err := hashFlags{Hash: string(kind), KeyFile: opts.KeyFile}.hasher()
	if err != nil {
		return err
	}
	// The file's channels apply unless --channel says otherwise: a
	// partner's SMS opt-out stays an SMS opt-out.
	perRow := opts.List == scrub.ListOptOut && loc.channel >= 0 && !opts.ChannelSet

	refused := newRefusedReport(opts.File, opts.Refused, header)
	defer refused.abort()
	var entries []store.Entry
	add := func(fields []string, row int) error {
		raw := ""
		if loc.hash < len(fields) {
			raw = fields[loc.hash]
		}
		h, err := scrub.ParseHash(raw)
		if strings.TrimSpace(raw) == "" {
			err = errors.New("the hash cell is empty")
		}
		if err != nil {
			return refused.refuse(row, raw, "INVALID_HASH", err.Error(), fields)
		}
		cs := channels
		if perRow && loc.channel < len(fields) && strings.TrimSpace(fields[loc.channel]) != "" {
			c, err := scrub.ParseOptOutChannel(fields[loc.channel])
			if err != nil {
				return refused.refuse(row, raw, "INVALID_CHANNEL", err.Error(), fields)
			}
			cs = []scrub.Channel{c}
		}
		for _, e := range opts.entries(opts.List, h, cs, expires) {
			e.Hash, e.HashKey = kind, hasher.Fingerprint()
			entries = append(entries, e)
		}
		return nil
	}
	if loc.headerIsHashes {
		if err := add(header, 1); err != nil {
			return err
		}
	}
	for {
		fields, row, err := in.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := add(fields, row); err != nil {
			return err
		}
	}

	var added []bool
	err = refused.record(ctx, opts.IO, opts.OpenStore, "the hashes were imported", func(st *store.Store) (err error) {
		added, err = st.Add(ctx, entries, opts.Now(), opts.User())
		return err
	})
	if err != nil {
		return err
	}
	printImported(opts.IO, opts.File, added, refused.n)
	if fp := hasher.Fingerprint(); fp != "" {
		fmt.Fprintf(opts.IO.ErrOut, "Hashed with HMAC-SHA-256 under the key with fingerprint %s: scrub and check need that key (--key-file).\n", fp)
	}
	return nil
}

// entryNumber is an entry's e164 as lists show it: a hashed entry's hash
// after its kind ("sha256:1e41…"), so that no one takes it for a number.
func entryNumber(e store.Entry) string {
	if e.Hash != "" {
		return string(e.Hash) + ":" + e.E164
	}
	return e.E164
}

// hashedExportHelp is what export's help says of --hash.
func hashedExportHelp(list scrub.List, verb string) string {
	if verb != "export" || list == scrub.ListWhitelist {
		return ""
	}
	channel := ""
	if list == scrub.ListOptOut {
		channel = " and channel"
	}
	return `

--hash exports, for a partner, the hash of each active number instead of
the number: CSV with a header, one row per entry, columns hash_sha256 (or
hmac_sha256)` + channel + `, sorted by hash. The hash is of the E.164 string
with its "+" ("+34612345678"), in lower-case hex. Prefix entries, entries
for one campaign and a partner's own hashes are left out, with a warning.

SHA-256 without a key hides nothing from someone who wants the numbers:
every number of a country can be hashed in minutes. --hash hmac-sha256
--key-file F hashes under a key agreed with the partner out of band (the
file's bytes less a trailing newline; mode 0600 or stricter). See
docs/sharing.md.`
}

// hashedExportExample is export's example of --hash.
func hashedExportExample(list scrub.List, verb string) string {
	if verb != "export" || list == scrub.ListWhitelist {
		return ""
	}
	return fmt.Sprintf(`
  dncctl %s export --hash hmac-sha256 --key-file partner.key --out for-partner.csv`, list)
}

// hashedImportHelp is what import's help says of --hashed.
func hashedImportHelp(list scrub.List) string {
	if list == scrub.ListWhitelist {
		return ""
	}
	channel := ""
	if list == scrub.ListOptOut {
		channel = `
A channel column gives each opt-out's channel unless --channel is given.`
	}
	return `

--hashed imports a partner's hashed list instead: each value is the hash
of a number (64 hex digits, in either case), in a column named
hash_sha256, hmac_sha256 or hash, or the file's only column.` + channel + `
--hash names the kind, sha256 or hmac-sha256; a column named hash_sha256
or hmac_sha256 names it too, and a file that does not say (a column named
hash, another name, no header) needs --hash: an HMAC list taken for plain
SHA-256 would match no number. hmac-sha256 needs --key-file: the key is
not kept, but its fingerprint is, and scrub and check refuse to run
without that key. Invalid hashes are refused (INVALID_HASH) like invalid
numbers.`
}

// hashedImportExample is import's example of --hashed.
func hashedImportExample(list scrub.List) string {
	if list == scrub.ListWhitelist {
		return ""
	}
	return fmt.Sprintf(`
  dncctl %s import partner.csv --hashed --hash hmac-sha256 --key-file partner.key --source partner-a`, list)
}
