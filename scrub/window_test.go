package scrub

import (
	"testing"
	"time"
)

func TestCallWindow(t *testing.T) {
	at := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	h, err := ParseHours("09:00-21:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		zones []string
		want  string
	}{
		// Under way in Madrid.
		{[]string{"Europe/Madrid"}, "2026-11-23T08:00:00Z/2026-11-23T20:00:00Z"},
		// Over in Shanghai (03:00 there): the next one.
		{[]string{"Asia/Shanghai"}, "2026-11-24T01:00:00Z/2026-11-24T13:00:00Z"},
		// A US number that may be in any of four zones: legal in all of them.
		{[]string{"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"}, "2026-11-23T17:00:00Z/2026-11-24T02:00:00Z"},
		// Zones a day apart: the next hours legal in both.
		{[]string{"Europe/Madrid", "Asia/Shanghai"}, "2026-11-24T08:00:00Z/2026-11-24T13:00:00Z"},
		{[]string{"Not/AZone"}, "none"},
		{nil, "none"},
	} {
		w := CallWindow(h, tc.zones, at)
		if got := w.String(); got != tc.want {
			t.Errorf("CallWindow(%v) = %s, want %s", tc.zones, got, tc.want)
		}
	}
	w := CallWindow(h, []string{"Europe/Madrid"}, at)
	if !w.Contains(at) || w.Contains(at.Add(2*time.Hour)) {
		t.Errorf("Madrid window %s: contains 19:00Z %v, 21:00Z %v", w, w.Contains(at), w.Contains(at.Add(2*time.Hour)))
	}
	for _, bad := range []string{"9-21", "21:00-09:00", "09:00", "25:00-26:00"} {
		if _, err := ParseHours(bad); err == nil {
			t.Errorf("ParseHours(%q) accepted", bad)
		}
	}
}

// On the days the clocks change, the window is the local hours of that
// day, not local midnight plus the hours' minutes (an hour off).
func TestCallWindowDST(t *testing.T) {
	h, err := ParseHours("09:00-21:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		zone string
		at   string
		want string
	}{
		// Madrid falls back on 2026-10-25 (CEST to CET): 09:00-21:00 is 08:00Z-20:00Z.
		{"Europe/Madrid", "2026-10-25T07:30:00Z", "2026-10-25T08:00:00Z/2026-10-25T20:00:00Z"},
		// Madrid springs forward on 2026-03-29 (CET to CEST): 07:00Z-19:00Z.
		{"Europe/Madrid", "2026-03-29T19:30:00Z", "2026-03-30T07:00:00Z/2026-03-30T19:00:00Z"},
		{"Europe/Madrid", "2026-03-29T12:00:00Z", "2026-03-29T07:00:00Z/2026-03-29T19:00:00Z"},
		// New York springs forward on 2026-03-08 (EST to EDT): 13:00Z-01:00Z.
		{"America/New_York", "2026-03-08T13:30:00Z", "2026-03-08T13:00:00Z/2026-03-09T01:00:00Z"},
		// and falls back on 2026-11-01 (EDT to EST): 14:00Z-02:00Z.
		{"America/New_York", "2026-11-01T13:30:00Z", "2026-11-01T14:00:00Z/2026-11-02T02:00:00Z"},
		{"America/New_York", "2026-11-02T01:30:00Z", "2026-11-01T14:00:00Z/2026-11-02T02:00:00Z"},
	} {
		at, err := time.Parse(time.RFC3339, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		if got := CallWindow(h, []string{tc.zone}, at).String(); got != tc.want {
			t.Errorf("%s at %s: window %s, want %s", tc.zone, tc.at, got, tc.want)
		}
	}
}
