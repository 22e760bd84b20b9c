package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dncctl/dncctl/scrub"
)

// checkRegistries is the freshness guard: a region whose policy requires a
// national registry may not have numbers in the clean list unless that
// registry is there and fresh. dncctl cannot import registries yet (issue
// 4), so a required registry is always missing: the run fails, unless
// allowStale, when the registries passed over are returned for the summary.
func checkRegistries(rules *fileConfig, sum *scrub.Summary, allowStale bool) ([]string, error) {
	if rules == nil {
		return nil, nil
	}
	var missing []string
	for region, n := range sum.CleanByRegion {
		required := rules.Required[region]
		if required == nil {
			required = rules.Required[""]
		}
		for _, r := range required {
			if n > 0 {
				missing = append(missing, fmt.Sprintf("%s (for %d %s numbers)", r.Name, n, region))
			}
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	sort.Strings(missing)
	if allowStale {
		return missing, nil
	}
	return nil, fmt.Errorf("the policies require national registries that are not in the store, so these numbers cannot be checked against them: %s. dncctl cannot import registries yet; to write the clean list anyway, pass --allow-stale (it is recorded in the summary)", strings.Join(missing, ", "))
}
