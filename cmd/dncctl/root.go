package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/dncctl/dncctl/scrub"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// configKey is the flag annotation naming the config key (and DNCCTL_ env
// variable) a flag may take its value from. Flags without it are command-line
// only: a config file must never narrow an opt-out's channel, for one.
const configKey = "dncctl/config-key"

func newRootCmd(f *factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "dncctl",
		Short: "Scrub lead files against do-not-call lists",
		Long: `dncctl normalizes the phone numbers in lead files (CSV or Excel) and checks
them against the company's do-not-call data: opt-outs per channel, an internal
blacklist and a whitelist of priority customers. It writes a clean call list
for the dialer and a rejection report that says, for every number removed,
why, and from which file and row.

The lists live in a local SQLite store, created on first use.

Settings come from flags, then DNCCTL_* environment variables, then the
config file, then defaults. The config file is --config, or the first of
./dncctl.yaml, $XDG_CONFIG_HOME/dncctl/config.yaml, /etc/dncctl/config.yaml.
Keys are flag names: db, region, channel, phone-col, format, out-dir.`,
		Example: `  dncctl optout add "+34 612 345 678" --reason "asked on call 2026-11-20" --source customer
  dncctl scrub leads.xlsx --region ES
  dncctl check +34612345678`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := applyConfig(cmd, f.ConfigFile)
			f.Config, f.Command = cfg, cmd.CommandPath()
			return err
		},
	}
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	root.SetIn(f.IO.In)
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &usageError{err: err}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&f.DBPath, "db", "", "store file (default $XDG_DATA_HOME/dncctl/dncctl.db)")
	pf.StringVar(&f.ConfigFile, "config", "", "config file (default: see above)")
	pf.StringVar(&f.StoreKeyFile, "store-key-file", "", "the key of a protected store (see dncctl db protect); or set "+storeKeyEnv)
	bindConfig(pf, "db")
	bindConfig(pf, "store-key-file")

	root.AddCommand(
		newScrubCmd(f),
		newCheckCmd(f),
		newListCmd(f, scrub.ListOptOut),
		newListCmd(f, scrub.ListBlacklist),
		newListCmd(f, scrub.ListWhitelist),
		newReviewCmd(f),
		newOutcomesCmd(f),
		newNightlyCmd(f),
		newRegistryCmd(f),
		newAuditCmd(f),
		newRunsCmd(f),
		newReportCmd(f),
		newDBCmd(f),
		newConfigCmd(f),
		newPurgeCmd(f),
		newVersionCmd(f),
	)
	if c := newGenDocsCmd(); c != nil {
		root.AddCommand(c)
	}
	root.CompletionOptions.HiddenDefaultCmd = false
	return root
}

// bindConfig lets flag take its value from the config key of the same name
// and from the DNCCTL_<NAME> environment variable.
func bindConfig(flags *pflag.FlagSet, name string) {
	if err := flags.SetAnnotation(name, configKey, []string{name}); err != nil {
		panic(err) // a programming error: the flag is not defined
	}
}

// applyConfig fills every bound flag not given on the command line from the
// environment or the config file, and reads the file's compliance rules. It
// is the only code that touches viper.
func applyConfig(cmd *cobra.Command, configFile string) (*fileConfig, error) {
	v := viper.New()
	v.SetEnvPrefix("DNCCTL")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	if configFile == "" {
		configFile = findConfig()
	} else if _, err := os.Stat(configFile); err != nil {
		return nil, fmt.Errorf("config %s: %w", configFile, err)
	}
	if configFile != "" {
		v.SetConfigFile(configFile)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return nil, fmt.Errorf("config %s: %w", configFile, err)
		}
	}
	cfg, err := decodeConfig(v, configFile)
	if err != nil {
		return nil, err
	}
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		keys := fl.Annotations[configKey]
		if err != nil || fl.Changed || len(keys) == 0 || !v.IsSet(keys[0]) {
			return
		}
		if sv, ok := fl.Value.(pflag.SliceValue); ok {
			err = sv.Replace(v.GetStringSlice(keys[0]))
		} else {
			err = fl.Value.Set(v.GetString(keys[0]))
		}
		if err != nil {
			err = fmt.Errorf("setting %s (from DNCCTL_%s or the config file): %w", keys[0], strings.ToUpper(strings.ReplaceAll(keys[0], "-", "_")), err)
		}
	})
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// settingSource says where a setting's value comes from, as config show
// prints it.
func settingSource(cmd *cobra.Command, configFile, key string) (value, source string) {
	v := viper.New()
	if configFile != "" {
		v.SetConfigFile(configFile)
		v.SetConfigType("yaml")
		_ = v.ReadInConfig()
	}
	env := "DNCCTL_" + strings.ToUpper(strings.ReplaceAll(key, "-", "_"))
	if fl := cmd.Flags().Lookup(key); fl != nil && fl.Changed {
		return fl.Value.String(), "flag --" + key
	}
	if val, ok := os.LookupEnv(env); ok && val != "" {
		return val, "environment " + env
	}
	if v.InConfig(key) {
		return v.GetString(key), "config " + configFile
	}
	return "", "default"
}

// readConfigFile reads and checks a config file, as config check does.
func readConfigFile(path string) (*fileConfig, error) {
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if err := v.ReadInConfig(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return decodeConfig(v, path)
}

func findConfig() string {
	candidates := []string{"dncctl.yaml", filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "dncctl", "config.yaml"), "/etc/dncctl/config.yaml"}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && st.Mode().IsRegular() {
			return c
		}
	}
	return ""
}

// xdgDir is the XDG base directory named by env, or ~/fallback.
func xdgDir(env, fallback string) string {
	if d := os.Getenv(env); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return fallback
	}
	return filepath.Join(home, fallback)
}

// commandPath is the full name of the command args select, for "see --help" hints.
func commandPath(root *cobra.Command, args []string) string {
	if cmd, _, err := root.Find(args); err == nil && cmd != nil {
		return cmd.CommandPath()
	}
	return root.Name()
}
