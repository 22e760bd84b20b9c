package scrub

import (
	"strings"
	"testing"
)

func TestDeciderDuplicates(t *testing.T) {
	d := NewDecider(mustNormalizer(t, "ES"), NewIndex(ChannelVoice))
	first := d.Decide("612 345 678", "a.csv", 2)
	if !first.Clean() || first.Number.E164 != "+34612345678" {
		t.Fatalf("first sighting = %+v, want clean +34612345678", first)
	}
	for i, raw := range []string{"612 345 678", "+34 612 345 678", "0034612345678", "(0034) 612-345-678", "６１２３４５６７８"} {
		got := d.Decide(raw, "b.csv", 9)
		if got.Reason != ReasonDuplicate {
			t.Fatalf("sighting %d (%q) = %v, want DUPLICATE", i+2, raw, got)
		}
		if got.Detail != "same number as a.csv row 2" {
			t.Errorf("duplicate detail = %q, want it to name the first sighting", got.Detail)
		}
		if got.Number.E164 != "+34612345678" {
			t.Errorf("duplicate Number = %+v, want the number", got.Number)
		}
	}
	// Another number is not a duplicate of the first.
	if got := d.Decide("612 345 679", "a.csv", 3); !got.Clean() {
		t.Errorf("another number = %v, want clean", got)
	}
}

// A suppressed number is rejected for its suppression every time: it is never
// written clean, so it is never a DUPLICATE either.
func TestDeciderSuppressedNeverDuplicate(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx,
		Entry{List: ListBlacklist, E164: "+34611000001", Reason: "fraud", AddedAt: day1},
		Entry{List: ListOptOut, E164: "+34611000002", Channel: ChannelAll, AddedAt: day1},
	)
	d := NewDecider(mustNormalizer(t, "ES"), idx)
	for i := range 3 {
		for raw, want := range map[string]Reason{
			"611 000 001": ReasonBlacklisted,
			"611 000 002": ReasonOptedOut,
			"":            ReasonNoPhone,
			"abc":         ReasonInvalidNumber,
		} {
			got := d.Decide(raw, "a.csv", 2)
			if got.Reason != want {
				t.Errorf("sighting %d of %q = %v, want %s", i+1, raw, got, want)
			}
		}
	}
}

func TestDecisionString(t *testing.T) {
	tests := []struct {
		d    Decision
		want string
	}{
		{Decision{}, "callable"},
		{Decision{Priority: "vip", Detail: "whitelisted (vip)"}, "callable"},
		{Decision{Reason: ReasonDuplicate, Detail: "same number as a.csv row 2"}, "DUPLICATE same number as a.csv row 2"},
		{Decision{Reason: ReasonNoPhone}, "NO_PHONE"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestReasonsListsEveryReason(t *testing.T) {
	want := []Reason{ReasonNoPhone, ReasonInvalidNumber, ReasonPrecisionLost, ReasonMalformedRow, ReasonCheckFailed,
		ReasonBlacklisted, ReasonOptedOut, ReasonPendingReview, ReasonRegistry, ReasonBlockedSource, ReasonRegionNotAllowed, ReasonBlockedPrefix, ReasonTypeNotAllowed, ReasonKeyword,
		ReasonOutsideHours, ReasonRegionMismatch, ReasonNotWhitelisted, ReasonDuplicate}
	if strings.Join(reasonStrings(Reasons), ",") != strings.Join(reasonStrings(want), ",") {
		t.Errorf("Reasons = %v, want %v", Reasons, want)
	}
	s := NewSummary()
	for _, r := range want {
		if n, ok := s.Reasons[r]; !ok || n != 0 {
			t.Errorf("NewSummary().Reasons[%s] = %d, %v; want 0, present", r, n, ok)
		}
	}
}

func reasonStrings(rs []Reason) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}
