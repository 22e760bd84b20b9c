package scrub

import (
	"testing"
	"time"
)

func TestPendingReview(t *testing.T) {
	n, err := NewNormalizer("ES")
	if err != nil {
		t.Fatal(err)
	}
	flagged := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	build := func(channel Channel) *Index {
		idx := NewIndex(channel)
		idx.AddPending(Pending{ID: 7, E164: "+34612345678", Channel: ChannelSMS, Reason: "reply mentions \"STOP\"", FlaggedAt: flagged})
		idx.AddPending(Pending{ID: 8, E164: "+34612345679", Channel: ChannelAll, Reason: "complaint", FlaggedAt: flagged})
		if err := idx.Add(Entry{List: ListWhitelist, E164: "+34612345679", Tag: "vip"}); err != nil {
			t.Fatal(err)
		}
		return idx
	}
	sms := build(ChannelSMS)
	if d := Check(n, sms, "612345678"); d.Reason != ReasonPendingReview || d.Detail != `review 7 (sms) since 2026-11-20T00:00:00Z: reply mentions "STOP"` {
		t.Errorf("pending on its channel: %+v", d)
	}
	// A pending review beats the whitelist: when in doubt, do not call.
	if d := Check(n, sms, "612345679"); d.Reason != ReasonPendingReview {
		t.Errorf("pending for all channels, whitelisted: %+v", d)
	}
	voice := build(ChannelVoice)
	if d := Check(n, voice, "612345678"); !d.Clean() {
		t.Errorf("an SMS review on a voice run: %+v", d)
	}
	sms.AllowPending()
	if d := Check(n, sms, "612345678"); !d.Clean() || !d.PendingAllowed {
		t.Errorf("--allow-pending: %+v", d)
	}
}
