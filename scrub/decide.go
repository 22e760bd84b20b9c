package scrub

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Reason says why a row was rejected. The codes are a contract: reports and
// outside scripts match on them.
type Reason string

// The rejection reasons.
const (
	ReasonNoPhone       Reason = "NO_PHONE"
	ReasonInvalidNumber Reason = "INVALID_NUMBER"
	ReasonBlacklisted   Reason = "BLACKLISTED"
	ReasonOptedOut      Reason = "OPTED_OUT"
	ReasonDuplicate     Reason = "DUPLICATE"
	// ReasonPrecisionLost is a number Excel wrote in scientific notation
	// (8.61381E+12): its last digits are gone, so it is never guessed.
	ReasonPrecisionLost Reason = "EXCEL_PRECISION_LOST"
	// ReasonMalformedRow is a row with more fields than the header: a
	// delimiter inside an unquoted field has shifted its columns, so its
	// phone cell cannot be trusted.
	ReasonMalformedRow Reason = "MALFORMED_ROW"
	// ReasonRegionMismatch is a valid number in another country than its
	// row's region, rejected only with --strict-region.
	ReasonRegionMismatch Reason = "REGION_MISMATCH"
	// ReasonNotWhitelisted is a number not on the whitelist, in a run that
	// may call only whitelisted numbers (--whitelist-only).
	ReasonNotWhitelisted Reason = "NOT_WHITELISTED"
	// ReasonRegistry is a number on a national do-not-call registry.
	ReasonRegistry Reason = "REGISTRY"
	// ReasonCheckFailed is a number that could not be checked (a registry
	// lookup failed): never passed as clean.
	ReasonCheckFailed Reason = "CHECK_FAILED"
)

// RegistryLookup finds a number on the national registries.
type RegistryLookup interface {
	// Find returns the registry the number is on and when that registry was
	// imported, or "" when it is on none. Scrub calls it from several
	// goroutines at once: it must be safe for concurrent use.
	Find(e164 string) (name, imported string, err error)
}

// RegistryBatcher is a RegistryLookup that reads what many numbers need
// at once more cheaply than one at a time: a registry too large to hold
// costs a query a number otherwise.
type RegistryBatcher interface {
	RegistryLookup
	// Batch returns a lookup that answers for numbers (E.164) from what it
	// read for all of them at once, and for any other as Find does. Scrub's
	// workers call it for the numbers of each batch of rows.
	Batch(numbers []string) (RegistryLookup, error)
}

// Reasons lists every reason in the order summaries print them.
// The order is the precedence: when several apply, the first is reported.
var Reasons = []Reason{ReasonNoPhone, ReasonInvalidNumber, ReasonPrecisionLost, ReasonMalformedRow, ReasonCheckFailed,
	ReasonBlacklisted, ReasonOptedOut, ReasonPendingReview, ReasonRegistry, ReasonBlockedSource, ReasonRegionNotAllowed, ReasonBlockedPrefix, ReasonTypeNotAllowed, ReasonKeyword,
	ReasonOutsideHours, ReasonRegionMismatch, ReasonNotWhitelisted, ReasonDuplicate}

// Decision is the verdict on one phone value.
type Decision struct {
	Number      Number // zero when the value is not a valid number
	Reason      Reason // empty when the number may be called
	Detail      string
	Priority    string // the whitelist tag of a callable number
	Whitelisted bool   // the number is on the whitelist (for this run)
	// PendingAllowed marks a number in the review queue let through by a run
	// that allows pending reviews: the summary counts them.
	PendingAllowed bool
}

// Conflict reports a whitelisted number that is suppressed anyway: the
// opt-out or blacklist wins, and someone should look at why.
func (d Decision) Conflict() bool {
	return d.Whitelisted && (d.Reason == ReasonOptedOut || d.Reason == ReasonBlacklisted)
}

// Clean reports whether the number may be called.
func (d Decision) Clean() bool { return d.Reason == "" }

