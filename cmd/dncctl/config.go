package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// fileConfig is what the config file says beyond flag values: the
// compliance rules.
type fileConfig struct {
	Path     string
	Policies *scrub.Policies
	// Required are the national registries each region's numbers must be
	// checked against (policies.regions.XX.required_registries), with their
	// maximum age.
	Required map[string][]requiredRegistry
	// CallingHours are the policies' calling windows ("09:00-21:00"), by
	// region ("" for the default).
	CallingHours map[string]string
	// StopWords and StartWords replace the default reply words when set
	// (replies.stop_words, replies.start_words); nil for the defaults.
	StopWords, StartWords []string
	// Outcomes are the rules of outcomes import (outcomes.*), with the
	// defaults for what the file does not set.
	Outcomes scrub.OutcomeRules
	// Jobs are what dncctl nightly runs; PurgeExpired makes it purge
	// expired entries first (maintenance.purge_expired).
	Jobs         []nightlyJob
	PurgeExpired bool
}

type requiredRegistry struct {
	Name   string
	MaxAge time.Duration
}

// flagKeys are the config keys that set flags.
var flagKeys = []string{"db", "store-key-file", "region", "region-col", "strict-region", "phone-col", "channel", "campaign", "out-dir", "format", "excel-compatible", "key-file"}

// replyKeys and outcomeKeys are the keys of the replies and outcomes sections.
var (
	replyKeys   = []string{"stop_words", "start_words"}
	outcomeKeys = []string{"optout_dispositions", "review_dispositions", "short_call_seconds", "short_calls_in_a_row", "short_call_dispositions"}
)

// regionPolicyKeys are the keys a policy (default or a region's) may have.
var regionPolicyKeys = []string{"allow_types", "block_prefixes", "calling_hours", "required_registries", "max_age"}

// configValues is how the config file is read (viper, in root.go).
type configValues interface {
	AllKeys() []string
	IsSet(key string) bool
	GetString(key string) string
	GetStringSlice(key string) []string
	GetStringMap(key string) map[string]any
}

// decodeConfig reads the compliance rules from v, refusing unknown keys:
// a misspelt rule must not silently not apply.
func decodeConfig(v configValues, path string) (*fileConfig, error) {
	cfg := &fileConfig{Path: path, Required: map[string][]requiredRegistry{}, CallingHours: map[string]string{}}
	p := &scrub.Policies{Regions: map[string]scrub.RegionPolicy{}}
	for _, key := range v.AllKeys() {
		if err := knownKey(key); err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
	}
	// The default's max_age, read first: a region's registries without a
	// max_age of their own keep it, since none would trust any age.
	var defaultMaxAge time.Duration
	// key is the policy's viper key (lower case); name is how errors say it.
	readPolicy := func(key, name, region string) (scrub.RegionPolicy, error) {
		prefix := key
		rp := scrub.RegionPolicy{AllowTypes: v.GetStringSlice(prefix + ".allow_types"), BlockPrefixes: v.GetStringSlice(prefix + ".block_prefixes")}
		if !v.IsSet(prefix + ".allow_types") {
			rp.AllowTypes = nil
		}
		if !v.IsSet(prefix + ".block_prefixes") {
			rp.BlockPrefixes = nil
		}
		if h := v.GetString(prefix + ".calling_hours"); h != "" {
			hours, err := scrub.ParseHours(h)
			if err != nil {
				return rp, fmt.Errorf("%s.calling_hours: %w", name, err)
			}
			rp.CallingHours = &hours
			cfg.CallingHours[region] = h
		}
		maxAge := defaultMaxAge
		if s := v.GetString(prefix + ".max_age"); s != "" {
			d, err := parseSpan(s)
			if err != nil {
				return rp, fmt.Errorf("%s.max_age: %w", name, err)
			}
			maxAge = d
		}
		if region == "" {
			defaultMaxAge = maxAge
		}
		for _, name := range v.GetStringSlice(prefix + ".required_registries") {
			cfg.Required[region] = append(cfg.Required[region], requiredRegistry{Name: name, MaxAge: maxAge})
		}
		return rp, nil
	}
	var err error
	if p.Default, err = readPolicy("policies.default", "policies.default", ""); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	for region := range v.GetStringMap("policies.regions") {
		rp, err := readPolicy("policies.regions."+region, "policies.regions."+strings.ToUpper(region), strings.ToUpper(region))
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", path, err)
		}
		p.Regions[strings.ToUpper(region)] = rp
	}
	for _, r := range v.GetStringSlice("policies.allowed_regions") {
		p.AllowedRegions = append(p.AllowedRegions, strings.ToUpper(r))
	}
	for name := range v.GetStringMap("sources") {
		switch status := v.GetString("sources." + name + ".status"); status {
		case "blocked":
			p.BlockedSources = append(p.BlockedSources, strings.TrimSpace(name))
		case "", "allowed":
		default:
			return nil, fmt.Errorf("config %s: sources.%s.status: %q (want blocked or allowed)", path, name, status)
		}
	}
	sort.Strings(p.BlockedSources)
	p.Keywords = v.GetStringSlice("keywords")
	if v.IsSet("replies.stop_words") {
		if cfg.StopWords = v.GetStringSlice("replies.stop_words"); len(cfg.StopWords) == 0 {
			return nil, fmt.Errorf("config %s: replies.stop_words is empty: no reply would ever be an opt-out", path)
		}
	}
	if v.IsSet("replies.start_words") {
		cfg.StartWords = v.GetStringSlice("replies.start_words")
	}
	if cfg.Outcomes, err = decodeOutcomeRules(v); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if cfg.Jobs, err = decodeJobs(v, path); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	switch p := strings.ToLower(strings.TrimSpace(v.GetString("maintenance.purge_expired"))); p {
	case "true", "yes", "1":
		cfg.PurgeExpired = true
	case "", "false", "no", "0":
	default:
		return nil, fmt.Errorf("config %s: maintenance.purge_expired: %q (want true or false)", path, p)
	}
	if err := p.Check(); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.Policies = p
	return cfg, nil
}

