package scrub

import (
	"strings"
	"testing"
	"time"
)

func TestOutcomeRules(t *testing.T) {
	at := func(min int) time.Time { return time.Date(2026, 11, 20, 10, min, 0, 0, time.UTC) }
	call := func(n string, min int, disp string, secs int, row int) Call {
		return Call{E164: n, At: at(min), Disposition: disp, Duration: time.Duration(secs) * time.Second, File: "calls.csv", Row: row}
	}
	calls := []Call{
		// Three short answered calls in a row, written out of order.
		call("+34600000001", 30, "answered", 2, 4),
		call("+34600000001", 10, "Answered", 3, 2),
		call("+34600000001", 20, "HANGUP", 4, 3),
		// Two short calls, then a long one, then two short: no run of three.
		call("+34600000002", 1, "answered", 1, 5),
		call("+34600000002", 2, "answered", 1, 6),
		call("+34600000002", 3, "answered", 60, 7),
		call("+34600000002", 4, "answered", 1, 8),
		call("+34600000002", 5, "answered", 1, 9),
		// No answer is not a hang-up, however short.
		call("+34600000003", 1, "no_answer", 0, 10),
		call("+34600000003", 2, "no answer", 0, 11),
		call("+34600000003", 3, "busy", 0, 12),
		call("+34600000004", 1, "DNC Request", 40, 13),
		call("+34600000004", 2, "dnc-request", 40, 14),
		call("+34600000005", 1, "complaint", 90, 15),
		// Exactly the threshold is not shorter than it.
		call("+34600000006", 1, "answered", 5, 16),
		call("+34600000006", 2, "answered", 5, 17),
		call("+34600000006", 3, "answered", 5, 18),
	}
	got := DefaultOutcomeRules().Apply(calls)
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3: %+v", len(got), got)
	}
	short, dnc, complaint := got[0], got[1], got[2]
	if short.E164 != "+34600000001" || short.OptOut || short.Suggested != ListOptOut || len(short.Calls) != 3 {
		t.Errorf("short calls: %+v", short)
	}
	if ev := short.Evidence(); !strings.HasPrefix(ev, "calls.csv row 2: 2026-11-20T10:10:00Z Answered 3s; calls.csv row 3:") {
		t.Errorf("evidence %q: want the calls in time order", ev)
	}
	if dnc.E164 != "+34600000004" || !dnc.OptOut || dnc.Reason != "disposition dnc_request" || len(dnc.Calls) != 1 || dnc.Calls[0].Row != 13 {
		t.Errorf("dnc request: %+v", dnc)
	}
	if complaint.E164 != "+34600000005" || complaint.OptOut || complaint.Suggested != ListBlacklist {
		t.Errorf("complaint: %+v", complaint)
	}
}

func TestOutcomeRulesOff(t *testing.T) {
	r := DefaultOutcomeRules()
	r.ShortCalls = 0
	calls := []Call{{E164: "+1", Disposition: "answered"}, {E164: "+1", Disposition: "answered"}, {E164: "+1", Disposition: "answered"}}
	if got := r.Apply(calls); len(got) != 0 {
		t.Errorf("short-call rule off: got %+v", got)
	}
}
