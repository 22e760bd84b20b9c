package main

import (
	"strings"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

func TestParseExpiry(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 30, 0, 0, time.UTC)
	for in, want := range map[string]string{
		"90d":        "2027-02-20T10:30:00Z",
		"2w":         "2026-12-06T10:30:00Z",
		"2027-06-30": "2027-07-01T00:00:00Z",
	} {
		got, err := parseExpiry(in, now)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("parseExpiry(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"0d", "-3d", "3m", "soon", "2020-01-01"} {
		if got, err := parseExpiry(in, now); err == nil {
			t.Errorf("parseExpiry(%q) = %v, want an error", in, got)
		}
	}
}

func TestParsePrefix(t *testing.T) {
	for in, want := range map[string]string{"+34803": "+34803", "+34 803": "+34803", "0034803": "+34803", "+1 900": "+1900", "+86-10": "+8610"} {
		if got, err := parsePrefix(in); err != nil || got != want {
			t.Errorf("parsePrefix(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"803", "+3", "+999", "+34abc", "+34 612 345 678 901 23"} {
		if got, err := parsePrefix(in); err == nil {
			t.Errorf("parsePrefix(%q) = %q, want an error", in, got)
		}
	}
}

// A "(0)" after the country code is read as Normalize reads it in a number:
// the trunk 0, dropped, except where numbers keep their 0 (Italy: +39 06…).
// A prefix that could mean either is refused rather than guessed.
func TestParsePrefixTrunkZero(t *testing.T) {
	for _, tc := range []struct{ prefix, want, number string }{
		{"+44 (0)20", "+4420", "+44 (0)20 7946 0958"},
		{"+44(0)20", "+4420", "+44(0)20 7946 0958"},
		{"0044 (0) 20", "+4420", "0044 (0) 20 7946 0958"},
		{"+34 (0) 803", "+34803", "+34 (0) 803 123 456"},
		{"+49 (0)30", "+4930", "+49 (0)30 1234567"},
		{"+33 (0)1", "+331", "+33 (0)1 23 45 67 89"},
		{"+39 (0)6", "+3906", "+39 (0)6 1234 5678"},
	} {
		got, err := parsePrefix(tc.prefix)
		if err != nil || got != tc.want {
			t.Errorf("parsePrefix(%q) = %q, %v; want %q", tc.prefix, got, err, tc.want)
			continue
		}
		n, err := scrub.NewNormalizer("")
		if err != nil {
			t.Fatal(err)
		}
		num, err := n.Normalize(tc.number)
		if err != nil || !strings.HasPrefix(num.E164, got) {
			t.Errorf("prefix %s does not cover %q (%s, %v)", got, tc.number, num.E164, err)
		}
	}
	for in, want := range map[string]string{
		"+39 (0)3":     "some +39 numbers start with 3, others with 03",
		"+44 20 (0)7":  `"(0)" is only read right after the country code`,
		"00 (0)34 803": `"(0)" is only read right after the country code`,
	} {
		if got, err := parsePrefix(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parsePrefix(%q) = %q, %v; want an error saying %q", in, got, err, want)
		}
	}
}
