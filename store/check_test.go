package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// LoadIndexFor reads only the entries that could match the numbers asked,
// and must answer for them exactly as the whole index does: exact entries,
// blacklist prefixes, hashed entries of both kinds, campaigns, expiry,
// channels, the oldest of several entries.
func TestLoadIndexForMatchesLoadIndex(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	key := hashKey(t, hashKeyText)
	mustAdd(t, s, t0,
		Entry{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelVoice, Reason: "voice"},
		Entry{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelSMS, Reason: "sms only"},
		Entry{List: scrub.ListWhitelist, E164: "+34612345678", Tag: "vip"},
		Entry{List: scrub.ListBlacklist, E164: "+34803", Prefix: true, Reason: "premium range"},
		Entry{List: scrub.ListBlacklist, E164: "+348031", Prefix: true, Reason: "narrower range"},
		Entry{List: scrub.ListOptOut, E164: "+34612000001", Channel: scrub.ChannelAll, Campaign: "Spring"},
		Entry{List: scrub.ListOptOut, E164: "+34612000002", Channel: scrub.ChannelAll, Campaign: "Autumn"},
		Entry{List: scrub.ListOptOut, E164: "+34612000003", Channel: scrub.ChannelAll, ExpiresAt: t0.Add(time.Hour)},
		Entry{List: scrub.ListOptOut, E164: hashedSHA256, Channel: scrub.ChannelAll, Hash: scrub.HashSHA256, Source: "partner-a"},
		Entry{List: scrub.ListBlacklist, E164: hashedHMAC, Hash: scrub.HashHMACSHA256, HashKey: key.Fingerprint(), Source: "partner-b"},
	)
	// A later entry for the same number: the older one must win in both.
	mustAdd(t, s, t0.Add(time.Hour), Entry{List: scrub.ListWhitelist, E164: "+34612000001", Tag: "later"})
	mustAdd(t, s, t0.Add(-time.Hour), Entry{List: scrub.ListWhitelist, E164: "+34612000001", Tag: "earlier", Campaign: "spring"})

	numbers := []string{"+34612345678", "+34803123456", "+34803100000", "+34612000001", "+34612000002",
		"+34612000003", hashedNumber, "+34699999999"}
	for _, scope := range []scrub.Scope{
		{Channel: scrub.ChannelVoice},
		{Channel: scrub.ChannelSMS, Campaign: "spring "},
		{Channel: scrub.ChannelVoice, Now: t0.Add(2 * time.Hour)},
	} {
		whole, err := s.LoadIndex(ctx, scope, key)
		if err != nil {
			t.Fatal(err)
		}
		part, suppressions, err := s.LoadIndexFor(ctx, scope, numbers, key)
		if err != nil {
			t.Fatal(err)
		}
		if suppressions != (whole.Suppressions() > 0) {
			t.Errorf("scope %+v: suppressions = %v, whole index has %d", scope, suppressions, whole.Suppressions())
		}
		for _, n := range numbers {
			if got, want := part.Find(n), whole.Find(n); !reflect.DeepEqual(got, want) {
				t.Errorf("scope %+v: Find(%s) = %s, whole index: %s", scope, n, describeMatch(got), describeMatch(want))
			}
		}
	}
	// Without the HMAC key the load fails, whatever the numbers.
	var missing *scrub.MissingKeyError
	if _, _, err := s.LoadIndexFor(ctx, scrub.Scope{Channel: scrub.ChannelVoice}, []string{"+34699999999"}); !errors.As(err, &missing) {
		t.Errorf("LoadIndexFor without the key: err = %v, want a MissingKeyError", err)
	}
}

func describeMatch(m scrub.Match) string {
	s := ""
	for name, e := range map[string]*scrub.Entry{"blacklist": m.Blacklist, "optout": m.OptOut, "whitelist": m.Whitelist} {
		if e != nil {
			s += name + ": " + e.Describe() + "; "
		}
	}
	return "{" + s + "}"
}

// With only whitelist entries, or only entries of other campaigns or
// channels, nothing could suppress a number.
func TestLoadIndexForSuppressions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustAdd(t, s, t0,
		Entry{List: scrub.ListWhitelist, E164: "+34612345678"},
		Entry{List: scrub.ListOptOut, E164: "+34612345679", Channel: scrub.ChannelSMS},
		Entry{List: scrub.ListOptOut, E164: "+34612345670", Channel: scrub.ChannelAll, Campaign: "other"},
	)
	for scope, want := range map[scrub.Scope]bool{
		{Channel: scrub.ChannelVoice}:                    false,
		{Channel: scrub.ChannelSMS}:                      true,
		{Channel: scrub.ChannelVoice, Campaign: "OTHER"}: true,
	} {
		_, got, err := s.LoadIndexFor(ctx, scope, []string{"+34612345678"})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("scope %+v: suppressions = %v, want %v", scope, got, want)
		}
	}
}

// Without an HMAC key, LoadIndexFor fails exactly when LoadIndex does: when
// an entry made with that key applies to the run, even if the store's
// first entry under the key is another campaign's or has expired.
func TestLoadIndexForMissingKeyLikeLoadIndex(t *testing.T) {
	ctx := context.Background()
	key := hashKey(t, hashKeyText)
	other := hashKey(t, "another-partner-key-0123456789abcdef")
	hasher, err := scrub.NewHasher(scrub.HashHMACSHA256, &key)
	if err != nil {
		t.Fatal(err)
	}
	for name, first := range map[string]Entry{
		"another campaign's first": {Campaign: "brand-b"},
		"an expired one first":     {ExpiresAt: t0.Add(time.Hour)},
	} {
		t.Run(name, func(t *testing.T) {
			s := openTest(t)
			first.List, first.E164, first.Channel = scrub.ListOptOut, hasher.Hash("+34600000000"), scrub.ChannelAll
			first.Hash, first.HashKey = scrub.HashHMACSHA256, key.Fingerprint()
			mustAdd(t, s, t0, first,
				Entry{List: scrub.ListOptOut, E164: hashedHMAC, Channel: scrub.ChannelAll, Hash: scrub.HashHMACSHA256, HashKey: key.Fingerprint()})
			scope := scrub.Scope{Channel: scrub.ChannelVoice, Campaign: "brand-a", Now: t0.Add(2 * time.Hour)}
			var missing *scrub.MissingKeyError
			if _, err := s.LoadIndex(ctx, scope, other); !errors.As(err, &missing) {
				t.Fatalf("LoadIndex without the key: %v, want a MissingKeyError", err)
			}
			if _, _, err := s.LoadIndexFor(ctx, scope, []string{hashedNumber}, other); !errors.As(err, &missing) {
				t.Errorf("LoadIndexFor without the key: %v, want a MissingKeyError", err)
			}
			idx, _, err := s.LoadIndexFor(ctx, scope, []string{hashedNumber}, key)
			if err != nil {
				t.Fatalf("with the key: %v", err)
			}
			if m := idx.Find(hashedNumber); m.OptOut == nil {
				t.Errorf("with the key: Find = %s; want the opt-out", describeMatch(m))
			}
		})
	}
}
