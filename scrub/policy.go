package scrub

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The reasons policies give.
const (
	ReasonRegionNotAllowed Reason = "REGION_NOT_ALLOWED"
	ReasonBlockedPrefix    Reason = "BLOCKED_PREFIX"
	ReasonTypeNotAllowed   Reason = "TYPE_NOT_ALLOWED"
	ReasonBlockedSource    Reason = "BLOCKED_SOURCE"
	ReasonKeyword          Reason = "KEYWORD"
)

// RegionPolicy is the rules for the numbers of one region. Empty fields
// inherit the default policy's.
type RegionPolicy struct {
	AllowTypes    []string // number types that may be called (mobile, fixed_line…); empty: every type
	BlockPrefixes []string // E.164 prefixes never called (+34803)
	CallingHours  *Hours   // local hours in which calls are legal; nil: no limit
}

// Policies are the company's rules, from the config file.
type Policies struct {
	Default        RegionPolicy
	Regions        map[string]RegionPolicy // by ISO region
	AllowedRegions []string                // numbers of other regions are not called; empty: all
	BlockedSources []string                // lead sources whose rows are never called
	Keywords       []string                // a row with one of these in any field is not called
}

// KnownTypes are the number types a policy may name.
var KnownTypes = []string{"mobile", "fixed_line", "fixed_line_or_mobile", "toll_free", "premium_rate",
	"shared_cost", "voip", "personal_number", "pager", "uan", "voicemail", "unknown"}

// Check reports the first problem in the policies: unknown regions or types,
// prefixes without a country code.
func (p *Policies) Check() error {
	check := func(where string, rp RegionPolicy) error {
		for _, t := range rp.AllowTypes {
			if !slices.Contains(KnownTypes, t) {
				return fmt.Errorf("%s: allow_types: unknown number type %q (want one of %s)", where, t, strings.Join(KnownTypes, ", "))
			}
		}
		for _, pre := range rp.BlockPrefixes {
			if len(pre) < 3 || pre[0] != '+' || countDigits(pre) != len(pre)-1 {
				return fmt.Errorf("%s: block_prefixes: %q is not a prefix such as +34803", where, pre)
			}
		}
		return nil
	}
	if err := check("policies.default", p.Default); err != nil {
		return err
	}
	for region, rp := range p.Regions {
		if !IsKnownRegion(region) {
			return fmt.Errorf("policies.regions: unknown region %q", region)
		}
		if err := check("policies.regions."+region, rp); err != nil {
			return err
		}
	}
	for _, r := range p.AllowedRegions {
		if !IsKnownRegion(r) {
			return fmt.Errorf("policies.allowed_regions: unknown region %q", r)
		}
	}
	return nil
}

// forRegion is the policy for a region's numbers: its own rules, else the default's.
func (p *Policies) forRegion(region string) RegionPolicy {
	rp := p.Regions[strings.ToUpper(region)]
	if rp.AllowTypes == nil {
		rp.AllowTypes = p.Default.AllowTypes
	}
	if rp.BlockPrefixes == nil {
		rp.BlockPrefixes = p.Default.BlockPrefixes
	}
	if rp.CallingHours == nil {
		rp.CallingHours = p.Default.CallingHours
	}
	return rp
}

// numberRule is the first policy rule a callable number breaks: a region not
// allowed, a blocked prefix, a type not allowed.
func (p *Policies) numberRule(n Number) (Reason, string) {
	if p == nil {
		return "", ""
	}
	if len(p.AllowedRegions) > 0 && !slices.Contains(p.AllowedRegions, n.Region) {
		return ReasonRegionNotAllowed, fmt.Sprintf("region %s is not in allowed_regions (%s)", n.Region, strings.Join(p.AllowedRegions, ", "))
	}
	rp := p.forRegion(n.Region)
	for _, pre := range rp.BlockPrefixes {
		if strings.HasPrefix(n.E164, pre) {
			return ReasonBlockedPrefix, fmt.Sprintf("prefix %s is blocked for %s", pre, n.Region)
		}
	}
	if len(rp.AllowTypes) > 0 && !slices.Contains(rp.AllowTypes, n.Type) {
		return ReasonTypeNotAllowed, fmt.Sprintf("%s numbers are not allowed for %s (allow_types: %s)", n.Type, n.Region, strings.Join(rp.AllowTypes, ", "))
	}
	return "", ""
}

// keywordIn returns the first keyword found, case-blind, in any field.
func (p *Policies) keywordIn(fields []string) (string, string) {
	if p == nil {
		return "", ""
	}
	for _, kw := range p.Keywords {
		k := strings.ToLower(kw)
		for _, f := range fields {
			if k != "" && strings.Contains(strings.ToLower(f), k) {
				return kw, f
			}
		}
	}
	return "", ""
}

// SourceBlocked reports whether the lead source is blocked. Case and
// surrounding spaces do not count: the config's names come back lowercased
// (viper) and --source is typed by hand, so "Vendor-ACME" must still match.
func (p *Policies) SourceBlocked(source string) bool {
	source = strings.TrimSpace(source)
	if p == nil || source == "" {
		return false
	}
	return slices.ContainsFunc(p.BlockedSources, func(b string) bool {
		return strings.EqualFold(strings.TrimSpace(b), source)
	})
}

// window is a number's calling window from at, and whether its region has
// calling hours at all.
func (p *Policies) window(n Number, at time.Time) (Window, bool) {
	if p == nil {
		return Window{}, false
	}
	rp := p.forRegion(n.Region)
	if rp.CallingHours == nil {
		return Window{}, false
	}
	return CallWindow(*rp.CallingHours, n.Timezones, at), true
}
