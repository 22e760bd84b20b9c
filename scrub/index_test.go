package scrub

import (
	"strings"
	"testing"
	"time"
)

var (
	day1 = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	day2 = time.Date(2024, 6, 15, 8, 30, 0, 0, time.UTC)
	day3 = time.Date(2025, 1, 2, 23, 59, 59, 0, time.UTC)
)

func mustAdd(t *testing.T, idx *Index, entries ...Entry) {
	t.Helper()
	for _, e := range entries {
		if err := idx.Add(e); err != nil {
			t.Fatalf("Add(%+v): %v", e, err)
		}
	}
}

func TestCheckPrecedence(t *testing.T) {
	const (
		black      = "+34611000001"
		opted      = "+34611000002"
		white      = "+34611000003"
		blackOpted = "+34611000004"
		optedWhite = "+34611000005"
		blackWhite = "+34611000006"
		whiteNoTag = "+34611000007"
		nowhere    = "+34611000008"
	)
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx,
		Entry{List: ListBlacklist, E164: black, Reason: "fraud", AddedAt: day1},
		Entry{List: ListOptOut, E164: opted, Channel: ChannelVoice, Reason: "asked on call", AddedAt: day1},
		Entry{List: ListWhitelist, E164: white, Tag: "vip", AddedAt: day1},
		Entry{List: ListBlacklist, E164: blackOpted, Reason: "abusive", AddedAt: day1},
		Entry{List: ListOptOut, E164: blackOpted, Channel: ChannelAll, Reason: "GDPR request", AddedAt: day2},
		Entry{List: ListOptOut, E164: optedWhite, Channel: ChannelVoice, Reason: "asked on call", AddedAt: day2},
		Entry{List: ListWhitelist, E164: optedWhite, Tag: "gold", AddedAt: day1},
		Entry{List: ListBlacklist, E164: blackWhite, Reason: "fraud", AddedAt: day1},
		Entry{List: ListWhitelist, E164: blackWhite, AddedAt: day1},
		Entry{List: ListWhitelist, E164: whiteNoTag, AddedAt: day1},
	)
	norm := mustNormalizer(t, "ES")
	tests := []struct {
		raw      string
		reason   Reason
		priority string
		detail   []string // substrings the detail must contain
		notIn    []string // substrings it must not
	}{
		{"611 000 001", ReasonBlacklisted, "", []string{"blacklist since 2024-03-01T10:00:00Z: fraud"}, []string{"optout", "whitelist"}},
		{"611 000 002", ReasonOptedOut, "", []string{"optout (voice) since 2024-03-01T10:00:00Z: asked on call"}, []string{"blacklist", "whitelist"}},
		{"611 000 003", "", "vip", []string{"whitelisted (vip)"}, nil},
		{"611 000 004", ReasonBlacklisted, "", []string{"blacklist since 2024-03-01T10:00:00Z: abusive", "; also on optout (all) since 2024-06-15T08:30:00Z: GDPR request"}, nil},
		{"611 000 005", ReasonOptedOut, "", []string{"optout (voice) since 2024-06-15T08:30:00Z", "overrides whitelist entry (gold)"}, nil},
		{"611 000 006", ReasonBlacklisted, "", []string{"blacklist since", "overrides whitelist entry"}, []string{"()"}},
		{"611 000 007", "", "", []string{"whitelisted"}, []string{"("}},
		{"611 000 008", "", "", nil, nil},
		{"", ReasonNoPhone, "", []string{"phone cell is empty"}, nil},
		{"abc", ReasonInvalidNumber, "", []string{"not a phone number"}, nil},
		{"412 345 678", ReasonInvalidNumber, "", []string{"not a valid number in ES (+34)"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			d := Check(norm, idx, tt.raw)
			if d.Reason != tt.reason {
				t.Fatalf("Check(%q).Reason = %q (%s), want %q", tt.raw, d.Reason, d.Detail, tt.reason)
			}
			if d.Clean() != (tt.reason == "") {
				t.Errorf("Check(%q).Clean() = %v with reason %q", tt.raw, d.Clean(), d.Reason)
			}
			if d.Priority != tt.priority {
				t.Errorf("Check(%q).Priority = %q, want %q", tt.raw, d.Priority, tt.priority)
			}
			if tt.reason == "" && tt.detail == nil && d.Detail != "" {
				t.Errorf("Check(%q).Detail = %q, want none", tt.raw, d.Detail)
			}
			for _, s := range tt.detail {
				if !strings.Contains(d.Detail, s) {
					t.Errorf("Check(%q).Detail = %q, want it to contain %q", tt.raw, d.Detail, s)
				}
			}
			for _, s := range tt.notIn {
				if strings.Contains(d.Detail, s) {
					t.Errorf("Check(%q).Detail = %q, want it not to contain %q", tt.raw, d.Detail, s)
				}
			}
			switch tt.reason {
			case ReasonNoPhone, ReasonInvalidNumber:
				if d.Number.E164 != "" {
					t.Errorf("Check(%q).Number = %+v, want the zero Number", tt.raw, d.Number)
				}
			default:
				if want, _ := norm.Normalize(tt.raw); !sameNumber(d.Number, want) {
					t.Errorf("Check(%q).Number = %+v, want %+v", tt.raw, d.Number, want)
				}
			}
		})
	}
}

