package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

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

// parsePrefix reads a blacklist prefix: "+34 803", "0034803". It must start
// with a country code libphonenumber knows, and be shorter than a number.
func parsePrefix(s string) (string, error) {
	var digits strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && digits.Len() == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')':
		default:
			return "", fmt.Errorf("prefix %q: only digits, after + or 00", s)
		}
	}
	d := digits.String()
	if !strings.HasPrefix(strings.TrimSpace(s), "+") {
		if !strings.HasPrefix(d, "00") {
			return "", fmt.Errorf("prefix %q: write it with its country code, +34803 or 0034803", s)
		}
		d = d[2:]
	}
	if len(d) < 2 || len(d) > 14 {
		return "", fmt.Errorf("prefix %q: want a country code and at least one more digit, and fewer digits than a number", s)
	}
	for n := 1; n <= 3 && n < len(d); n++ {
		cc, _ := strconv.Atoi(d[:n])
		if region := phonenumbers.GetRegionCodeForCountryCode(cc); region != "ZZ" && region != "" {
			return "+" + d, nil
		}
	}
	return "", fmt.Errorf("prefix %q: no country code starts it", s)
}
