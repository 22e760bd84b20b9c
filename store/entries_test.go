package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

var (
	t0 = time.Date(2024, 1, 15, 9, 30, 0, 0, time.UTC)
	t1 = t0.Add(time.Hour)
	t2 = t0.Add(2 * time.Hour)
)

// entries collects the entries q selects.
func entries(t *testing.T, s *Store, q Query) []Entry {
	t.Helper()
	var out []Entry
	if err := s.Entries(context.Background(), q, func(e Entry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatalf("Entries(%+v): %v", q, err)
	}
	return out
}

// keys describes entries as list/e164/channel, in the order given.
func keys(es []Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = fmt.Sprintf("%s/%s/%s", e.List, e.E164, e.Channel)
	}
	return out
}

func mustAdd(t *testing.T, s *Store, at time.Time, es ...Entry) []bool {
	t.Helper()
	added, err := s.Add(context.Background(), es, at, "tester")
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	return added
}

func TestAdd(t *testing.T) {
	const a, b = "+34612345678", "+8613800138000"
	optout := func(n string, c scrub.Channel) Entry { return Entry{List: scrub.ListOptOut, E164: n, Channel: c} }
	tests := []struct {
		name  string
		first []Entry // added before
		add   []Entry
		want  []bool
	}{
		{
			name: "new entries",
			add:  []Entry{optout(a, scrub.ChannelVoice), {List: scrub.ListBlacklist, E164: a}},
			want: []bool{true, true},
		},
		{
			name:  "same number, list and channel is already present",
			first: []Entry{optout(a, scrub.ChannelVoice)},
			add:   []Entry{optout(a, scrub.ChannelVoice)},
			want:  []bool{false},
		},
		{
			name:  "same number on another channel",
			first: []Entry{optout(a, scrub.ChannelVoice)},
			add:   []Entry{optout(a, scrub.ChannelSMS), optout(a, scrub.ChannelAll)},
			want:  []bool{true, true},
		},
		{
			name:  "same number on another list",
			first: []Entry{{List: scrub.ListBlacklist, E164: a}},
			add:   []Entry{{List: scrub.ListWhitelist, E164: a, Tag: "vip"}, {List: scrub.ListBlacklist, E164: a}},
			want:  []bool{true, false},
		},
		{
			name:  "another number",
			first: []Entry{{List: scrub.ListBlacklist, E164: a}},
			add:   []Entry{{List: scrub.ListBlacklist, E164: b}},
			want:  []bool{true},
		},
		{
			name: "duplicate within one batch",
			add:  []Entry{optout(b, scrub.ChannelEmail), optout(b, scrub.ChannelEmail), optout(b, scrub.ChannelWhatsApp)},
			want: []bool{true, false, true},
		},
		{
			name: "empty batch",
			add:  nil,
			want: []bool{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			if tt.first != nil {
				mustAdd(t, s, t0, tt.first...)
			}
			got := mustAdd(t, s, t1, tt.add...)
			if !slices.Equal(got, tt.want) {
				t.Errorf("added = %v, want %v", got, tt.want)
			}
			// Every entry asked for is there exactly once, active.
			all := entries(t, s, Query{IncludeRemoved: true})
			wantKeys := keys(append(slices.Clone(tt.first), tt.add...))
			slices.Sort(wantKeys)
			wantKeys = slices.Compact(wantKeys)
			gotKeys := keys(all)
			slices.Sort(gotKeys)
			if !slices.Equal(gotKeys, wantKeys) {
				t.Errorf("stored %v, want %v", gotKeys, wantKeys)
			}
			// An entry already present keeps its first stamp.
			for _, e := range all {
				for _, f := range tt.first {
					if keys([]Entry{e})[0] == keys([]Entry{f})[0] && !e.AddedAt.Equal(t0) {
						t.Errorf("%s: added_at = %v, want the first add's %v", keys([]Entry{e})[0], e.AddedAt, t0)
					}
				}
			}
		})
	}
}

