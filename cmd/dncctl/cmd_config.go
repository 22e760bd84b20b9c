package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dncctl/dncctl/scrub"
)

func newConfigCmd(f *factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check the config file, and show the settings in force",
		Args:  cobra.NoArgs,
	}
	check := &cobra.Command{
		Use:   "check [FILE]",
		Short: "Check a config file: unknown keys, bad spans or windows, unknown regions or number types",
		Long: `Config check reads a config file (FILE, or the one dncctl would use) and
reports its first mistake: an unknown key (a misspelt rule must not silently
not apply), a span that is not one (max_age: 31d), a calling window that is
not one (09:00-21:00), an unknown region or number type, a prefix without
its country code.

Exit status:
  0  the file is valid
  1  it is not (the message names the key)
  2  usage error`,
		Example: `  dncctl config check /etc/dncctl/config.yaml
  dncctl config check`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := f.ConfigFile
			if len(args) == 1 {
				path = args[0]
			}
			if path == "" {
				path = findConfig()
			}
			if path == "" {
				return fmt.Errorf("no config file: none given, and none of ./dncctl.yaml, $XDG_CONFIG_HOME/dncctl/config.yaml, /etc/dncctl/config.yaml exists")
			}
			cfg, err := readConfigFile(path)
			if err != nil {
				return err
			}
			p := cfg.Policies
			fmt.Fprintf(f.IO.Out, "%s: valid: %d region policies, %d allowed regions, %d blocked sources, %d keywords, %d regions requiring registries, %d nightly jobs\n",
				path, len(p.Regions), len(p.AllowedRegions), len(p.BlockedSources), len(p.Keywords), len(cfg.Required), len(cfg.Jobs))
			return nil
		},
	}
	show := &cobra.Command{
		Use:   "show",
		Short: "Print the settings in force and where each comes from",
		Long: `Config show prints each setting dncctl reads from flags, DNCCTL_*
variables or the config file, with its value and where it came from, then
the compliance rules of the config file.`,
		Example: `  dncctl config show
  DNCCTL_REGION=CN dncctl config show --config other.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			path := f.ConfigFile
			if path == "" {
				path = findConfig()
			}
			w := f.IO.Out
			if path == "" {
				fmt.Fprintln(w, "config file: none")
			} else {
				fmt.Fprintf(w, "config file: %s\n", path)
			}
			fmt.Fprintf(w, "store: %s\n", f.StorePath())
			for _, key := range flagKeys {
				value, source := settingSource(cmd, path, key)
				fmt.Fprintf(w, "%-17s %-12q %s\n", key+":", value, source)
			}
			if f.Config == nil || f.Config.Policies == nil {
				return nil
			}
			p := f.Config.Policies
			fmt.Fprintf(w, "policies.default: allow_types %v, block_prefixes %v\n", p.Default.AllowTypes, p.Default.BlockPrefixes)
			regions := make([]string, 0, len(p.Regions))
			for r := range p.Regions {
				regions = append(regions, r)
			}
			sort.Strings(regions)
			for _, r := range regions {
				rp := p.Regions[r]
				fmt.Fprintf(w, "policies.regions.%s: allow_types %v, block_prefixes %v", r, rp.AllowTypes, rp.BlockPrefixes)
				for _, req := range f.Config.Required[r] {
					fmt.Fprintf(w, ", requires registry %s", req.Name)
				}
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "policies.allowed_regions: %s\n", strings.Join(p.AllowedRegions, ", "))
			fmt.Fprintf(w, "sources blocked: %s\n", strings.Join(p.BlockedSources, ", "))
			fmt.Fprintf(w, "keywords: %s\n", strings.Join(p.Keywords, ", "))
			stop, start := f.Config.StopWords, f.Config.StartWords
			if stop == nil {
				stop = scrub.DefaultStopWords
			}
			if start == nil {
				start = scrub.DefaultStartWords
			}
			fmt.Fprintf(w, "replies.stop_words: %s\nreplies.start_words: %s\n", strings.Join(stop, ", "), strings.Join(start, ", "))
			for _, j := range f.Config.Jobs {
				if j.Inbox != "" {
					fmt.Fprintf(w, "jobs.%s: inbox %s (%s) -> out %s, rejected %s, archive %s; region %q, channel %q\n", j.Name, j.Inbox, j.Pattern, j.Out, j.Rejected, j.Archive, j.Region, j.Channel)
				} else {
					fmt.Fprintf(w, "jobs.%s: rescrub %s; region %q, channel %q\n", j.Name, j.Rescrub, j.Region, j.Channel)
				}
			}
			o := f.Config.Outcomes
			fmt.Fprintf(w, "outcomes: opt-out on %s; review on %s; review after %d calls in a row under %s (%s)\n",
				strings.Join(o.OptOut, ", "), strings.Join(o.Review, ", "), o.ShortCalls, o.ShortCall, strings.Join(o.ShortCallDispositions, ", "))
			return nil
		},
	}
	cmd.AddCommand(check, show)
	return cmd
}