func knownKey(key string) error {
	parts := strings.Split(key, ".")
	switch {
	case len(parts) == 1 && (contains(flagKeys, key) || key == "keywords"):
		return nil
	case parts[0] == "policies" && len(parts) == 2 && parts[1] == "allowed_regions":
		return nil
	case parts[0] == "policies" && len(parts) == 3 && parts[1] == "default" && contains(regionPolicyKeys, parts[2]):
		return nil
	case parts[0] == "policies" && len(parts) == 4 && parts[1] == "regions" && contains(regionPolicyKeys, parts[3]):
		if !scrub.IsKnownRegion(parts[2]) {
			return fmt.Errorf("policies.regions: unknown region %q", strings.ToUpper(parts[2]))
		}
		return nil
	case parts[0] == "sources" && len(parts) == 3 && parts[2] == "status":
		return nil
	case parts[0] == "replies" && len(parts) == 2 && contains(replyKeys, parts[1]):
		return nil
	case parts[0] == "outcomes" && len(parts) == 2 && contains(outcomeKeys, parts[1]):
		return nil
	case parts[0] == "jobs" && len(parts) == 3 && contains(jobKeys, parts[2]):
		return nil
	case key == "maintenance.purge_expired":
		return nil
	}
	return fmt.Errorf("unknown key %q", key)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// decodeOutcomeRules reads the outcomes section over the default rules.
func decodeOutcomeRules(v configValues) (scrub.OutcomeRules, error) {
	r := scrub.DefaultOutcomeRules()
	if v.IsSet("outcomes.optout_dispositions") {
		if r.OptOut = v.GetStringSlice("outcomes.optout_dispositions"); len(r.OptOut) == 0 {
			return r, fmt.Errorf("outcomes.optout_dispositions is empty: no call would ever be an opt-out")
		}
	}
	if v.IsSet("outcomes.review_dispositions") {
		r.Review = v.GetStringSlice("outcomes.review_dispositions")
	}
	if v.IsSet("outcomes.short_call_dispositions") {
		r.ShortCallDispositions = v.GetStringSlice("outcomes.short_call_dispositions")
	}
	count := func(key string, dst *int) error {
		if !v.IsSet(key) {
			return nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v.GetString(key)))
		if err != nil || n < 0 {
			return fmt.Errorf("%s: %q is not a whole number", key, v.GetString(key))
		}
		*dst = n
		return nil
	}
	seconds := int(r.ShortCall / time.Second)
	if err := count("outcomes.short_call_seconds", &seconds); err != nil {
		return r, err
	}
	r.ShortCall = time.Duration(seconds) * time.Second
	if err := count("outcomes.short_calls_in_a_row", &r.ShortCalls); err != nil {
		return r, err
	}
	return r, nil
}