// An entry is keyed by E.164, so any notation of the number finds it.
func TestCheckAnyNotation(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx, Entry{List: ListBlacklist, E164: "+8613800138000", AddedAt: day1})
	norm := mustNormalizer(t, "CN")
	for _, raw := range []string{"138 0013 8000", "+86 138 0013 8000", "0086 13800138000", "１３８００１３８０００"} {
		if d := Check(norm, idx, raw); d.Reason != ReasonBlacklisted {
			t.Errorf("Check(%q) = %v, want BLACKLISTED", raw, d)
		}
	}
}

func TestIndexOptOutChannels(t *testing.T) {
	const (
		all      = "+34611000001"
		voice    = "+34611000002"
		sms      = "+34611000003"
		whatsapp = "+34611000004"
	)
	entries := []Entry{
		{List: ListOptOut, E164: all, Channel: ChannelAll, AddedAt: day1},
		{List: ListOptOut, E164: voice, Channel: ChannelVoice, AddedAt: day1},
		{List: ListOptOut, E164: sms, Channel: ChannelSMS, AddedAt: day1},
		{List: ListOptOut, E164: whatsapp, Channel: ChannelWhatsApp, AddedAt: day1},
	}
	tests := []struct {
		channel Channel
		applies map[string]bool
	}{
		{ChannelVoice, map[string]bool{all: true, voice: true}},
		{ChannelSMS, map[string]bool{all: true, sms: true}},
		{ChannelWhatsApp, map[string]bool{all: true, whatsapp: true}},
		{ChannelEmail, map[string]bool{all: true}},
	}
	for _, tt := range tests {
		t.Run(string(tt.channel), func(t *testing.T) {
			idx := NewIndex(tt.channel)
			mustAdd(t, idx, entries...)
			if idx.Channel() != tt.channel {
				t.Errorf("Channel() = %q, want %q", idx.Channel(), tt.channel)
			}
			if idx.Len() != len(tt.applies) {
				t.Errorf("Len() = %d, want %d", idx.Len(), len(tt.applies))
			}
			for _, e := range entries {
				m := idx.Find(e.E164)
				if got := m.OptOut != nil; got != tt.applies[e.E164] {
					t.Errorf("opt-out of %s on a %s campaign: applies = %v, want %v", e.Channel, tt.channel, got, tt.applies[e.E164])
				}
				if m.Blacklist != nil || m.Whitelist != nil {
					t.Errorf("Find(%s) = %+v: an opt-out showed up on another list", e.E164, m)
				}
			}
		})
	}
}

