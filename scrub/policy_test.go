package scrub

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func testPolicies() *Policies {
	return &Policies{
		Default: RegionPolicy{AllowTypes: []string{"mobile", "fixed_line", "fixed_line_or_mobile"}},
		Regions: map[string]RegionPolicy{
			"ES": {BlockPrefixes: []string{"+34803", "+34806"}},
			"CN": {AllowTypes: []string{"mobile"}},
		},
		AllowedRegions: []string{"ES", "CN", "US"},
		BlockedSources: []string{"vendor-acme"},
		Keywords:       []string{"prueba", "测试", "do not call"},
	}
}

// Each rule, and the precedence: a list beats a policy, a blocked source
// beats the other rules, and a duplicate is only ever the last word.
func TestPolicyRules(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx,
		Entry{List: ListOptOut, E164: "+34803123456", Channel: ChannelAll, AddedAt: day1},
		Entry{List: ListWhitelist, E164: "+34612345678", Tag: "vip", AddedAt: day1},
		Entry{List: ListOptOut, E164: "+34612345678", Channel: ChannelAll, AddedAt: day1},
	)
	for _, tc := range []struct {
		name, raw, other string // other: another field of the row
		source           string
		whitelistOnly    bool
		want             Reason
		detail           string
	}{
		{"opt-out beats a blocked prefix", "+34 803 123 456", "", "", false, ReasonOptedOut, "optout (all)"},
		{"blocked prefix", "+34 806 123 456", "", "", false, ReasonBlockedPrefix, "prefix +34806 is blocked for ES"},
		{"type not allowed by default", "+34 900 123 456", "", "", false, ReasonTypeNotAllowed, "toll_free numbers are not allowed for ES"},
		{"type not allowed for CN", "+86 10 1234 5678", "", "", false, ReasonTypeNotAllowed, "fixed_line numbers are not allowed for CN"},
		{"region not allowed", "+44 20 7946 0958", "", "", false, ReasonRegionNotAllowed, "region GB is not in allowed_regions"},
		{"keyword", "+34 612 345 670", "PRUEBA interna", "", false, ReasonKeyword, `keyword "prueba" in "PRUEBA interna"`},
		{"blocked source beats the rest", "+34 806 123 456", "", "vendor-acme", false, ReasonBlockedSource, "lead source vendor-acme is blocked"},
		{"whitelist only", "+34 612 345 671", "", "", true, ReasonNotWhitelisted, "not on the whitelist"},
		{"callable", "+34 612 345 672", "", "", false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecider(mustNormalizer(t, "ES"), idx)
			d.Policies, d.Source, d.WhitelistOnly = testPolicies(), tc.source, tc.whitelistOnly
			var clean, rejected sliceSink
			sum := NewSummary()
			in := Input{Name: "a.csv", Source: newSource([]string{"phone", "notes"}, []string{tc.raw, tc.other}), PhoneColumns: []int{0}}
			if err := d.Scrub(context.Background(), in, &clean, &rejected, sum, nil); err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(clean.rows) != 1 {
					t.Fatalf("rejected: %q", rejected.rows)
				}
				return
			}
			if len(rejected.rows) != 1 || rejected.rows[0][5] != string(tc.want) || !strings.Contains(rejected.rows[0][6], tc.detail) {
				t.Fatalf("rejected %q, want %s with %q", rejected.rows, tc.want, tc.detail)
			}
		})
	}
	// The whitelisted number that opted out is rejected, and counted as a conflict.
	d := NewDecider(mustNormalizer(t, "ES"), idx)
	sum := NewSummary()
	in := Input{Name: "a.csv", Source: newSource([]string{"phone"}, []string{"612345678"}), PhoneColumns: []int{0}}
	if err := d.Scrub(context.Background(), in, &sliceSink{}, &sliceSink{}, sum, nil); err != nil {
		t.Fatal(err)
	}
	if sum.WhitelistConflicts != 1 || sum.Reasons[ReasonOptedOut] != 1 {
		t.Errorf("conflicts %d, opted out %d; want 1, 1", sum.WhitelistConflicts, sum.Reasons[ReasonOptedOut])
	}
}

func TestPoliciesCheck(t *testing.T) {
	if err := testPolicies().Check(); err != nil {
		t.Fatalf("valid policies: %v", err)
	}
	for _, tc := range []struct {
		p    Policies
		want string
	}{
		{Policies{Default: RegionPolicy{AllowTypes: []string{"cellular"}}}, `policies.default: allow_types: unknown number type "cellular"`},
		{Policies{Regions: map[string]RegionPolicy{"XX": {}}}, `policies.regions: unknown region "XX"`},
		{Policies{Regions: map[string]RegionPolicy{"ES": {BlockPrefixes: []string{"803"}}}}, `policies.regions.ES: block_prefixes: "803" is not a prefix such as +34803`},
		{Policies{AllowedRegions: []string{"Spain"}}, `policies.allowed_regions: unknown region "Spain"`},
	} {
		if err := tc.p.Check(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Check() = %v, want %q", err, tc.want)
		}
	}
}

// fakeRegistry holds one number; any other lookup of "+34000000000" fails.
type fakeRegistry struct{}

func (fakeRegistry) Find(e164 string) (string, string, error) {
	switch e164 {
	case "+34612345670":
		return "es-robinson", "2026-11-01T00:00:00Z", nil
	case "+34612345671":
		return "", "", errors.New("disk I/O error")
	}
	return "", "", nil
}

// A registry match is REGISTRY, after the lists; a lookup that fails never
// passes the number.
func TestRegistryDecisions(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx, Entry{List: ListOptOut, E164: "+34612345672", Channel: ChannelAll, AddedAt: day1})
	d := NewDecider(mustNormalizer(t, "ES"), idx)
	d.Registries = fakeRegistry{}
	for raw, want := range map[string]Reason{"612345670": ReasonRegistry, "612345671": ReasonCheckFailed, "612345672": ReasonOptedOut, "612345673": ""} {
		if got := d.CheckNumber(raw); got.Reason != want {
			t.Errorf("%s: %s (%s), want %q", raw, got.Reason, got.Detail, want)
		}
	}
}

// Viper lowercases the config's source names, and --source is typed by
// hand: a blocked source must match whatever its case and spacing.
func TestSourceBlocked(t *testing.T) {
	p := &Policies{BlockedSources: []string{"vendor-acme", " Lead-Farm "}}
	for source, want := range map[string]bool{
		"vendor-acme":    true,
		"Vendor-ACME":    true,
		" VENDOR-acme\t": true,
		"lead-farm":      true,
		"vendor-acme2":   false,
		"":               false,
		"   ":            false,
	} {
		if got := p.SourceBlocked(source); got != want {
			t.Errorf("SourceBlocked(%q) = %v, want %v", source, got, want)
		}
	}
	if (*Policies)(nil).SourceBlocked("vendor-acme") {
		t.Error("no policies blocked a source")
	}
}