func TestAddStoresFields(t *testing.T) {
	s := openTest(t)
	// A time with nanoseconds in another zone is kept in UTC, to the second.
	at := time.Date(2024, 6, 30, 23, 59, 58, 987654321, time.FixedZone("CEST", 2*3600))
	in := Entry{List: scrub.ListWhitelist, E164: "+34911234567", Tag: "vip", Reason: "key account", Source: "crm.csv"}
	if _, err := s.Add(context.Background(), []Entry{in}, at, "ana@example.com"); err != nil {
		t.Fatal(err)
	}
	got := entries(t, s, Query{})
	if len(got) != 1 {
		t.Fatalf("entries = %+v", got)
	}
	e := got[0]
	if e.ID == 0 || e.List != in.List || e.E164 != in.E164 || e.Tag != "vip" || e.Reason != "key account" ||
		e.Source != "crm.csv" || e.AddedBy != "ana@example.com" || e.Channel != "" {
		t.Errorf("entry = %+v", e)
	}
	if want := time.Date(2024, 6, 30, 21, 59, 58, 0, time.UTC); !e.AddedAt.Equal(want) || e.AddedAt.Location() != time.UTC {
		t.Errorf("AddedAt = %v, want %v", e.AddedAt, want)
	}
	if !e.Active() || !e.RemovedAt.IsZero() || e.RemovedBy != "" || e.RemovedReason != "" {
		t.Errorf("new entry is not active: %+v", e)
	}
	se := e.Scrub()
	if se.List != e.List || se.E164 != e.E164 || se.Tag != e.Tag || se.Reason != e.Reason || se.Source != e.Source || !se.AddedAt.Equal(e.AddedAt) {
		t.Errorf("Scrub() = %+v", se)
	}
}

func TestAddIsAtomic(t *testing.T) {
	tests := []struct {
		name string
		bad  Entry
	}{
		{"channel refused by the schema", Entry{List: scrub.ListOptOut, E164: "+34600000003", Channel: "fax"}},
		{"list refused by the schema", Entry{List: "greylist", E164: "+34600000003"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			mustAdd(t, s, t0, Entry{List: scrub.ListBlacklist, E164: "+34600000000"})
			batch := []Entry{
				{List: scrub.ListOptOut, E164: "+34600000001", Channel: scrub.ChannelVoice},
				{List: scrub.ListBlacklist, E164: "+34600000002"},
				tt.bad,
				{List: scrub.ListWhitelist, E164: "+34600000004"},
			}
			added, err := s.Add(context.Background(), batch, t1, "tester")
			if err == nil {
				t.Fatal("Add of a batch with a bad entry succeeded")
			}
			if added != nil {
				t.Errorf("added = %v on error, want nil", added)
			}
			if !strings.Contains(err.Error(), tt.bad.E164) {
				t.Errorf("error %q does not name the number", err)
			}
			if got := keys(entries(t, s, Query{IncludeRemoved: true})); !slices.Equal(got, []string{"blacklist/+34600000000/"}) {
				t.Errorf("after a failed batch, stored %v, want only the earlier entry", got)
			}
			// The store is still usable.
			if got := mustAdd(t, s, t2, batch[0]); !got[0] {
				t.Error("entry of the failed batch was present afterwards")
			}
		})
	}
}

func TestAddCanceledContext(t *testing.T) {
	s := openTest(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Add(ctx, []Entry{{List: scrub.ListBlacklist, E164: "+34600000001"}}, t0, "x"); err == nil {
		t.Error("Add with a canceled context succeeded")
	}
	if got := entries(t, s, Query{IncludeRemoved: true}); len(got) != 0 {
		t.Errorf("stored %v", keys(got))
	}
}

func TestRemove(t *testing.T) {
	const a, b, c = "+34612345678", "+34622222222", "+34633333333"
	ctx := context.Background()
	s := openTest(t)
	mustAdd(t, s, t0,
		Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelVoice, Reason: "asked"},
		Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelSMS},
		Entry{List: scrub.ListBlacklist, E164: a},
		Entry{List: scrub.ListOptOut, E164: b, Channel: scrub.ChannelAll},
	)

	// A channel limits the removal to that channel, and to that list.
	removed, err := s.Remove(ctx, scrub.ListOptOut, []string{a}, scrub.ChannelVoice, "wrong number", t1, "luis")
	if err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if !slices.Equal(removed, []int{1}) {
		t.Errorf("removed = %v, want [1]", removed)
	}
	if got, want := keys(entries(t, s, Query{})), []string{
		"optout/+34612345678/sms", "blacklist/+34612345678/", "optout/+34622222222/all",
	}; !slices.Equal(got, want) {
		t.Errorf("active after removing voice = %v, want %v", got, want)
	}

	// History keeps the removed entry with who, when and why.
	var hist []Entry
	for _, e := range entries(t, s, Query{List: scrub.ListOptOut, IncludeRemoved: true}) {
		if e.E164 == a && e.Channel == scrub.ChannelVoice {
			hist = append(hist, e)
		}
	}
	if len(hist) != 1 {
		t.Fatalf("history of %s voice = %+v", a, hist)
	}
	h := hist[0]
	if h.Active() || !h.RemovedAt.Equal(t1) || h.RemovedBy != "luis" || h.RemovedReason != "wrong number" ||
		h.Reason != "asked" || !h.AddedAt.Equal(t0) || h.AddedBy != "tester" {
		t.Errorf("removed entry = %+v", h)
	}

	// Without a channel every channel goes; numbers not on the list count 0;
	// a number already removed is not removed twice.
	removed, err = s.Remove(ctx, scrub.ListOptOut, []string{a, c, b}, "", "", t2, "luis")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []int{1, 0, 1}) {
		t.Errorf("removed = %v, want [1 0 1]", removed)
	}
	if got, want := keys(entries(t, s, Query{})), []string{"blacklist/+34612345678/"}; !slices.Equal(got, want) {
		t.Errorf("active = %v, want %v", got, want)
	}
	if got := entries(t, s, Query{List: scrub.ListOptOut}); len(got) != 0 {
		t.Errorf("active opt-outs = %v", keys(got))
	}

	// A removed number can be added again; its history stays.
	if got := mustAdd(t, s, t2, Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelVoice}); !got[0] {
		t.Error("re-adding a removed number was 'already present'")
	}
	var active, inactive int
	for _, e := range entries(t, s, Query{List: scrub.ListOptOut, IncludeRemoved: true}) {
		if e.E164 == a && e.Channel == scrub.ChannelVoice {
			if e.Active() {
				active++
			} else {
				inactive++
			}
		}
	}
	if active != 1 || inactive != 1 {
		t.Errorf("%s voice: %d active, %d removed; want 1 and 1", a, active, inactive)
	}
	// Removing it again ends only the new entry.
	removed, err = s.Remove(ctx, scrub.ListOptOut, []string{a}, scrub.ChannelVoice, "again", t2.Add(time.Hour), "luis")
	if err != nil || !slices.Equal(removed, []int{1}) {
		t.Errorf("second removal = %v, %v", removed, err)
	}
}

