package main

import (
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// parseSpan reads a span of days or weeks: "90d", "12w".
func parseSpan(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	if len(s) < 2 {
		return 0, fmt.Errorf("%q is not a span such as 30d or 12w", s)
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a span such as 30d or 12w", s)
	}
	switch s[len(s)-1] {
	case 'd':
		return time.Duration(n) * 24 * time.Hour, nil
	case 'w':
		return time.Duration(n) * 7 * 24 * time.Hour, nil
	}
	return 0, fmt.Errorf("%q is not a span such as 30d or 12w", s)
}

// parseExpiry reads --expires: a span from now ("90d") or the last day an
// entry applies ("2027-06-30": it expires when that day ends, UTC).
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if day, err := time.Parse("2006-01-02", s); err == nil {
		end := day.AddDate(0, 0, 1)
		if !end.After(now) {
			return time.Time{}, fmt.Errorf("%s is in the past", s)
		}
		return end, nil
	}
	span, err := parseSpan(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a span such as 90d nor a date such as 2027-06-30", s)
	}
	return now.Add(span).UTC().Truncate(time.Second), nil
}

// parsePrefix reads a blacklist prefix: "+34 803", "0034803", "+44 (0)20".
// It must start with a country code libphonenumber knows, and be shorter
// than a number.
func parsePrefix(s string) (string, error) {
	var digits strings.Builder
	trunkAt := -1 // how many digits come before a "(0)"
	for i := 0; i < len(s); {
		if trunkAt < 0 && strings.HasPrefix(s[i:], "(0)") {
			trunkAt = digits.Len()
			i += len("(0)")
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && digits.Len() == 0 && trunkAt < 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("prefix %q: only digits, after + or 00", s)
		}
	}
	d, trunk := digits.String(), trunkAt >= 0
	if !strings.HasPrefix(strings.TrimSpace(s), "+") {
		if !strings.HasPrefix(d, "00") {
			return "", fmt.Errorf("prefix %q: write it with its country code, +34803 or 0034803", s)
		}
		d = d[2:]
		trunkAt -= 2
	}
	if trunk {
		cc, err := strconv.Atoi(d[:max(trunkAt, 0)])
		if trunkAt <= 0 || err != nil || !isCountryCode(cc) {
			return "", fmt.Errorf(`prefix %q: "(0)" is only read right after the country code, as in +44 (0)20`, s)
		}
		rest, err := afterTrunkZero(cc, d[trunkAt:])
		if err != nil {
			return "", fmt.Errorf("prefix %q: %w", s, err)
		}
		d = d[:trunkAt] + rest
	}
	if len(d) < 2 || len(d) > 14 {
		return "", fmt.Errorf("prefix %q: want a country code and at least one more digit, and fewer digits than a number", s)
	}
	for n := 1; n <= 3 && n < len(d); n++ {
		cc, _ := strconv.Atoi(d[:n])
		if isCountryCode(cc) {
			return "+" + d, nil
		}
	}
	return "", fmt.Errorf("prefix %q: no country code starts it", s)
}

func isCountryCode(cc int) bool {
	region := phonenumbers.GetRegionCodeForCountryCode(cc)
	return region != "ZZ" && region != ""
}

// afterTrunkZero is what follows the country code of a prefix written
// "+CC (0)rest". Scrub reads "(0)" in a number as the trunk 0 and drops it,
// unless the number is only valid with it (Italy: +39 (0)6… is +39 06…). A
// prefix cannot be checked for validity, so the question is which numbers of
// the country it can start: rest alone, or 0 and rest. When it could be
// either, a guess could leave a whole range callable, so it is refused.
func afterTrunkZero(cc int, rest string) (string, error) {
	if rest == "" {
		return rest, nil
	}
	withZero, withoutZero := false, false
	patterns, err := nationalPatterns()
	if err != nil {
		return "", err
	}
	for _, prog := range patterns[cc] {
		withZero = withZero || canStart(prog, "0"+rest)
		withoutZero = withoutZero || canStart(prog, rest)
	}
	if withZero && withoutZero {
		return "", fmt.Errorf("some +%d numbers start with %s, others with 0%s: write +%d%s or +%d0%s, without \"(0)\"", cc, rest, rest, cc, rest, cc, rest)
	}
	if withZero {
		return "0" + rest, nil
	}
	return rest, nil
}

// nationalPatterns are libphonenumber's patterns of the national numbers
// of each country code (one per region that shares it), compiled once.
var nationalPatterns = sync.OnceValues(func() (map[int][]*syntax.Prog, error) {
	coll, err := phonenumbers.MetadataCollection()
	if err != nil {
		return nil, fmt.Errorf("phone number metadata: %w", err)
	}
	patterns := map[int][]*syntax.Prog{}
	for _, md := range coll.GetMetadata() {
		p := md.GetGeneralDesc().GetNationalNumberPattern()
		if p == "" {
			continue
		}
		re, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			return nil, fmt.Errorf("phone number metadata of %s: %w", md.GetId(), err)
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			return nil, fmt.Errorf("phone number metadata of %s: %w", md.GetId(), err)
		}
		cc := int(md.GetCountryCode())
		patterns[cc] = append(patterns[cc], prog)
	}
	return patterns, nil
})

// canStart reports whether some string that prog matches in full starts
// with prefix: the regexp package only says whether a whole string matches,
// so this runs the program's NFA over the prefix and asks whether any
// thread is still alive.
func canStart(prog *syntax.Prog, prefix string) bool {
	threads := follow(prog, nil, uint32(prog.Start), map[uint32]bool{})
	for _, r := range prefix {
		var next []uint32
		seen := map[uint32]bool{}
		for _, pc := range threads {
			inst := &prog.Inst[pc]
			var ok bool
			switch inst.Op {
			case syntax.InstRune, syntax.InstRune1:
				ok = inst.MatchRune(r)
			case syntax.InstRuneAny:
				ok = true
			case syntax.InstRuneAnyNotNL:
				ok = r != '\n'
			}
			if ok {
				next = follow(prog, next, inst.Out, seen)
			}
		}
		if threads = next; len(threads) == 0 {
			return false
		}
	}
	return len(threads) > 0
}

// follow adds to threads the instructions that consume a rune or match,
// reached from pc without consuming one. The patterns are matched whole,
// so anchors are passed through.
func follow(prog *syntax.Prog, threads []uint32, pc uint32, seen map[uint32]bool) []uint32 {
	if seen[pc] {
		return threads
	}
	seen[pc] = true
	switch inst := &prog.Inst[pc]; inst.Op {
	case syntax.InstAlt, syntax.InstAltMatch:
		threads = follow(prog, threads, inst.Out, seen)
		return follow(prog, threads, inst.Arg, seen)
	case syntax.InstNop, syntax.InstCapture, syntax.InstEmptyWidth:
		return follow(prog, threads, inst.Out, seen)
	case syntax.InstFail:
		return threads
	}
	return append(threads, pc)
}
