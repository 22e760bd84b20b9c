package main

import (
	"strings"
	"testing"
	"time"
)

// Fuzz targets for the parsers of outside input that live in the CLI: log
// times and durations, blacklist prefixes, and the log masking. "make test"
// replays their seeds; "make fuzz" runs each for FUZZTIME.

func FuzzParseLogTime(f *testing.F) {
	for _, s := range []string{"2026-11-20T09:07:00+01:00", "2026-11-20 09:07", "2026/11/20", "1795165620", "", "2026-13-45", "9999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseLogTime(s, time.UTC)
		if err != nil {
			return
		}
		// What it read, written out, reads back as the same instant.
		again, err := time.Parse(time.RFC3339Nano, got.Format(time.RFC3339Nano))
		if err != nil || !again.Equal(got) {
			t.Fatalf("parseLogTime(%q) = %v, which does not round-trip (%v)", s, got, err)
		}
	})
}

func FuzzParseCallDuration(f *testing.F) {
	for _, s := range []string{"37", "0:37", "1:02:03", "37.5s", "", "-1", "1e400", "NaN", "Inf"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := parseCallDuration(s); err == nil && d < 0 {
			t.Fatalf("parseCallDuration(%q) = %v, a negative duration", s, d)
		}
	})
}

func FuzzParsePrefix(f *testing.F) {
	for _, s := range []string{"+34 803", "0034806", "+44 (0)20", "+39 (0)6", "803", "+", "+(0)", "++34"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parsePrefix(s)
		if err != nil {
			return
		}
		if len(p) < 3 || p[0] != '+' || strings.Trim(p[1:], "0123456789") != "" {
			t.Fatalf("parsePrefix(%q) = %q, not a prefix such as +34803", s, p)
		}
	})
}

func FuzzMaskNumbers(f *testing.F) {
	for _, s := range []string{"+34 612 345 678", "file=callback_34612345699.csv", "sha256=" + strings.Repeat("ab12", 16), "2026-11-20 02:15:00", "(612) 345-6789"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m := maskNumbers(s)
		if len(m) != len(s) {
			t.Fatalf("maskNumbers(%q) = %q: its length changed", s, m)
		}
		for i := 0; i < len(s); i++ {
			if m[i] != s[i] && !(m[i] == '*' && s[i] >= '0' && s[i] <= '9') {
				t.Fatalf("maskNumbers(%q) = %q: byte %d changed into something other than a masked digit", s, m, i)
			}
		}
		if again := maskNumbers(m); again != m {
			t.Fatalf("masking %q twice gives %q, then %q", s, m, again)
		}
	})
}
