package scrub

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync"
)

// HashKind is how a shared list hides its numbers: the hash of each
// number's E.164 string ("+34612345678", with its plus sign), in lower-case
// hex. "" is a plain number.
type HashKind string

// The hash kinds.
const (
	// HashSHA256 is SHA-256 with no key. It hides nothing from anyone who
	// wants the numbers back: every number of a country can be hashed in
	// minutes. It only saves a partner from reading them by accident.
	HashSHA256 HashKind = "sha256"
	// HashHMACSHA256 is HMAC-SHA-256 under a key the two companies share out
	// of band: without the key, the hashes cannot be reversed by trying
	// every number.
	HashHMACSHA256 HashKind = "hmac-sha256"
)

// HashKinds lists the kinds, as flags accept them.
var HashKinds = []HashKind{HashSHA256, HashHMACSHA256}

// ParseHashKind accepts a hash kind as typed on the command line.
func ParseHashKind(s string) (HashKind, error) {
	k := HashKind(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range HashKinds {
		if k == known {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown hash %q (want sha256 or hmac-sha256)", s)
}

// Keyed reports whether hashes of this kind need a key.
func (k HashKind) Keyed() bool { return k == HashHMACSHA256 }

// Column is the name of the column a hashed export writes its hashes in.
func (k HashKind) Column() string {
	if k == HashHMACSHA256 {
		return "hmac_sha256"
	}
	return "hash_sha256"
}

// MinKeyLength is the shortest HMAC key accepted, in bytes: a short key can
// be guessed together with the numbers, and then the hashes hide nothing.
const MinKeyLength = 16

// ErrShortKey is returned for an HMAC key shorter than MinKeyLength.
var ErrShortKey = fmt.Errorf("an HMAC key must be at least %d bytes long", MinKeyLength)

// HashKey is an HMAC key for hashed lists, with its fingerprint.
type HashKey struct {
	key         []byte
	fingerprint string
}

// NewHashKey makes an HMAC key of the bytes given.
func NewHashKey(key []byte) (HashKey, error) {
	if len(key) < MinKeyLength {
		return HashKey{}, fmt.Errorf("%w (this one has %d)", ErrShortKey, len(key))
	}
	return HashKey{key: append([]byte(nil), key...), fingerprint: KeyFingerprint(key)}, nil
}

// Fingerprint names the key without giving it away (see KeyFingerprint).
func (k HashKey) Fingerprint() string { return k.fingerprint }

// KeyFingerprint is the first 16 hex digits of the key's SHA-256: recorded
// with what was hashed under the key, so that a scrub given another key is
// refused instead of silently matching nothing.
func KeyFingerprint(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:8])
}

// Hasher hashes numbers one way: SHA-256, or HMAC-SHA-256 under one key.
// It is safe for concurrent use.
type Hasher struct {
	kind HashKind
	key  HashKey
	// macs are HMACs under key, reset between numbers: a new one for each
	// number cost a keyed scrub of a million leads about a second.
	macs *sync.Pool
}

// NewHasher returns the hasher of kind; key is needed for HMAC-SHA-256 and
// refused for SHA-256 (a key there would be silently ignored).
func NewHasher(kind HashKind, key *HashKey) (*Hasher, error) {
	switch {
	case kind == HashSHA256 && key != nil:
		return nil, errors.New("sha256 hashes take no key: use hmac-sha256 to hash with a key")
	case kind == HashSHA256:
		return &Hasher{kind: kind}, nil
	case kind == HashHMACSHA256 && key == nil:
		return nil, errors.New("hmac-sha256 hashes need the key they were made with")
	case kind == HashHMACSHA256:
		k := key.key
		return &Hasher{kind: kind, key: *key, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, k) }}}, nil
	}
	return nil, fmt.Errorf("unknown hash %q", kind)
}

// Kind is the hasher's kind.
func (h *Hasher) Kind() HashKind { return h.kind }

// Fingerprint is the fingerprint of the hasher's key; "" for SHA-256.
func (h *Hasher) Fingerprint() string { return h.key.fingerprint }

// Hash returns the hash of an E.164 number in lower-case hex.
func (h *Hasher) Hash(e164 string) string {
	return hex.EncodeToString(h.Sum(e164))
}

// Sum returns the hash of an E.164 number as bytes.
func (h *Hasher) Sum(e164 string) []byte {
	sum := h.sum(e164)
	return sum[:]
}

// sum is Sum as an array: what a lookup keys on, with no allocation for
// the result.
func (h *Hasher) sum(e164 string) (out [sha256.Size]byte) {
	if h.kind == HashHMACSHA256 {
		m := h.macs.Get().(hash.Hash)
		m.Reset()
		m.Write([]byte(e164))
		m.Sum(out[:0])
		h.macs.Put(m)
		return out
	}
	return sha256.Sum256([]byte(e164))
}

// ParseHash accepts a hash as a partner wrote it: 64 hex digits, in either
// case, around spaces; it returns it in lower case.
func ParseHash(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if len(t) != 2*sha256.Size {
		return "", fmt.Errorf("not a SHA-256 hash: want 64 hex digits, got %d characters", len(t))
	}
	if _, err := hex.DecodeString(t); err != nil {
		return "", errors.New("not a SHA-256 hash: it has characters that are not hex digits")
	}
	return t, nil
}

// MissingKeyError is returned when hashed entries need an HMAC key the run
// was not given: matching without it would silently pass every number the
// entries hide.
type MissingKeyError struct {
	What        string // what was hashed: "optout entries", "registry es-robinson"
	Fingerprint string
}

func (e *MissingKeyError) Error() string {
	return fmt.Sprintf("%s hashed with HMAC-SHA-256 under the key with fingerprint %s: no key given has that fingerprint", e.What, e.Fingerprint)
}

