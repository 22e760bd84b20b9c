package scrub

import (
	"strings"
	"testing"
	"time"
)

func TestIndexScopes(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	entries := []Entry{
		{List: ListOptOut, E164: "+34600000001", Channel: ChannelAll, AddedAt: day1},                                   // global
		{List: ListOptOut, E164: "+34600000002", Channel: ChannelAll, Campaign: "spring", AddedAt: day1},               // spring only
		{List: ListOptOut, E164: "+34600000003", Channel: ChannelAll, AddedAt: day1, ExpiresAt: now.Add(-time.Second)}, // expired
		{List: ListOptOut, E164: "+34600000004", Channel: ChannelAll, AddedAt: day1, ExpiresAt: now.Add(time.Hour)},    // not yet
		{List: ListBlacklist, E164: "+34803", Prefix: true, Reason: "premium", AddedAt: day1},                          // a range
		{List: ListBlacklist, E164: "+348031", Prefix: true, Reason: "narrower", AddedAt: day1},                        // a longer one
		{List: ListWhitelist, E164: "+34600000005", Tag: "vip", Campaign: "autumn", AddedAt: day1},                     // autumn only
	}
	for _, tc := range []struct {
		campaign string
		number   string
		want     string // "optout", "blacklist:<reason>", "vip" or ""
	}{
		{"", "+34600000001", "optout"},
		{"spring", "+34600000001", "optout"},
		{"", "+34600000002", ""},
		{"spring", "+34600000002", "optout"},
		{"autumn", "+34600000002", ""},
		{"", "+34600000003", ""},
		{"", "+34600000004", "optout"},
		{"", "+34803223456", "blacklist:premium"},
		{"", "+34803223", "blacklist:premium"},
		{"", "+34803112345", "blacklist:narrower"},
		{"", "+34804123456", ""},
		{"autumn", "+34600000005", "vip"},
		{"", "+34600000005", ""},
	} {
		idx := NewScopedIndex(Scope{Channel: ChannelVoice, Campaign: tc.campaign, Now: now})
		for _, e := range entries {
			if err := idx.Add(e); err != nil {
				t.Fatal(err)
			}
		}
		m := idx.Find(tc.number)
		got := ""
		switch {
		case m.Blacklist != nil:
			got = "blacklist:" + m.Blacklist.Reason
		case m.OptOut != nil:
			got = "optout"
		case m.Whitelist != nil:
			got = m.Whitelist.Tag
		}
		if got != tc.want {
			t.Errorf("campaign %q, %s: %q, want %q", tc.campaign, tc.number, got, tc.want)
		}
	}
	if err := NewIndex(ChannelVoice).Add(Entry{List: ListOptOut, E164: "+34", Prefix: true}); err == nil {
		t.Error("a prefix opt-out was accepted")
	}
}

func TestDescribeScopedEntry(t *testing.T) {
	e := Entry{List: ListBlacklist, E164: "+34803", Prefix: true, Campaign: "spring", Reason: "premium", AddedAt: day1,
		ExpiresAt: time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC)}
	got := e.Describe()
	for _, want := range []string{"blacklist prefix +34803", "for campaign spring", "until 2027-07-01T00:00:00Z", ": premium"} {
		if !strings.Contains(got, want) {
			t.Errorf("Describe() = %q, missing %q", got, want)
		}
	}
}

// Campaign names are typed by hand on each command: an entry added for
// "Spring" applies to a run for "spring".
func TestIndexCampaignCase(t *testing.T) {
	for _, campaign := range []string{"spring", "SPRING", " Spring "} {
		idx := NewScopedIndex(Scope{Channel: ChannelVoice, Campaign: campaign})
		if err := idx.Add(Entry{List: ListOptOut, E164: "+34600000002", Channel: ChannelAll, Campaign: "Spring", AddedAt: day1}); err != nil {
			t.Fatal(err)
		}
		if idx.Find("+34600000002").OptOut == nil {
			t.Errorf("campaign %q: the Spring opt-out does not apply", campaign)
		}
	}
	idx := NewScopedIndex(Scope{Channel: ChannelVoice, Campaign: "spring-2"})
	if err := idx.Add(Entry{List: ListOptOut, E164: "+34600000002", Channel: ChannelAll, Campaign: "Spring", AddedAt: day1}); err != nil {
		t.Fatal(err)
	}
	if idx.Find("+34600000002").OptOut != nil {
		t.Error("campaign spring-2: the Spring opt-out applies")
	}
}
