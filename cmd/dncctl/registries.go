package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// registryLookup prepares registry lookups for a run, or returns nil when the
// store holds no registry (nothing to look up). A run of many numbers (a
// scrub) preloads which registry blocks exist, and as many as fit; a few
// lookups (check) read each block as they need it.
func registryLookup(ctx context.Context, st *store.Store, many bool) (*store.RegistryLookup, []store.Registry, error) {
	regs, err := st.Registries(ctx)
	if err != nil || len(regs) == 0 {
		return nil, regs, err
	}
	l, err := st.NewRegistryLookup(ctx)
	if err == nil && many {
		if err = l.Preload(ctx); err != nil {
			l.Close()
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return l, regs, nil
}

// checkRegistries is the freshness guard: a region whose policy requires a
// national registry may not have numbers in the clean list unless that
// registry is in the store and younger than its max_age. Unless allowStale,
// the run fails; with it, the registries passed over are returned for the
// summary.
func checkRegistries(rules *fileConfig, sum *scrub.Summary, regs []store.Registry, now time.Time, allowStale bool) ([]string, error) {
	if rules == nil {
		return nil, nil
	}
	byName := map[string]store.Registry{}
	for _, r := range regs {
		byName[r.Name] = r
	}
	var problems []string
	for region, n := range sum.CleanByRegion {
		required, ok := rules.Required[region]
		if !ok {
			required = rules.Required[""]
		}
		for _, req := range required {
			r, ok := byName[req.Name]
			switch {
			case !ok || r.Updated().IsZero():
				problems = append(problems, fmt.Sprintf("%s is not in the store (for %d %s numbers)", req.Name, n, region))
			case r.LastFullAt.IsZero():
				// Change lists alone never make a registry whole.
				problems = append(problems, fmt.Sprintf("%s has had change lists but never a full import (for %d %s numbers)", req.Name, n, region))
			case req.MaxAge > 0 && now.Sub(r.Updated()) > req.MaxAge:
				problems = append(problems, fmt.Sprintf("%s was last imported %s, %s ago, more than its max_age %s (for %d %s numbers)",
					req.Name, r.Updated().UTC().Format(time.RFC3339), days(now.Sub(r.Updated())), days(req.MaxAge), n, region))
			}
		}
	}
	if len(problems) == 0 {
		return nil, nil
	}
	sort.Strings(problems)
	if allowStale {
		return problems, nil
	}
	return nil, &staleError{problems: problems}
}

// staleError is the freshness guard's refusal.
type staleError struct{ problems []string }

func (e *staleError) Error() string {
	return fmt.Sprintf("the policies require national registries that cannot be trusted for these numbers: %s. Import them (dncctl registry import), or pass --allow-stale to write the clean list anyway (it is recorded in the summary)", strings.Join(e.problems, "; "))
}

func days(d time.Duration) string { return fmt.Sprintf("%dd", int(d.Hours()/24)) }