// hashedLists are the entries of a run that came from partners' hashed
// lists: opt-outs and blacklist entries keyed by hash, one set per hasher,
// since a number must be hashed each way to be looked up.
type hashedLists struct {
	keys map[string]HashKey // the HMAC keys the run was given, by fingerprint
	sets []*hashedSet       // in the order first met, so that Find is deterministic
}

// hashedSet is the entries of one hasher, as rows of the index's
// slimEntries keyed by their hash's bytes: no pointers, so that a million
// hashed opt-outs cost tens of megabytes and no garbage-collection scan,
// where a map of Entry values cost hundreds.
type hashedSet struct {
	hasher    *Hasher
	blacklist map[[sha256.Size]byte]int32
	optout    map[[sha256.Size]byte]int32
	whitelist map[[sha256.Size]byte]int32
}

// UseKeys gives the index the HMAC keys that hashed entries may have been
// made with. It must come before the entries: an entry hashed under a key
// not given is refused (see MissingKeyError).
func (x *Index) UseKeys(keys ...HashKey) {
	if x.hashed.keys == nil {
		x.hashed.keys = map[string]HashKey{}
	}
	for _, k := range keys {
		x.hashed.keys[k.Fingerprint()] = k
	}
}

// add records a hashed entry that applies to the run, for an index on
// channel, its row kept in t.
func (h *hashedLists) add(t *slimEntries, e Entry, channel Channel) error {
	switch {
	case e.Prefix:
		return fmt.Errorf("hashed entry %s is a prefix: a hash stands for one number", e.E164)
	case e.List != ListOptOut && e.List != ListBlacklist && e.List != ListWhitelist:
		return fmt.Errorf("hashed entry %s on unknown list %q", e.E164, e.List)
	}
	var sum [sha256.Size]byte
	if len(e.E164) != hex.EncodedLen(len(sum)) {
		return fmt.Errorf("hashed entry %q: not 64 hex digits", e.E164)
	}
	if _, err := hex.Decode(sum[:], []byte(e.E164)); err != nil {
		return fmt.Errorf("hashed entry %q: not 64 hex digits", e.E164)
	}
	set, err := h.set(e)
	if err != nil {
		return err
	}
	switch {
	case e.List == ListBlacklist:
		keepOldestRow(set.blacklist, t, sum, e)
	case e.List == ListWhitelist:
		// A protected store keeps its whitelist hashed too.
		keepOldestRow(set.whitelist, t, sum, e)
	case e.Channel == "" || e.Channel == ChannelAll || e.Channel == channel:
		keepOldestRow(set.optout, t, sum, e)
	}
	return nil
}

// set finds or makes the set of e's hasher. An HMAC entry whose key the run
// was not given fails the whole index: skipping it would pass its number.
func (h *hashedLists) set(e Entry) (*hashedSet, error) {
	fingerprint := ""
	if e.Hash.Keyed() {
		fingerprint = e.HashKey
	}
	for _, s := range h.sets {
		if s.hasher.Kind() == e.Hash && s.hasher.Fingerprint() == fingerprint {
			return s, nil
		}
	}
	var hasher *Hasher
	var err error
	switch {
	case e.Hash.Keyed():
		key, ok := h.keys[fingerprint]
		if !ok {
			return nil, &MissingKeyError{What: string(e.List) + " entries", Fingerprint: fingerprint}
		}
		hasher, err = NewHasher(e.Hash, &key)
	default:
		hasher, err = NewHasher(e.Hash, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("hashed entry %s: %w", e.E164, err)
	}
	s := &hashedSet{hasher: hasher, blacklist: map[[sha256.Size]byte]int32{}, optout: map[[sha256.Size]byte]int32{},
		whitelist: map[[sha256.Size]byte]int32{}}
	h.sets = append(h.sets, s)
	return s, nil
}

func (h *hashedLists) len() int {
	n := 0
	for _, s := range h.sets {
		n += len(s.blacklist) + len(s.optout) + len(s.whitelist)
	}
	return n
}

// suppressions is len less the whitelist entries.
func (h *hashedLists) suppressions() int {
	n := 0
	for _, s := range h.sets {
		n += len(s.blacklist) + len(s.optout)
	}
	return n
}

// find adds to m what the hashed lists know of e164, their rows kept in
// t. A hashed entry is as good as a plain one: the oldest exact entry
// wins, and an exact entry beats a prefix.
func (h *hashedLists) find(t *slimEntries, e164 string, m *Match) {
	for _, s := range h.sets {
		if len(s.blacklist) == 0 && len(s.optout) == 0 && len(s.whitelist) == 0 {
			continue
		}
		sum := s.hasher.sum(e164)
		if i, ok := s.blacklist[sum]; ok {
			if e := s.entry(t, i, sum); m.Blacklist == nil || m.Blacklist.Prefix || e.AddedAt.Before(m.Blacklist.AddedAt) {
				m.Blacklist = &e
			}
		}
		if i, ok := s.optout[sum]; ok {
			if e := s.entry(t, i, sum); m.OptOut == nil || e.AddedAt.Before(m.OptOut.AddedAt) {
				m.OptOut = &e
			}
		}
		if i, ok := s.whitelist[sum]; ok {
			if e := s.entry(t, i, sum); m.Whitelist == nil || e.AddedAt.Before(m.Whitelist.AddedAt) {
				m.Whitelist = &e
			}
		}
	}
}

// entry is row i of t, a hashed entry whose hash is sum.
func (s *hashedSet) entry(t *slimEntries, i int32, sum [sha256.Size]byte) Entry {
	e := t.entry(i, hex.EncodeToString(sum[:]))
	e.Hash = s.hasher.Kind()
	e.HashKey = s.hasher.Fingerprint()
	return e
}
