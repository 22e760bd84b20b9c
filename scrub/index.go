package scrub

import (
	"fmt"
	"slices"
	"strings"
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
	// Campaign is the one campaign the entry applies to; "" for all of them.
	Campaign string
	// ExpiresAt is when the entry stops applying; zero for never.
	ExpiresAt time.Time
	// Prefix marks a blacklist entry whose E164 is a prefix: it covers every
	// number that starts with it (+34803: a premium-rate range).
	Prefix bool
	// Hash, if not "", marks an entry from a partner's hashed list: E164
	// holds the hash of a number in hex, never the number.
	Hash HashKind
	// HashKey is the fingerprint of the key an HMAC-SHA-256 hash was made with.
	HashKey string
}

// Describe is the entry as written in a rejection's detail: which list, when
// the entry was added, and why.
func (e Entry) Describe() string {
	s := string(e.List)
	if e.Prefix {
		s += " prefix " + e.E164
	}
	if e.List == ListOptOut {
		s += " (" + string(e.Channel) + ")"
	}
	if e.Hash != "" {
		s += " via " + string(e.Hash) + " hash"
	}
	if e.Campaign != "" {
		s += " for campaign " + e.Campaign
	}
	s += " since " + e.AddedAt.UTC().Format(time.RFC3339)
	if !e.ExpiresAt.IsZero() {
		s += " until " + e.ExpiresAt.UTC().Format(time.RFC3339)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Source != "" {
		s += " [source " + e.Source + "]"
	}
	return s
}

// Scope is what a run applies the lists for.
type Scope struct {
	Channel  Channel
	Campaign string    // entries for another campaign do not apply; "" for none
	Now      time.Time // entries that expired by then do not apply; zero: none expired
}

// Applies reports whether e is for the scope's campaign (or every
// campaign) and has not expired by its time. The channel is not looked at:
// the index reads an opt-out's channel itself.
func (s Scope) Applies(e Entry) bool {
	// Campaign names are typed by hand on each command: "Spring" on the
	// entry and "spring" on the run are one campaign.
	if c := strings.TrimSpace(e.Campaign); c != "" && !strings.EqualFold(c, strings.TrimSpace(s.Campaign)) {
		return false // another campaign's entry
	}
	// An expired entry not yet purged.
	return e.ExpiresAt.IsZero() || s.Now.IsZero() || s.Now.Before(e.ExpiresAt)
}

// Index holds the list entries that apply to one run, loaded once before the
// first row, so that deciding a row never waits on the store.
type Index struct {
	scope     Scope
	blacklist numberSet
	prefixes  map[string]Entry // blacklist prefixes
	maxPrefix int              // the longest prefix, in bytes
	optout    numberSet
	whitelist numberSet
	entries   slimEntries
	hashed    hashedLists        // entries from partners' hashed lists
	pending   map[string]Pending // numbers in the review queue
	// pendingHasher, if set, is what the review queue's numbers are hashed
	// with: a protected store keeps them so.
	pendingHasher *Hasher
	// allowPending lets the numbers in the review queue through.
	allowPending bool
}

// NewIndex returns an empty index for a campaign on channel.
func NewIndex(channel Channel) *Index { return NewScopedIndex(Scope{Channel: channel}) }

// NewScopedIndex returns an empty index for a run in scope.
func NewScopedIndex(scope Scope) *Index {
	return &Index{
		scope:    scope,
		prefixes: map[string]Entry{},
	}
}

// Reserve makes room for n entries, as a load that knows how many it will
// add can say: growing to a million entries step by step cost a scrub
// about a second.
func (x *Index) Reserve(n int) {
	x.entries.rows = slices.Grow(x.entries.rows, n)
	// Opt-outs are most of a store; the other lists grow as they go.
	x.optout.byKey.reserve(n)
}

// Reset removes every entry Add recorded, and keeps the scope, the keys
// and the review queue: for a load that must start its entries again.
func (x *Index) Reset() {
	x.blacklist, x.optout, x.whitelist = numberSet{}, numberSet{}, numberSet{}
	x.prefixes, x.maxPrefix = map[string]Entry{}, 0
	x.entries = slimEntries{}
	x.hashed.sets = nil
}

// Channel is the campaign channel the index was built for.
func (x *Index) Channel() Channel { return x.scope.Channel }

// Add records an active entry. Opt-outs for other channels than the index's
// are ignored: a number that opted out of SMS may still be called.
func (x *Index) Add(e Entry) error {
	if !x.scope.Applies(e) {
		return nil
	}
	if e.Hash != "" {
		return x.hashed.add(&x.entries, e, x.scope.Channel)
	}
	switch {
	case e.Prefix && e.List != ListBlacklist:
		return fmt.Errorf("prefix entry %s on the %s list: only the blacklist has prefixes", e.E164, e.List)
	case e.Prefix:
		keepOldest(x.prefixes, e)
		x.maxPrefix = max(x.maxPrefix, len(e.E164))
		return nil
	}
	switch e.List {
	case ListBlacklist:
		x.blacklist.keepOldest(&x.entries, e)
	case ListOptOut:
		// An opt-out that does not say its channel is read as all channels:
		// when in doubt, do not call.
		if e.Channel == "" || e.Channel == ChannelAll || e.Channel == x.scope.Channel {
			x.optout.keepOldest(&x.entries, e)
		}
	case ListWhitelist:
		x.whitelist.keepOldest(&x.entries, e)
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
func (x *Index) Len() int {
	return x.blacklist.len() + len(x.prefixes) + x.optout.len() + x.whitelist.len() + x.hashed.len()
}

// Suppressions is the number of entries that can stop a number being
// called in this run: blacklist entries and opt-outs for its channel.
func (x *Index) Suppressions() int {
	return x.blacklist.len() + len(x.prefixes) + x.optout.len() + x.hashed.suppressions()
}

// Match is what the index knows of one number.
type Match struct {
	Blacklist, OptOut, Whitelist *Entry
}

// Find looks e164 up on every list.
func (x *Index) Find(e164 string) Match {
	var m Match
	key, keyed := NumberKey(e164)
	if i, ok := x.blacklist.lookup(e164, key, keyed); ok {
		m.Blacklist = x.entries.found(i, e164)
	} else if len(x.prefixes) > 0 {
		// The longest prefix that covers the number: the most specific entry.
		for n := min(len(e164), x.maxPrefix); n >= 2; n-- {
			if e, ok := x.prefixes[e164[:n]]; ok {
				m.Blacklist = &e
				break
			}
		}
	}
	if i, ok := x.optout.lookup(e164, key, keyed); ok {
		m.OptOut = x.entries.found(i, e164)
	}
	if i, ok := x.whitelist.lookup(e164, key, keyed); ok {
		m.Whitelist = x.entries.found(i, e164)
	}
	x.hashed.find(&x.entries, e164, &m)
	return m
}
