package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

func reviews(t *testing.T, s *Store, q ReviewQuery) []Review {
	t.Helper()
	var out []Review
	if err := s.Reviews(context.Background(), q, func(r Review) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatalf("Reviews: %v", err)
	}
	return out
}

func TestReviewQueue(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const a, b, c = "+34612345678", "+34612345679", "+34612345670"
	flag := []Review{
		{E164: a, Channel: scrub.ChannelSMS, Origin: "reply", Reason: `reply mentions "STOP"`, Evidence: `r.csv row 2: "please stop"`},
		{E164: b, Origin: "call-outcome", Suggested: scrub.ListBlacklist, Reason: "disposition complaint", Evidence: "calls.csv row 9"},
		{E164: c, Channel: scrub.ChannelSMS, Origin: "reply", Reason: `reply mentions "BAJA"`, Evidence: `r.csv row 3: "baja?"`},
	}
	added, err := s.Flag(ctx, flag, t0, "tester")
	if err != nil || !added[0] || !added[1] || !added[2] {
		t.Fatalf("Flag: %v %v", added, err)
	}
	// The same evidence again flags nothing.
	if added, err := s.Flag(ctx, flag[:1], t1, "tester"); err != nil || added[0] {
		t.Fatalf("Flag again: %v %v", added, err)
	}
	pending := reviews(t, s, ReviewQuery{Status: ReviewPending})
	if len(pending) != 3 || pending[1].Channel != scrub.ChannelAll || pending[0].Suggested != scrub.ListOptOut {
		t.Fatalf("pending: %+v", pending)
	}

	idx, err := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelSMS})
	if err != nil {
		t.Fatal(err)
	}
	if idx.PendingReviews() != 3 {
		t.Errorf("an SMS run sees %d pending reviews, want 3", idx.PendingReviews())
	}

	// Deciding is all or nothing: an unknown ID stops the others.
	if _, err := s.Approve(ctx, []int64{1, 99}, "", t1, "boss"); !errors.Is(err, ErrNoReview) {
		t.Fatalf("approve with an unknown ID: %v", err)
	}
	if got := reviews(t, s, ReviewQuery{Status: ReviewPending}); len(got) != 3 {
		t.Fatalf("after a refused approval, %d pending", len(got))
	}

	done, err := s.Approve(ctx, []int64{1, 2}, "", t1, "boss")
	if err != nil || len(done) != 2 || !done[0].New || done[1].Decision != "blacklist" {
		t.Fatalf("Approve: %+v %v", done, err)
	}
	if _, err := s.Approve(ctx, []int64{1}, "", t2, "boss"); !errors.Is(err, ErrReviewDecided) {
		t.Fatalf("approve twice: %v", err)
	}
	if _, err := s.Reject(ctx, []int64{3}, "customer meant the promo only", t2, "boss"); err != nil {
		t.Fatal(err)
	}
	optouts := entries(t, s, Query{List: scrub.ListOptOut})
	if len(optouts) != 1 || optouts[0].E164 != a || optouts[0].Channel != scrub.ChannelSMS || optouts[0].Evidence != `r.csv row 2: "please stop"` ||
		!strings.HasPrefix(optouts[0].Reason, "review 1: ") || optouts[0].Source != "reply" {
		t.Errorf("opt-out from review 1: %+v", optouts)
	}
	if bl := entries(t, s, Query{List: scrub.ListBlacklist}); len(bl) != 1 || bl[0].E164 != b {
		t.Errorf("blacklist from review 2: %+v", bl)
	}
	all := reviews(t, s, ReviewQuery{})
	if all[0].Status != ReviewApproved || all[0].EntryID != optouts[0].ID || all[0].DecidedBy != "boss" ||
		all[2].Status != ReviewRejected || all[2].Decision != "customer meant the promo only" {
		t.Errorf("decided reviews: %+v", all)
	}
	if idx, _ := s.LoadIndex(ctx, scrub.Scope{Channel: scrub.ChannelSMS}); idx.PendingReviews() != 0 {
		t.Errorf("%d pending after every review was decided", idx.PendingReviews())
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 3 flags, 2 adds, 2 approvals, 1 rejection.
	if n != 8 {
		t.Errorf("%d audit records, want 8", n)
	}
}

