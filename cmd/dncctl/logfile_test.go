package main

import (
	"testing"
	"time"
)

func TestParseLogTime(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"2026-11-20T09:07:00+01:00": "2026-11-20T08:07:00Z",
		"2026-11-20T09:07:00Z":      "2026-11-20T09:07:00Z",
		"2026-11-20 09:07:00":       "2026-11-20T08:07:00Z", // no zone: Madrid's
		"2026-11-20 09:07":          "2026-11-20T08:07:00Z",
		"2026/11/20 09:07:00":       "2026-11-20T08:07:00Z",
		"2026-07-20 09:07:00":       "2026-07-20T07:07:00Z", // summer time
		"2026-11-20":                "2026-11-19T23:00:00Z",
		"1795165620":                "2026-11-20T09:07:00Z", // Unix seconds
	} {
		got, err := parseLogTime(in, madrid)
		if err != nil || got.UTC().Format(time.RFC3339) != want {
			t.Errorf("parseLogTime(%q) = %v, %v; want %s", in, got.UTC(), err, want)
		}
	}
	for _, in := range []string{"", "yesterday", "20/11/2026", "2026-13-01", "12"} {
		if got, err := parseLogTime(in, time.UTC); err == nil {
			t.Errorf("parseLogTime(%q) = %v, want an error", in, got)
		}
	}
}

func TestParseCallDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"37": 37 * time.Second, "37s": 37 * time.Second, "2.5": 2500 * time.Millisecond, " 0 ": 0,
		"0:37": 37 * time.Second, "1:02": 62 * time.Second, "00:01:02": 62 * time.Second,
	} {
		if got, err := parseCallDuration(in); err != nil || got != want {
			t.Errorf("parseCallDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-3", "abc", "1:2:3:4", "1:x", "37m"} {
		if got, err := parseCallDuration(in); err == nil {
			t.Errorf("parseCallDuration(%q) = %v, want an error", in, got)
		}
	}
}
