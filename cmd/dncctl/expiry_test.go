package main

import (
	"testing"
	"time"
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
