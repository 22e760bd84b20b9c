package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// listInfo is what the help of a list's commands says about it.
var listInfo = map[scrub.List]struct{ short, long, example string }{
	scrub.ListOptOut: {
		short: "Manage opt-outs: people who asked not to be contacted",
		long: `Opt-outs are kept per channel (voice, sms, whatsapp, email, or all). An
opt-out beats the whitelist. Scrub and check apply the opt-outs of their
--channel and those for all channels.`,
		example: `  dncctl optout add "+34 612 345 678" --reason "asked on call 2026-11-20" --source customer
  dncctl optout add 13800138000 --region CN --channel sms --reason "replied TD"
  dncctl optout remove +34612345678 --reason "re-subscribed on web form 2026-11-21"
  dncctl optout import crm-optouts.csv --region ES --source import
  dncctl optout list --all --format csv`,
	},
	scrub.ListBlacklist: {
		short: "Manage the internal blacklist: complaints, legal, fraud",
		long: `A blacklisted number is never called, on any channel, whatever other list
it is on.`,
		example: `  dncctl blacklist add 13800138000 --region CN --reason "complaint #4411" --source complaint
  dncctl blacklist list
  dncctl blacklist export --out blacklist.csv`,
	},
	scrub.ListWhitelist: {
		short: "Manage the whitelist: priority and authorized customers",
		long: `A whitelisted number that may be called gets its tag in the clean file's
priority column. The whitelist never overrides an opt-out or the blacklist.`,
		example: `  dncctl whitelist add +8613900139000 --tag vip
  dncctl whitelist import key-accounts.xlsx --tag key-account
  dncctl whitelist list --format json`,
	},
}

func newListCmd(f *factory, list scrub.List) *cobra.Command {
	info := listInfo[list]
	cmd := &cobra.Command{
		Use:     string(list),
		Short:   info.short,
		Long:    info.short + ".\n\n" + info.long,
		Example: info.example,
		Args:    cobra.NoArgs,
	}
	cmd.AddCommand(
		newListAddCmd(f, list),
		newListRemoveCmd(f, list),
		newListShowCmd(f, list, "list"),
		newListShowCmd(f, list, "export"),
		newListImportCmd(f, list),
	)
	if list == scrub.ListOptOut {
		cmd.AddCommand(newRepliesCmd(f))
	}
	return cmd
}

// entryFlags are the flags that describe new entries, shared by add and import.
type entryFlags struct {
	Region   string
	Reason   string
	Source   string
	Tag      string
	Channels []string
	Campaign string
	Expires  string
	Prefix   bool
}

func (e *entryFlags) register(cmd *cobra.Command, list scrub.List, defaultSource string) {
	fl := cmd.Flags()
	fl.StringVar(&e.Region, "region", "", "default region (ISO code) for numbers without a country code")
	fl.StringVar(&e.Reason, "reason", "", "why the numbers are on the list")
	fl.StringVar(&e.Source, "source", defaultSource, "who or what asked: customer, complaint, agent, import…")
	fl.StringVar(&e.Campaign, "campaign", "", "apply only to this campaign or brand (default: every campaign)")
	fl.StringVar(&e.Expires, "expires", "", "when the entry stops applying: a span (90d, 12w) or its last day (2027-06-30); default never")
	bindConfig(fl, "region")
	switch list {
	case scrub.ListOptOut:
		fl.StringSliceVar(&e.Channels, "channel", []string{"all"}, "channels opted out of: voice, sms, whatsapp, email, all (repeatable)")
	case scrub.ListWhitelist:
		fl.StringVar(&e.Tag, "tag", "", "priority tag written to the clean file, e.g. vip")
	case scrub.ListBlacklist:
		fl.BoolVar(&e.Prefix, "prefix", false, "the arguments are prefixes (+34803): every number starting with one is blacklisted")
	}
}

