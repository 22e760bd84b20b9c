package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
)

type checkOptions struct {
	IO        *iostreams
	Rules     func() *fileConfig
	OpenStore checkedStoreOpener
	Now       func() time.Time

	Numbers    []string
	Region     string
	Channel    string
	Campaign   string
	AllowEmpty bool
	// KeyFiles hold the HMAC keys of partners' hashed lists and registries.
	KeyFiles []string
}

func newCheckCmd(f *factory) *cobra.Command {
	opts := &checkOptions{IO: f.IO, OpenStore: f.OpenStoreToCheck, Now: f.Now, Rules: func() *fileConfig { return f.Config }}
	cmd := &cobra.Command{
		Use:   "check NUMBER...",
		Short: "Say whether numbers may be called",
		Long: `Check normalizes each number as scrub does and looks it up on the
blacklist, the opt-outs for --channel and the whitelist. It prints one line
per number:

  E164<TAB>callable|opted_out|blacklisted|invalid|…<TAB>detail

(an invalid number is printed as it was given). The config file's policies
apply too: a number they reject gets its reason in lower case
(type_not_allowed, blocked_prefix, region_not_allowed…).

A partner's hashed lists and registries hashed with HMAC-SHA-256 need
their key (--key-file): without it check refuses to run, as scrub does.

Exit status:
  0  every number may be called
  1  failed (for example, the store cannot be read, or a registry the
     policies require for a callable number is missing or too old)
  2  usage error
  3  at least one number may not be called`,
		Example: `  dncctl check +34612345678 +8613800138000
  dncctl check "612 345 678" --region ES --channel sms
  dncctl check 13800138000 --region CN || echo "do not call"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErrorf("no number to check")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Numbers = args
			return runCheck(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Region, "region", "", "default region (ISO code) for numbers without a country code")
	cmd.Flags().StringVar(&opts.Channel, "channel", "voice", "campaign channel: voice, sms, whatsapp, email")
	cmd.Flags().StringVar(&opts.Campaign, "campaign", "", "campaign or brand: its own list entries apply besides the global ones")
	cmd.Flags().BoolVar(&opts.AllowEmpty, "allow-empty-store", false, "check even if the store does not exist or has no opt-outs or blacklist entries")
	cmd.Flags().StringArrayVar(&opts.KeyFiles, "key-file", nil, "HMAC key of a partner's hashed list or registry (repeatable): required while the store holds any")
	bindConfig(cmd.Flags(), "key-file")
	bindConfig(cmd.Flags(), "region")
	bindConfig(cmd.Flags(), "channel")
	bindConfig(cmd.Flags(), "campaign")
	return cmd
}

// checkStatus names a decision in check's output.
var checkStatus = map[scrub.Reason]string{
	"":                        "callable",
	scrub.ReasonBlacklisted:   "blacklisted",
	scrub.ReasonOptedOut:      "opted_out",
	scrub.ReasonInvalidNumber: "invalid",
	scrub.ReasonNoPhone:       "invalid",
	scrub.ReasonRegistry:      "registry",
}

func runCheck(ctx context.Context, opts *checkOptions) error {
	channel, err := scrub.ParseChannel(opts.Channel)
	if err != nil {
		return &usageError{err: fmt.Errorf("--channel: %w", err)}
	}
	norm, err := scrub.NewNormalizerForFew(opts.Region)
	if err != nil {
		return &usageError{err: fmt.Errorf("--region: %w", err)}
	}
	keys, err := readHashKeys(opts.KeyFiles)
	if err != nil {
		return err
	}
	st, err := opts.OpenStore(ctx, opts.AllowEmpty)
	if err != nil {
		return err
	}
	defer st.Close()
	// Only the entries that could match these numbers are read: a check
	// against a million opt-outs takes milliseconds, not seconds.
	var numbers []string
	for _, raw := range opts.Numbers {
		if num, err := norm.Normalize(raw); err == nil {
			numbers = append(numbers, num.E164)
		}
	}
	idx, suppressions, err := st.LoadIndexFor(ctx, scrub.Scope{Channel: channel, Campaign: opts.Campaign, Now: opts.Now()}, numbers, keys...)
	if err != nil {
		return explainMissingKey(err)
	}
	if !suppressions {
		fmt.Fprintf(opts.IO.ErrOut, "Warning: the store %s holds no entries for %s campaigns.\n", st.Path(), channel)
	}
	decider := scrub.NewDecider(norm, idx)
	if rules := opts.Rules(); rules != nil {
		decider.Policies = rules.Policies
	}
	lookup, regs, err := registryLookup(ctx, st, false)
	if err != nil {
		return err
	}
	if lookup != nil {
		defer lookup.Close()
		decider.Registries = lookup
		if err := lookup.UseKeys(keys...); err != nil {
			return explainMissingKey(err)
		}
	}
	decisions := make([]scrub.Decision, len(opts.Numbers))
	callable := &scrub.Summary{Counts: scrub.Counts{CleanByRegion: map[string]int{}}}
	for i, raw := range opts.Numbers {
		decisions[i] = decider.CheckNumber(raw)
		if decisions[i].Clean() {
			callable.CleanByRegion[decisions[i].Number.Region]++
		}
	}
	// As in scrub: a number whose region requires a registry that is
	// missing or stale cannot be said to be callable.
	var stale *staleError
	if _, err := checkRegistries(opts.Rules(), callable, regs, opts.Now(), false); errors.As(err, &stale) {
		return fmt.Errorf("cannot say the numbers may be called: the policies require national registries that cannot be trusted for them: %s. Import them (dncctl registry import)", strings.Join(stale.problems, "; "))
	} else if err != nil {
		return err
	}
	allCallable := true
	for i, raw := range opts.Numbers {
		d := decisions[i]
		first, detail := d.Number.E164, d.Detail
		if first == "" {
			first = strings.TrimSpace(raw)
		}
		if d.Clean() {
			detail = strings.TrimPrefix(strings.Join([]string{d.Number.Type, d.Number.Region, detail}, " "), " ")
		} else {
			allCallable = false
		}
		status, ok := checkStatus[d.Reason]
		if !ok {
			status = strings.ToLower(string(d.Reason))
		}
		if _, err := fmt.Fprintf(opts.IO.Out, "%s\t%s\t%s\n", first, status, strings.TrimSpace(detail)); err != nil {
			return err
		}
	}
	if !allCallable {
		return &exitError{code: exitNotCallable}
	}
	return nil
}
