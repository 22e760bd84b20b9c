package scrub

import (
	"fmt"
	"time"
)

// ReasonPendingReview is a number flagged as suspect (an opt-out-like reply,
// a complaint, a run of hung-up calls) that no person has decided on yet:
// when in doubt, do not call.
const ReasonPendingReview Reason = "PENDING_REVIEW"

// Pending is a number waiting in the review queue.
type Pending struct {
	ID        int64
	E164      string
	Channel   Channel // the channel the suspicion concerns, or ChannelAll
	Reason    string
	FlaggedAt time.Time
}

// Describe is the review as written in a rejection's detail.
func (p Pending) Describe() string {
	return fmt.Sprintf("review %d (%s) since %s: %s", p.ID, p.Channel, p.FlaggedAt.UTC().Format(time.RFC3339), p.Reason)
}

// HashPending says the review queue the index is given holds numbers as
// h's hashes (a protected store's): Pending then looks a number up by its
// hash.
func (x *Index) HashPending(h *Hasher) { x.pendingHasher = h }

// AddPending records a pending review. One for another channel than the
// index's does not apply, as with opt-outs.
func (x *Index) AddPending(p Pending) {
	if p.Channel != "" && p.Channel != ChannelAll && p.Channel != x.scope.Channel {
		return
	}
	if x.pending == nil {
		x.pending = map[string]Pending{}
	}
	if old, ok := x.pending[p.E164]; ok && old.ID < p.ID {
		return
	}
	x.pending[p.E164] = p
}

// Pending returns the pending review of e164 that applies to the run, if any.
func (x *Index) Pending(e164 string) (Pending, bool) {
	if len(x.pending) == 0 {
		return Pending{}, false
	}
	if x.pendingHasher != nil {
		e164 = x.pendingHasher.Hash(e164)
	}
	p, ok := x.pending[e164]
	return p, ok
}

// AllowPending lets numbers in the review queue through (--allow-pending):
// the decisions say so, and the run's summary counts them.
func (x *Index) AllowPending() { x.allowPending = true }

// PendingReviews is the number of pending reviews that apply to the run.
func (x *Index) PendingReviews() int { return len(x.pending) }