// channels are the entry channels for list: the parsed --channel values for
// opt-outs, and none for the other lists.
func (e *entryFlags) channels(list scrub.List) ([]scrub.Channel, error) {
	if list != scrub.ListOptOut {
		return []scrub.Channel{""}, nil
	}
	var out []scrub.Channel
	for _, s := range e.Channels {
		c, err := scrub.ParseOptOutChannel(s)
		if err != nil {
			return nil, &usageError{err: fmt.Errorf("--channel: %w", err)}
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, usageErrorf("--channel: name at least one channel")
	}
	return out, nil
}

// entries are the store entries for one number, expiring at expires.
func (e *entryFlags) entries(list scrub.List, e164 string, channels []scrub.Channel, expires time.Time) []store.Entry {
	out := make([]store.Entry, len(channels))
	for i, c := range channels {
		out[i] = e.entry(list, e164, c, expires)
	}
	return out
}

// entry is the entry of e164 on list for one channel, as the flags say.
func (e *entryFlags) entry(list scrub.List, e164 string, channel scrub.Channel, expires time.Time) store.Entry {
	return store.Entry{List: list, E164: e164, Channel: channel, Tag: e.Tag, Reason: e.Reason, Source: e.Source,
		Campaign: e.Campaign, ExpiresAt: expires, Prefix: e.Prefix}
}

// expiry parses --expires at now.
func (e *entryFlags) expiry(now time.Time) (time.Time, error) {
	t, err := parseExpiry(e.Expires, now)
	if err != nil {
		return time.Time{}, &usageError{err: fmt.Errorf("--expires: %w", err)}
	}
	return t, nil
}

type listAddOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	User      func() string
	List      scrub.List
	Numbers   []string
	entryFlags
}

func newListAddCmd(f *factory, list scrub.List) *cobra.Command {
	opts := &listAddOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User, List: list}
	cmd := &cobra.Command{
		Use:   "add NUMBER...",
		Short: "Add numbers to the " + string(list) + " list",
		Long: `Add normalizes each number exactly as scrub does and adds it, in one
transaction. If any number is invalid, nothing is added. A number already on
the list (for the same channel) is left as it is.

Prints one line per entry: E164, "added" or "already present", the list.

Exit status:
  0  done
  1  failed, or a number was invalid: nothing was added
  2  usage error`,
		Example: listInfo[list].example,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("no number to add")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Numbers = args
			return runListAdd(cmd.Context(), opts)
		},
	}
	opts.register(cmd, list, "manual")
	return cmd
}

func runListAdd(ctx context.Context, opts *listAddOptions) error {
	channels, err := opts.channels(opts.List)
	if err != nil {
		return err
	}
	expires, err := opts.expiry(opts.Now())
	if err != nil {
		return err
	}
	var e164s []string
	if opts.Prefix {
		e164s, err = prefixesOf(opts.Numbers)
	} else {
		e164s, err = normalizeAll(opts.Numbers, opts.Region)
	}
	if err != nil {
		return err
	}
	var entries []store.Entry
	for _, n := range e164s {
		entries = append(entries, opts.entries(opts.List, n, channels, expires)...)
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	added, err := st.Add(ctx, entries, opts.Now(), opts.User())
	if err != nil {
		return err
	}
	for i, e := range entries {
		status := "already present"
		if added[i] {
			status = "added"
		}
		fmt.Fprintf(opts.IO.Out, "%s\t%s\t%s\n", e.E164, status, describeEntry(e))
	}
	return nil
}

// normalizeAll normalizes numbers typed on the command line. Any invalid
// number is an error naming every invalid one, so nothing is half-done.
func normalizeAll(numbers []string, region string) ([]string, error) {
	norm, err := scrub.NewNormalizer(region)
	if err != nil {
		return nil, &usageError{err: fmt.Errorf("--region: %w", err)}
	}
	out := make([]string, 0, len(numbers))
	var bad []string
	for _, raw := range numbers {
		n, err := norm.Normalize(raw)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%q: %v", raw, err))
			continue
		}
		out = append(out, n.E164)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("invalid number, nothing changed:\n  %s", strings.Join(bad, "\n  "))
	}
	return out, nil
}