func TestEntriesOrderAndFilter(t *testing.T) {
	s := openTest(t)
	mustAdd(t, s, t2, Entry{List: scrub.ListBlacklist, E164: "+3"})
	mustAdd(t, s, t0, Entry{List: scrub.ListWhitelist, E164: "+1"}, Entry{List: scrub.ListBlacklist, E164: "+2"})
	mustAdd(t, s, t1, Entry{List: scrub.ListOptOut, E164: "+4", Channel: scrub.ChannelEmail})

	if got, want := keys(entries(t, s, Query{})), []string{
		"whitelist/+1/", "blacklist/+2/", "optout/+4/email", "blacklist/+3/",
	}; !slices.Equal(got, want) {
		t.Errorf("oldest first: got %v, want %v", got, want)
	}
	if got, want := keys(entries(t, s, Query{List: scrub.ListBlacklist})), []string{"blacklist/+2/", "blacklist/+3/"}; !slices.Equal(got, want) {
		t.Errorf("blacklist: got %v, want %v", got, want)
	}

	// An error from fn stops the walk and comes back as it is.
	stop := errors.New("stop")
	n := 0
	err := s.Entries(context.Background(), Query{}, func(Entry) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Entries with failing fn: err %v after %d calls", err, n)
	}
}

func TestLoadIndexAndCounts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustAdd(t, s, t0,
		Entry{List: scrub.ListOptOut, E164: "+1", Channel: scrub.ChannelVoice},
		Entry{List: scrub.ListOptOut, E164: "+2", Channel: scrub.ChannelSMS},
		Entry{List: scrub.ListOptOut, E164: "+3", Channel: scrub.ChannelAll},
		Entry{List: scrub.ListBlacklist, E164: "+4", Reason: "fraud"},
		Entry{List: scrub.ListWhitelist, E164: "+5", Tag: "vip"},
		Entry{List: scrub.ListOptOut, E164: "+6", Channel: scrub.ChannelVoice},
		Entry{List: scrub.ListBlacklist, E164: "+7"},
	)
	if _, err := s.Remove(ctx, scrub.ListOptOut, []string{"+6"}, "", "mistake", t1, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(ctx, scrub.ListBlacklist, []string{"+7"}, "", "mistake", t1, "x"); err != nil {
		t.Fatal(err)
	}

	idx, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelVoice})
	if err != nil {
		t.Fatalf("LoadIndex: %v", err)
	}
	if idx.Channel() != scrub.ChannelVoice {
		t.Errorf("index channel = %s", idx.Channel())
	}
	tests := []struct {
		e164                         string
		blacklist, optout, whitelist bool
	}{
		{"+1", false, true, false},  // voice opt-out applies to a voice campaign
		{"+2", false, false, false}, // sms opt-out does not
		{"+3", false, true, false},  // "all" does
		{"+4", true, false, false},
		{"+5", false, false, true},
		{"+6", false, false, false}, // removed
		{"+7", false, false, false}, // removed
		{"+8", false, false, false}, // never listed
	}
	for _, tt := range tests {
		m := idx.Find(tt.e164)
		if (m.Blacklist != nil) != tt.blacklist || (m.OptOut != nil) != tt.optout || (m.Whitelist != nil) != tt.whitelist {
			t.Errorf("Find(%s) = blacklist %v, optout %v, whitelist %v; want %v, %v, %v", tt.e164,
				m.Blacklist != nil, m.OptOut != nil, m.Whitelist != nil, tt.blacklist, tt.optout, tt.whitelist)
		}
	}
	if m := idx.Find("+4"); m.Blacklist == nil || m.Blacklist.Reason != "fraud" || !m.Blacklist.AddedAt.Equal(t0) {
		t.Errorf("blacklist entry = %+v", m.Blacklist)
	}
	if m := idx.Find("+5"); m.Whitelist == nil || m.Whitelist.Tag != "vip" {
		t.Errorf("whitelist entry = %+v", m.Whitelist)
	}
	if idx.Len() != 4 {
		t.Errorf("index Len = %d, want 4", idx.Len())
	}

	// An SMS campaign sees the other opt-outs.
	sms, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelSMS})
	if err != nil {
		t.Fatal(err)
	}
	if sms.Find("+1").OptOut != nil || sms.Find("+2").OptOut == nil || sms.Find("+3").OptOut == nil {
		t.Errorf("sms index: +1 %v, +2 %v, +3 %v", sms.Find("+1").OptOut, sms.Find("+2").OptOut, sms.Find("+3").OptOut)
	}

	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[scrub.List]int{scrub.ListOptOut: 3, scrub.ListBlacklist: 1, scrub.ListWhitelist: 1}
	if !mapsEqual(counts, want) {
		t.Errorf("Counts = %v, want %v", counts, want)
	}
}