// An approval of a number already on the list links the entry already there.
func TestApproveAlreadyListed(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const a = "+34612345678"
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelAll})
	if _, err := s.Flag(ctx, []Review{{E164: a, Origin: "reply", Reason: "r", Evidence: "e"}}, t1, "x"); err != nil {
		t.Fatal(err)
	}
	done, err := s.Approve(ctx, []int64{1}, scrub.ListOptOut, t2, "x")
	if err != nil || done[0].New || done[0].EntryID != 1 {
		t.Fatalf("Approve: %+v %v", done, err)
	}
}

// Apply records entries and reviews together, or neither.
func TestApplyAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	_, err := s.Apply(ctx, Changes{
		Add:  []Entry{{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelSMS}},
		Flag: []Review{{E164: "+34612345679", Channel: "fax", Origin: "reply", Reason: "r", Evidence: "e"}},
	}, t0, "x")
	if err == nil {
		t.Fatal("a review on an unknown channel was accepted")
	}
	if got := entries(t, s, Query{IncludeRemoved: true}); len(got) != 0 {
		t.Errorf("the entry was kept though its review failed: %+v", got)
	}
}

// Entries dated at when the company learned of them keep that time.
func TestAddSince(t *testing.T) {
	s := openTest(t)
	mustAdd(t, s, t2, Entry{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelSMS, Since: t0, Evidence: "replied STOP"},
		Entry{List: scrub.ListOptOut, E164: "+34612345679", Channel: scrub.ChannelSMS, Since: t2.Add(time.Hour)})
	got := entries(t, s, Query{})
	if !got[0].AddedAt.Equal(t0) || got[0].Evidence != "replied STOP" {
		t.Errorf("dated entry: %+v", got[0])
	}
	// A time in the future is not believed.
	if !got[1].AddedAt.Equal(t2) {
		t.Errorf("entry dated in the future: added %v, want %v", got[1].AddedAt, t2)
	}
}

// Adding again a number whose entry expires makes it last as long as the
// new entry: a permanent request is not lost to an earlier temporary hold.
func TestAddExtends(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const a = "+34612345678"
	soon, later := t1.Add(24*time.Hour), t1.Add(90*24*time.Hour)
	mustAdd(t, s, t0, Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelAll, ExpiresAt: soon})
	if got := mustAdd(t, s, t1, Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelAll, ExpiresAt: later}); !got[0] {
		t.Error("a longer expiry was not applied")
	}
	if got := mustAdd(t, s, t1, Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelAll, ExpiresAt: soon}); got[0] {
		t.Error("a shorter expiry shortened the entry")
	}
	if got := entries(t, s, Query{}); len(got) != 1 || !got[0].ExpiresAt.Equal(later) {
		t.Fatalf("entries: %+v", got)
	}
	if got := mustAdd(t, s, t2, Entry{List: scrub.ListOptOut, E164: a, Channel: scrub.ChannelAll}); !got[0] {
		t.Error("a permanent entry did not lift the expiry")
	}
	if got := entries(t, s, Query{}); len(got) != 1 || !got[0].ExpiresAt.IsZero() {
		t.Fatalf("entries: %+v", got)
	}
	var actions []string
	if err := s.Audit(ctx, AuditQuery{}, func(r AuditRecord) error { actions = append(actions, r.Action); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "add,extend,extend" {
		t.Errorf("audit actions %v", actions)
	}
}

// A store kept in clear keeps a rejection's reason as written in its audit
// record too: only a protected store hides the numbers in it.
func TestRejectAuditKeepsReasonInClear(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if _, err := s.Flag(ctx, []Review{{E164: "+34612345678", Origin: "reply", Reason: "r", Evidence: "e"}}, t1, "x"); err != nil {
		t.Fatal(err)
	}
	const reason = "wrong person, it is 699 001 122"
	if _, err := s.Reject(ctx, []int64{1}, reason, t2, "x"); err != nil {
		t.Fatal(err)
	}
	var details []string
	err := s.Audit(ctx, AuditQuery{}, func(r AuditRecord) error {
		if r.Action == "review-reject" {
			details = append(details, r.Detail)
		}
		return nil
	})
	if err != nil || len(details) != 1 || details[0] != "review 1: "+reason {
		t.Fatalf("review-reject audit details %q, %v", details, err)
	}
}