// describeEntry names what an add did: the list (and channel), and the
// entry's campaign, expiry and prefix when it has them.
func describeEntry(e store.Entry) string {
	s := string(e.List)
	if e.Prefix {
		s += " prefix"
	}
	if e.List == scrub.ListOptOut {
		s += " (" + string(e.Channel) + ")"
	}
	if e.Campaign != "" {
		s += " for campaign " + e.Campaign
	}
	if !e.ExpiresAt.IsZero() {
		s += " until " + e.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return s
}

// prefixesOf parses blacklist prefixes typed on the command line; any bad
// one refuses them all.
func prefixesOf(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	var bad []string
	for _, a := range args {
		p, err := parsePrefix(a)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		out = append(out, p)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("invalid prefix, nothing changed:\n  %s", strings.Join(bad, "\n  "))
	}
	return out, nil
}

type listRemoveOptions struct {
	IO        *iostreams
	OpenStore storeOpener
	Now       func() time.Time
	User      func() string
	List      scrub.List
	Numbers   []string
	Region    string
	Reason    string
	Channel   string
	Campaign  string
	Prefix    bool
}

func newListRemoveCmd(f *factory, list scrub.List) *cobra.Command {
	opts := &listRemoveOptions{IO: f.IO, OpenStore: f.OpenStore, Now: f.Now, User: f.User, List: list}
	cmd := &cobra.Command{
		Use:   "remove NUMBER... --reason TEXT",
		Short: "Take numbers off the " + string(list) + " list, saying why",
		Long: `Remove ends the numbers' entries on the list, in one transaction. The entry
is kept with when it was removed, by whom and --reason (required: taking a
number off a do-not-call list must be justified). "list --all" shows it.

Prints one line per number: E164, "removed" or "not listed".

Exit status:
  0  done
  1  failed, or a number was invalid: nothing was removed
  2  usage error (for example, no --reason)`,
		Example: fmt.Sprintf(`  dncctl %s remove +34612345678 --reason "re-subscribed on web form 2026-11-21"
  dncctl %s remove 13800138000 --region CN --reason "entered by mistake, ticket 812"`, list, list),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("no number to remove")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Numbers = args
			return runListRemove(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Region, "region", "", "default region (ISO code) for numbers without a country code")
	fl.StringVar(&opts.Reason, "reason", "", "why the numbers come off the list (required)")
	bindConfig(fl, "region")
	fl.StringVar(&opts.Campaign, "campaign", "", "remove only the entries for this campaign (default: every campaign's and global ones)")
	switch list {
	case scrub.ListOptOut:
		fl.StringVar(&opts.Channel, "channel", "", "remove only the opt-out for this channel (default: every channel)")
	case scrub.ListBlacklist:
		fl.BoolVar(&opts.Prefix, "prefix", false, "the arguments are prefixes (+34803), not numbers")
	}
	return cmd
}

func runListRemove(ctx context.Context, opts *listRemoveOptions) error {
	if strings.TrimSpace(opts.Reason) == "" {
		return usageErrorf("--reason is required: say why the numbers come off the %s list", opts.List)
	}
	var channel scrub.Channel
	if opts.Channel != "" {
		c, err := scrub.ParseOptOutChannel(opts.Channel)
		if err != nil {
			return &usageError{err: fmt.Errorf("--channel: %w", err)}
		}
		channel = c
	}
	var e164s []string
	var err error
	if opts.Prefix {
		e164s, err = prefixesOf(opts.Numbers)
	} else {
		e164s, err = normalizeAll(opts.Numbers, opts.Region)
	}
	if err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	scope := store.Scope{Channel: channel, Campaign: opts.Campaign, Prefix: opts.Prefix}
	removed, err := st.RemoveWhere(ctx, opts.List, e164s, scope, opts.Reason, opts.Now(), opts.User())
	if err != nil {
		return err
	}
	for i, n := range e164s {
		status := "not listed"
		if removed[i] > 0 {
			status = "removed"
		}
		fmt.Fprintf(opts.IO.Out, "%s\t%s\t%s\n", n, status, opts.List)
	}
	return nil
}