// Check decides one phone value against the lists, without regard to
// duplicates. It is safe for concurrent use.
func Check(n *Normalizer, idx *Index, raw string) Decision {
	num, err := n.Normalize(raw)
	if errors.Is(err, ErrNoPhone) {
		return Decision{Reason: ReasonNoPhone, Detail: "phone cell is empty"}
	}
	if errors.Is(err, ErrPrecisionLost) {
		return Decision{Reason: ReasonPrecisionLost, Detail: err.Error()}
	}
	if err != nil {
		return Decision{Reason: ReasonInvalidNumber, Detail: err.Error()}
	}
	d := Decision{Number: num}
	m := idx.Find(num.E164)
	switch {
	case m.Blacklist != nil:
		d.Reason, d.Detail = ReasonBlacklisted, m.Blacklist.Describe()
		if m.OptOut != nil {
			d.Detail += "; also on " + m.OptOut.Describe()
		}
	case m.OptOut != nil:
		d.Reason, d.Detail = ReasonOptedOut, m.OptOut.Describe()
	}
	// Only a callable number asks the review queue: in a protected store
	// that is an HMAC more.
	if d.Clean() {
		switch p, ok := idx.Pending(num.E164); {
		case ok && idx.allowPending:
			d.PendingAllowed = true
		case ok:
			d.Reason, d.Detail = ReasonPendingReview, p.Describe()
		}
	}
	if m.Whitelist != nil {
		d.Whitelisted = true
		if d.Clean() {
			d.Priority = m.Whitelist.Tag
			d.Detail = "whitelisted"
			if d.Priority != "" {
				d.Detail += " (" + d.Priority + ")"
			}
		} else {
			// An opt-out always beats the whitelist, but someone should know they disagree.
			d.Detail += "; overrides whitelist entry" + tagSuffix(m.Whitelist.Tag)
		}
	}
	return d
}

func tagSuffix(tag string) string {
	if tag == "" {
		return ""
	}
	return fmt.Sprintf(" (%s)", tag)
}

// Decider decides the rows of one run in order: it adds duplicate detection
// across every file of the run to Check. Its methods are for one goroutine
// at a time; Scrub spreads the work that does not depend on order itself.
type Decider struct {
	norm  *Normalizer
	index *Index
	// clean is where each number was first written clean, keyed as
	// numberSet keys its numbers: a million of them hold no pointers.
	clean     seenSet
	cleanText map[string]origin // numbers NumberKey refuses
	files     []string          // origin.file indexes it
	// norms are the normalizers of the regions rows have stated, by region:
	// a sync.Map because Scrub's workers add to it.
	norms sync.Map

	// Workers is how many goroutines Scrub checks numbers on: 0 for one per
	// CPU (GOMAXPROCS), 1 for none besides the caller's. The outputs are the
	// same whatever the number.
	Workers int
	// batchRows is how many rows Scrub hands a worker at a time; 0 for
	// defaultBatchRows. Tests make it small to interleave the batches.
	batchRows int

	// StrictRegion rejects a valid number in another country than its row's
	// region (REGION_MISMATCH) instead of only counting it.
	StrictRegion bool
	// Policies are the company's rules; nil for none.
	Policies *Policies
	// Source is the run's lead source (vendor); a blocked one rejects every row.
	Source string
	// WhitelistOnly rejects every number not on the whitelist (NOT_WHITELISTED).
	WhitelistOnly bool
	// At is the time calling windows are computed from (the run's time, or
	// the time the list is for); CallableAt rejects numbers whose window does
	// not hold it (OUTSIDE_CALLING_HOURS).
	At         time.Time
	CallableAt bool
	// Registries, if not nil, are looked up for every number no list suppresses.
	Registries RegistryLookup
}

// origin is the file (an index into Decider.files) and row a number was
// first written clean from, in one word: ten million of them are a map of
// two words an entry.
type origin uint64

const originRowBits = 40 // rows up to a trillion, files up to sixteen million

func makeOrigin(file, row int) origin { return origin(uint64(file)<<originRowBits | uint64(row)) }

func (o origin) file() int { return int(o >> originRowBits) }
func (o origin) row() int  { return int(o & (1<<originRowBits - 1)) }

// NewDecider returns a Decider for one run.
func NewDecider(n *Normalizer, idx *Index) *Decider {
	d := &Decider{norm: n, index: idx, cleanText: map[string]origin{}}
	d.norms.Store(n.Region(), n)
	return d
}

// Decide returns the decision for the phone value raw found in file at row
// (named in the detail of a later duplicate). A clean decision claims the
// number: a later row with the same number is a DUPLICATE.
func (d *Decider) Decide(raw, file string, row int) Decision {
	return d.decided(Check(d.norm, d.index, raw), file, row)
}

// normalizerFor returns a normalizer whose default region is region.
func (d *Decider) normalizerFor(region string) *Normalizer {
	if n, ok := d.norms.Load(region); ok {
		return n.(*Normalizer)
	}
	n, _ := d.norms.LoadOrStore(region, newNormalizer(region))
	return n.(*Normalizer)
}

// checkLists decides raw against the lists for a row whose stated region
// is region ("" when unknown): the half of a check that needs no registry.
// afterLists is the other half. It depends on no other row: Scrub's
// workers run it for many rows at once.
func (d *Decider) checkLists(raw, region string) (dec Decision, mismatch bool) {
	dec = Check(d.normalizerFor(region), d.index, raw)
	if region != "" && dec.Number.E164 != "" && dec.Number.Region != region {
		mismatch = true
		if !dec.Clean() {
			dec.Detail += fmt.Sprintf("; number is in %s, the row's region is %s", dec.Number.Region, region)
		}
	}
	return dec, mismatch
}