func TestIndexAddUnknownList(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	err := idx.Add(Entry{List: "greylist", E164: "+34611000001"})
	if err == nil || !strings.Contains(err.Error(), `"greylist"`) || !strings.Contains(err.Error(), "+34611000001") {
		t.Errorf("Add on an unknown list: err = %v, want one naming the list and the number", err)
	}
	if idx.Len() != 0 {
		t.Errorf("Len() = %d after a refused entry, want 0", idx.Len())
	}
}

func TestIndexKeepsOldest(t *testing.T) {
	const num = "+34611000001"
	for _, order := range [][]time.Time{{day1, day2, day3}, {day3, day2, day1}, {day2, day1, day3}, {day2, day3, day1}} {
		idx := NewIndex(ChannelVoice)
		for _, at := range order {
			mustAdd(t, idx,
				Entry{List: ListBlacklist, E164: num, Reason: at.String(), AddedAt: at},
				Entry{List: ListOptOut, E164: num, Channel: ChannelVoice, Reason: at.String(), AddedAt: at},
				Entry{List: ListWhitelist, E164: num, Tag: at.String(), AddedAt: at},
			)
		}
		m := idx.Find(num)
		for name, e := range map[string]*Entry{"blacklist": m.Blacklist, "optout": m.OptOut, "whitelist": m.Whitelist} {
			if e == nil {
				t.Errorf("added in order %v: no %s entry", order, name)
				continue
			}
			if !e.AddedAt.Equal(day1) {
				t.Errorf("added in order %v: %s entry added at %v, want the oldest, %v", order, name, e.AddedAt, day1)
			}
		}
		if idx.Len() != 3 {
			t.Errorf("Len() = %d, want 3 (one per list)", idx.Len())
		}
	}
	// On a tie the entry already on record stays.
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx,
		Entry{List: ListBlacklist, E164: num, Reason: "first", AddedAt: day1},
		Entry{List: ListBlacklist, E164: num, Reason: "second", AddedAt: day1},
	)
	if got := idx.Find(num).Blacklist.Reason; got != "first" {
		t.Errorf("two entries added at the same time: kept %q, want the first", got)
	}
}

// Find returns copies: changing them does not change the index.
func TestIndexFindCopies(t *testing.T) {
	idx := NewIndex(ChannelVoice)
	mustAdd(t, idx, Entry{List: ListBlacklist, E164: "+34611000001", Reason: "fraud", AddedAt: day1})
	idx.Find("+34611000001").Blacklist.Reason = "changed"
	if got := idx.Find("+34611000001").Blacklist.Reason; got != "fraud" {
		t.Errorf("Reason = %q after changing a found entry, want fraud", got)
	}
	if m := idx.Find("+34611000002"); m.Blacklist != nil || m.OptOut != nil || m.Whitelist != nil {
		t.Errorf("Find of a number on no list = %+v, want no entries", m)
	}
}

func TestEntryDescribe(t *testing.T) {
	madrid := time.FixedZone("CET", 3600)
	tests := []struct {
		e    Entry
		want string
	}{
		{
			Entry{List: ListOptOut, Channel: ChannelSMS, Reason: "replied STOP", Source: "sms-gateway", AddedAt: time.Date(2024, 3, 1, 11, 0, 0, 0, madrid)},
			"optout (sms) since 2024-03-01T10:00:00Z: replied STOP [source sms-gateway]",
		},
		{
			Entry{List: ListBlacklist, Reason: "fraud", AddedAt: day2},
			"blacklist since 2024-06-15T08:30:00Z: fraud",
		},
		{
			Entry{List: ListBlacklist, Source: "legal.csv", AddedAt: day3},
			"blacklist since 2025-01-02T23:59:59Z [source legal.csv]",
		},
		{
			Entry{List: ListWhitelist, Tag: "vip", AddedAt: day1},
			"whitelist since 2024-03-01T10:00:00Z",
		},
	}
	for _, tt := range tests {
		if got := tt.e.Describe(); got != tt.want {
			t.Errorf("Describe() = %q, want %q", got, tt.want)
		}
	}
}
