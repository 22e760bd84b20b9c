package scrub

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Call is one line of a dialer's call-outcome log.
type Call struct {
	E164        string
	At          time.Time     // zero when the log does not say
	Disposition string        // as the dialer wrote it
	Duration    time.Duration // UnknownDuration when the log does not say
	File        string
	Row         int
}

// UnknownDuration is the duration of a call the log does not give.
const UnknownDuration time.Duration = -1

func (c Call) String() string {
	at := "time unknown"
	if !c.At.IsZero() {
		at = c.At.UTC().Format(time.RFC3339)
	}
	length := c.Duration.String()
	if c.Duration == UnknownDuration {
		length = "duration unknown"
	}
	return fmt.Sprintf("%s row %d: %s %s %s", c.File, c.Row, at, c.Disposition, length)
}

// OutcomeRules say which calls make a number an opt-out at once and which
// make it suspect. Dispositions are compared without regard to case,
// spaces or hyphens (DNC Request = dnc_request).
type OutcomeRules struct {
	OptOut []string // dispositions that are an opt-out: the person asked not to be called
	Review []string // dispositions that need a person's decision (a complaint): suggested for the blacklist
	// ShortCalls calls in a row, each answered (a ShortCallDispositions
	// disposition) and shorter than ShortCall, make the number suspect: the
	// person hangs up on every call. ShortCalls 0 turns the rule off.
	ShortCall             time.Duration
	ShortCalls            int
	ShortCallDispositions []string
}

// DefaultOutcomeRules are the rules when the config file sets none.
func DefaultOutcomeRules() OutcomeRules {
	return OutcomeRules{
		OptOut:                []string{"dnc_request"},
		Review:                []string{"complaint"},
		ShortCall:             5 * time.Second,
		ShortCalls:            3,
		ShortCallDispositions: []string{"answered", "connected", "completed", "hangup", "hung_up", "customer_hangup", "human"},
	}
}

// Disposition is a disposition as rules compare it.
func Disposition(s string) string {
	return strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// Finding is what the rules make of one number's calls.
type Finding struct {
	E164      string
	OptOut    bool // an opt-out at once; otherwise a review
	Suggested List // for a review: the list approving it adds the number to
	Reason    string
	Calls     []Call // the evidence
}

// Evidence is the calls a finding rests on, one after another.
func (f Finding) Evidence() string {
	parts := make([]string, len(f.Calls))
	for i, c := range f.Calls {
		parts[i] = c.String()
	}
	return strings.Join(parts, "; ")
}

// Apply runs the rules over calls, each number's in time order (in the
// log's order if any of them has no time). A number gets at most one finding
// per rule: its first opt-out disposition, its first review disposition,
// its first run of short calls.
func (r OutcomeRules) Apply(calls []Call) []Finding {
	optOut, review, short := set(r.OptOut), set(r.Review), set(r.ShortCallDispositions)
	byNumber := map[string][]Call{}
	var order []string
	for _, c := range calls {
		if _, ok := byNumber[c.E164]; !ok {
			order = append(order, c.E164)
		}
		byNumber[c.E164] = append(byNumber[c.E164], c)
	}
	var out []Finding
	for _, n := range order {
		cs := byNumber[n]
		// Calls are put in time order only when all of them say their
		// time; otherwise the log's order is the best there is.
		if !slices.ContainsFunc(cs, func(c Call) bool { return c.At.IsZero() }) {
			sort.SliceStable(cs, func(i, j int) bool { return cs[i].At.Before(cs[j].At) })
		}
		var gotOptOut, gotReview, gotShort bool
		var streak []Call
		for _, c := range cs {
			d := Disposition(c.Disposition)
			switch {
			case optOut[d] && !gotOptOut:
				gotOptOut = true
				out = append(out, Finding{E164: n, OptOut: true, Suggested: ListOptOut, Reason: "disposition " + d, Calls: []Call{c}})
			case review[d] && !gotReview:
				gotReview = true
				out = append(out, Finding{E164: n, Suggested: ListBlacklist, Reason: "disposition " + d, Calls: []Call{c}})
			}
			if r.ShortCalls <= 0 || gotShort {
				continue
			}
			if short[d] && c.Duration >= 0 && c.Duration < r.ShortCall {
				streak = append(streak, c)
			} else {
				streak = streak[:0]
			}
			if len(streak) == r.ShortCalls {
				gotShort = true
				out = append(out, Finding{E164: n, Suggested: ListOptOut, Calls: slices.Clone(streak),
					Reason: fmt.Sprintf("%d calls in a row hung up within %s", r.ShortCalls, r.ShortCall)})
			}
		}
	}
	return out
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[Disposition(s)] = true
	}
	return m
}