func mapsEqual(a, b map[scrub.List]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestCountsEmptyStore(t *testing.T) {
	s := openTest(t)
	counts, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[scrub.List]int{scrub.ListOptOut: 0, scrub.ListBlacklist: 0, scrub.ListWhitelist: 0}
	if !mapsEqual(counts, want) {
		t.Errorf("Counts = %v, want %v", counts, want)
	}
	idx, err := s.LoadIndex(context.Background(), scrub.Scope{Channel: scrub.ChannelEmail})
	if err != nil || idx.Len() != 0 {
		t.Errorf("LoadIndex of an empty store = %v, %v", idx, err)
	}
}

func TestConcurrentWriters(t *testing.T) {
	// Two handles on one file (as two dncctl processes would have), each
	// with several goroutines adding: writers queue, none is refused.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dnc.db")
	var handles [2]*Store
	for i := range handles {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		defer s.Close()
		handles[i] = s
	}
	const writers, adds = 8, 50
	errs := make(chan error, writers*adds)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			s := handles[w%len(handles)]
			for i := range adds {
				n := fmt.Sprintf("+3460%02d%05d", w, i)
				added, err := s.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: n, Channel: scrub.ChannelVoice}}, time.Now(), fmt.Sprint("writer", w))
				if err != nil {
					errs <- err
					return
				}
				if !added[0] {
					errs <- fmt.Errorf("%s: not added", n)
				}
				if i%10 == 0 {
					// Readers run beside the writers.
					if _, err := s.Counts(ctx); err != nil {
						errs <- err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, s := range handles {
		counts, err := s.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[scrub.ListOptOut] != writers*adds {
			t.Errorf("handle %d: %d opt-outs, want %d", i, counts[scrub.ListOptOut], writers*adds)
		}
	}
}

// remove --campaign names the campaign as typed: any case removes it.
func TestRemoveCampaignCase(t *testing.T) {
	const a = "+34612345678"
	ctx := context.Background()
	s := openTest(t)
	mustAdd(t, s, t0,
		Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelAll, Campaign: "Spring"},
		Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelAll, Campaign: "autumn"},
	)
	removed, err := s.RemoveWhere(ctx, scrub.ListOptOut, []string{a}, Scope{Campaign: " spring"}, "asked", t1, "luis")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []int{1}) {
		t.Errorf("removed = %v, want [1]", removed)
	}
	if got := entries(t, s, Query{List: scrub.ListOptOut}); len(got) != 1 || got[0].Campaign != "autumn" {
		t.Errorf("active = %+v, want the autumn entry alone", got)
	}
}
