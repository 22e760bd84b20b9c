package scrub

import (
	"fmt"
	"time"
)

// Entry is one active list entry, as the engine needs it to explain a decision.
type Entry struct {
	List    List
	E164    string
	Channel Channel // opt-outs only: the channel opted out of, or ChannelAll
	Tag     string  // whitelist only: the priority tag
	Reason  string
	Source  string
	AddedAt time.Time
}

// Describe is the entry as written in a rejection's detail: which list, when
// the entry was added, and why.
func (e Entry) Describe() string {
	s := string(e.List)
	if e.List == ListOptOut {
		s += " (" + string(e.Channel) + ")"
	}
	s += " since " + e.AddedAt.UTC().Format(time.RFC3339)
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Source != "" {
		s += " [source " + e.Source + "]"
	}
	return s
}

// Index holds the list entries that apply to one run, loaded once before the
// first row, so that deciding a row never waits on the store.
type Index struct {
	channel   Channel
	blacklist map[string]Entry
	optout    map[string]Entry
	whitelist map[string]Entry
}

// NewIndex returns an empty index for a campaign on channel.
func NewIndex(channel Channel) *Index {
	return &Index{
		channel:   channel,
		blacklist: map[string]Entry{},
		optout:    map[string]Entry{},
		whitelist: map[string]Entry{},
	}
}

// Channel is the campaign channel the index was built for.
func (x *Index) Channel() Channel { return x.channel }

// Add records an active entry. Opt-outs for other channels than the index's
// are ignored: a number that opted out of SMS may still be called.
func (x *Index) Add(e Entry) error {
	switch e.List {
	case ListBlacklist:
		keepOldest(x.blacklist, e)
	case ListOptOut:
		// An opt-out that does not say its channel is read as all channels:
		// when in doubt, do not call.
		if e.Channel == "" || e.Channel == ChannelAll || e.Channel == x.channel {
			keepOldest(x.optout, e)
		}
	case ListWhitelist:
		keepOldest(x.whitelist, e)
	default:
		return fmt.Errorf("entry for %s on unknown list %q", e.E164, e.List)
	}
	return nil
}

// keepOldest keeps the first entry on record: it is when the company first knew.
func keepOldest(m map[string]Entry, e Entry) {
	if old, ok := m[e.E164]; ok && !e.AddedAt.Before(old.AddedAt) {
		return
	}
	m[e.E164] = e
}

// Len is the number of entries that apply to the run.
func (x *Index) Len() int { return len(x.blacklist) + len(x.optout) + len(x.whitelist) }

// Suppressions is the number of entries that can stop a number being
// called in this run: blacklist entries and opt-outs for its channel.
func (x *Index) Suppressions() int { return len(x.blacklist) + len(x.optout) }

// Match is what the index knows of one number.
type Match struct {
	Blacklist, OptOut, Whitelist *Entry
}

// Find looks e164 up on every list.
func (x *Index) Find(e164 string) Match {
	var m Match
	if e, ok := x.blacklist[e164]; ok {
		m.Blacklist = &e
	}
	if e, ok := x.optout[e164]; ok {
		m.OptOut = &e
	}
	if e, ok := x.whitelist[e164]; ok {
		m.Whitelist = &e
	}
	return m
}