// needsRegistry reports whether afterLists looks dec's number up.
func needsRegistry(dec Decision) bool {
	return dec.Clean() || dec.Reason == ReasonBlacklisted || dec.Reason == ReasonOptedOut
}

// afterLists applies the registries (through reg, nil for none) and the
// run's rules to a number checkLists decided, short of duplicates
// (decided claims the number, in row order).
func (d *Decider) afterLists(dec Decision, region, keyword string, mismatch bool, reg RegistryLookup) Decision {
	if dec.Clean() {
		return d.rules(dec, region, keyword, mismatch, reg)
	}
	if reg != nil && needsRegistry(dec) {
		// The list wins; the detail says the registry matched too.
		if name, _, err := reg.Find(dec.Number.E164); err == nil && name != "" {
			dec.Detail += "; also on registry " + name
		}
	}
	return dec
}

// registries is the lookup for numbers: a batch of them read at once
// when the registries can, else the registries themselves (nil for none).
func (d *Decider) registries(numbers []string) RegistryLookup {
	if d.Registries == nil {
		return nil
	}
	if b, ok := d.Registries.(RegistryBatcher); ok && len(numbers) > 1 {
		// On an error, each number is looked up on its own (and one whose
		// lookup fails too is CHECK_FAILED).
		if lookup, err := b.Batch(numbers); err == nil {
			return lookup
		}
	}
	return d.Registries
}

// at is when calling windows start from: At, or now.
func (d *Decider) at() time.Time {
	if d.At.IsZero() {
		return time.Now()
	}
	return d.At
}

// CheckNumber decides one number as a scrub would (the lists, then the
// run's rules), but without duplicate detection: what dncctl check answers.
func (d *Decider) CheckNumber(raw string) Decision {
	region := d.norm.Region()
	dec := Check(d.norm, d.index, raw)
	if dec.Clean() {
		mismatch := region != "" && dec.Number.Region != region
		dec = d.rules(dec, region, "", mismatch, d.Registries)
	}
	return dec
}

// rules applies, to a number no list suppresses, the run's rules in their
// precedence: a blocked source, the policies, the row's keyword, the strict
// region, the whitelist-only rule.
func (d *Decider) rules(dec Decision, region, keyword string, mismatch bool, reg RegistryLookup) Decision {
	reject := func(r Reason, detail string) Decision {
		return Decision{Number: dec.Number, Reason: r, Detail: detail, Whitelisted: dec.Whitelisted}
	}
	if reg != nil {
		name, imported, err := reg.Find(dec.Number.E164)
		if err != nil {
			return reject(ReasonCheckFailed, err.Error())
		}
		if name != "" {
			return reject(ReasonRegistry, fmt.Sprintf("registry %s (imported %s)", name, imported))
		}
	}
	if d.Policies.SourceBlocked(d.Source) {
		return reject(ReasonBlockedSource, fmt.Sprintf("lead source %s is blocked", d.Source))
	}
	if r, detail := d.Policies.numberRule(dec.Number); r != "" {
		return reject(r, detail)
	}
	if keyword != "" {
		return reject(ReasonKeyword, keyword)
	}
	if d.CallableAt {
		if w, limited := d.Policies.window(dec.Number, d.At); limited && !w.Contains(d.At) {
			return reject(ReasonOutsideHours, fmt.Sprintf("%s is outside the calling window %s (zones %s)",
				d.At.UTC().Format(time.RFC3339), w, strings.Join(dec.Number.Timezones, ", ")))
		}
	}
	if mismatch && d.StrictRegion {
		return reject(ReasonRegionMismatch, fmt.Sprintf("number is in %s, the row's region is %s", dec.Number.Region, region))
	}
	if d.WhitelistOnly && !dec.Whitelisted {
		return reject(ReasonNotWhitelisted, "not on the whitelist, and this run calls only whitelisted numbers")
	}
	return dec
}

func (d *Decider) decided(dec Decision, file string, row int) Decision {
	if !dec.Clean() {
		return dec
	}
	if len(d.files) == 0 || d.files[len(d.files)-1] != file {
		d.files = append(d.files, file)
	}
	o := makeOrigin(len(d.files)-1, row)
	var first origin
	var seen bool
	if key, keyed := NumberKey(dec.Number.E164); keyed {
		first, seen = d.clean.claim(key, o)
	} else if first, seen = d.cleanText[dec.Number.E164]; !seen {
		d.cleanText[dec.Number.E164] = o
	}
	if seen {
		return Decision{Number: dec.Number, Reason: ReasonDuplicate, Detail: fmt.Sprintf("same number as %s row %d", d.files[first.file()], first.row())}
	}
	return dec
}

// String is the decision as one line for people: "callable", or the reason and detail.
func (d Decision) String() string {
	if d.Clean() {
		return "callable"
	}
	return strings.TrimSpace(string(d.Reason) + " " + d.Detail)
}
