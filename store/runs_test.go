package store

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// recordRun records a run whose certificate names its id, with a clean
// list and a report.
func recordRun(t *testing.T, s *Store, at time.Time, clean, rejected string) Run {
	t.Helper()
	s.SetActor(Actor{Command: "dncctl scrub", User: "ana"})
	r, err := s.RecordRun(context.Background(), NewRun{StartedAt: at, FinishedAt: at.Add(time.Minute), Version: "v1.2.3",
		Outputs: []RunOutput{
			{Role: RoleClean, Path: "/out/leads.clean.csv", SHA256: clean},
			{Role: RoleRejected, Path: "/out/leads.rejected.csv", SHA256: rejected},
		},
		CertificateFile: "/out/cert.json",
	}, func(id int64) ([]byte, error) {
		return []byte(`{"run_id":` + strings.Repeat("1", int(id)) + "}\n"), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A run is recorded with its outputs and an audit record naming its
// certificate's hash; it is found by id and by any output's hash, and the
// audit chain stays intact.
func TestRecordRun(t *testing.T) {
	s := auditedStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	r1 := recordRun(t, s, at, "c1", "same")
	r2 := recordRun(t, s, at.AddDate(0, 0, 1), "c2", "same")
	if r1.ID != 1 || r2.ID != 2 {
		t.Fatalf("ids %d, %d; want 1, 2", r1.ID, r2.ID)
	}
	if string(r1.Certificate) != "{\"run_id\":1}\n" || r1.SHA256 != sha256Hex(r1.Certificate) {
		t.Errorf("run 1: certificate %q sha256 %s", r1.Certificate, r1.SHA256)
	}

	got, err := s.Run(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Command != "dncctl scrub" || got.User != "ana" || got.Version != "v1.2.3" || got.Status != RunOK ||
		!got.StartedAt.Equal(at.AddDate(0, 0, 1)) || !got.FinishedAt.Equal(at.AddDate(0, 0, 1).Add(time.Minute)) {
		t.Errorf("Run(2) = %+v", got)
	}
	want := []RunOutput{
		{Role: RoleClean, Path: "/out/leads.clean.csv", SHA256: "c2"},
		{Role: RoleRejected, Path: "/out/leads.rejected.csv", SHA256: "same"},
		{Role: RoleCertificate, Path: "/out/cert.json", SHA256: r2.SHA256},
	}
	if len(got.Outputs) != len(want) {
		t.Fatalf("outputs %+v, want %+v", got.Outputs, want)
	}
	for i := range want {
		if got.Outputs[i] != want[i] {
			t.Errorf("output %d = %+v, want %+v", i, got.Outputs[i], want[i])
		}
	}
	if err := s.VerifyRun(ctx, got); err != nil {
		t.Errorf("VerifyRun: %v", err)
	}
	if _, err := s.Run(ctx, 3); !errors.Is(err, ErrNoRun) {
		t.Errorf("Run(3) error = %v, want ErrNoRun", err)
	}

	// The same content from two runs: both, newest first.
	matches, err := s.RunsWithOutput(ctx, "same")
	if err != nil || len(matches) != 2 || matches[0].Run.ID != 2 || matches[1].Run.ID != 1 || matches[0].Output.Role != RoleRejected {
		t.Errorf("RunsWithOutput(same) = %+v, %v", matches, err)
	}
	if matches, _ := s.RunsWithOutput(ctx, r1.SHA256); len(matches) != 1 || matches[0].Output.Role != RoleCertificate {
		t.Errorf("RunsWithOutput(certificate 1) = %+v", matches)
	}
	if matches, _ := s.RunsWithOutput(ctx, "nothing"); len(matches) != 0 {
		t.Errorf("RunsWithOutput(nothing) = %+v", matches)
	}
	if matches, _ := s.RunsWithOutputPath(ctx, "/out/leads.clean.csv"); len(matches) != 2 || matches[0].Output.SHA256 != "c2" {
		t.Errorf("RunsWithOutputPath = %+v", matches)
	}

	var listed []int64
	if err := s.Runs(ctx, RunQuery{Since: at.Add(time.Hour)}, func(r Run) error {
		listed = append(listed, r.ID)
		return nil
	}); err != nil || len(listed) != 1 || listed[0] != 2 {
		t.Errorf("Runs since = %v, %v; want [2]", listed, err)
	}

	n, err := s.VerifyAudit(ctx)
	if err != nil || n != 7 {
		t.Fatalf("VerifyAudit = %d, %v; want 7 records (5 + 2 runs), intact", n, err)
	}
	var details []string
	s.Audit(ctx, AuditQuery{}, func(r AuditRecord) error {
		if r.Action == "scrub" {
			details = append(details, r.User+" ("+r.Command+"): "+r.Detail)
		}
		return nil
	})
	if len(details) != 2 || details[0] != "ana (dncctl scrub): run 1; certificate sha256 "+r1.SHA256 {
		t.Errorf("scrub records = %q", details)
	}
}

// A certificate edited in the store, or one whose hash was edited to match,
// no longer matches its audit record.
func TestVerifyRunFindsEdits(t *testing.T) {
	s := auditedStore(t)
	ctx := context.Background()
	recordRun(t, s, time.Now(), "c", "r")
	if _, err := s.db.Exec(`UPDATE runs SET certificate = '{"run_id":2}' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	r, _ := s.Run(ctx, 1)
	if err := s.VerifyRun(ctx, r); !errors.Is(err, ErrRunAltered) {
		t.Errorf("edited certificate: VerifyRun = %v, want ErrRunAltered", err)
	}
	if _, err := s.db.Exec(`UPDATE runs SET certificate_sha256 = ? WHERE id = 1`, sha256Hex([]byte(`{"run_id":2}`))); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Run(ctx, 1)
	if err := s.VerifyRun(ctx, r); !errors.Is(err, ErrRunAltered) || !strings.Contains(err.Error(), "no audit record") {
		t.Errorf("edited certificate and hash: VerifyRun = %v, want ErrRunAltered", err)
	}
}

// A certificate that cannot be made records nothing: no run, no audit record.
func TestRecordRunFailsWhole(t *testing.T) {
	s := auditedStore(t)
	ctx := context.Background()
	_, err := s.RecordRun(ctx, NewRun{StartedAt: time.Now(), FinishedAt: time.Now(), Outputs: []RunOutput{{Role: RoleClean, Path: "/x", SHA256: "x"}}},
		func(int64) ([]byte, error) { return nil, errors.New("disk full") })
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("RecordRun = %v, want disk full", err)
	}
	if matches, _ := s.RunsWithOutput(ctx, "x"); len(matches) != 0 {
		t.Errorf("outputs recorded: %+v", matches)
	}
	if n, err := s.VerifyAudit(ctx); n != 5 || err != nil {
		t.Errorf("VerifyAudit = %d, %v; want the 5 records from before", n, err)
	}
	// An output role the schema does not know rolls the run back too.
	_, err = s.RecordRun(ctx, NewRun{StartedAt: time.Now(), FinishedAt: time.Now(), Outputs: []RunOutput{{Role: "other", Path: "/x", SHA256: "x"}}},
		func(int64) ([]byte, error) { return []byte("{}"), nil })
	if err == nil {
		t.Fatal("RecordRun with an unknown role succeeded")
	}
	if err := s.Runs(ctx, RunQuery{}, func(r Run) error { return errors.New("a run was recorded") }); err != nil {
		t.Error(err)
	}
}

// A run whose outputs could not be put in place is marked failed, audited,
// and still verifies.
func TestFailRun(t *testing.T) {
	s := auditedStore(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 23, 19, 0, 0, 0, time.UTC)
	recordRun(t, s, at, "c", "r")
	if err := s.FailRun(ctx, 1, "write /out/leads.clean.csv: permission denied", at); err != nil {
		t.Fatal(err)
	}
	r, err := s.Run(ctx, 1)
	if err != nil || r.Status != RunFailed || r.Failure != "write /out/leads.clean.csv: permission denied" {
		t.Fatalf("Run(1) = %+v, %v", r, err)
	}
	if err := s.VerifyRun(ctx, r); err != nil {
		t.Errorf("VerifyRun: %v", err)
	}
	if n, err := s.VerifyAudit(ctx); n != 7 || err != nil {
		t.Errorf("VerifyAudit = %d, %v; want 7 records, intact", n, err)
	}
	if err := s.FailRun(ctx, 9, "x", at); !errors.Is(err, ErrNoRun) {
		t.Errorf("FailRun(9) = %v, want ErrNoRun", err)
	}
}

// The lists' state: active entries and the newest addition or removal.
func TestListStates(t *testing.T) {
	s := auditedStore(t) // two opt-outs added at 10:00, one removed at 11:00, one purged two days later
	states, err := s.ListStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[scrub.List]ListState{
		scrub.ListOptOut:    {List: scrub.ListOptOut, Active: 0, LastChange: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)},
		scrub.ListBlacklist: {List: scrub.ListBlacklist},
		scrub.ListWhitelist: {List: scrub.ListWhitelist},
		ReviewQueue:         {List: ReviewQueue},
	}
	if len(states) != len(scrub.Lists)+1 {
		t.Fatalf("states = %+v", states)
	}
	for _, st := range states {
		if w := want[st.List]; st.Active != w.Active || !st.LastChange.Equal(w.LastChange) {
			t.Errorf("%s: %+v, want %+v", st.List, st, w)
		}
	}
	// The review queue counts its pending reviews.
	flagged := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	if _, err := s.Flag(context.Background(), []Review{{E164: "+34612345678", Origin: "reply", Reason: "r", Evidence: "e"}}, flagged, "x"); err != nil {
		t.Fatal(err)
	}
	states, err = s.ListStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if q := states[len(states)-1]; q.List != ReviewQueue || q.Active != 1 || !q.LastChange.Equal(flagged) {
		t.Errorf("review queue: %+v", q)
	}
}

// The lists' state a run's proof gives is that of the index it was
// checked against, even when another process adds an opt-out in between;
// and reading both keeps no writer waiting.
func TestLoadIndexAndStatesAgree(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if _, err := s.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelAll}}, at, "ana"); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	later := at.Add(time.Hour)
	var addErr error
	testHookIndexRead = func() {
		_, addErr = other.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34612345302", Channel: scrub.ChannelAll}}, later, "bo")
	}
	defer func() { testHookIndexRead = nil }()

	idx, states, err := s.LoadIndexAndStates(ctx, scrub.Scope{Channel: scrub.ChannelVoice})
	if err != nil {
		t.Fatal(err)
	}
	if addErr != nil {
		t.Fatalf("an opt-out added while the index was read: %v", addErr)
	}
	if idx.Find("+34612345302").OptOut != nil || idx.Find("+34612345678").OptOut == nil {
		t.Fatal("the index does not hold the opt-outs of when it was read")
	}
	optOuts := func(states []ListState) ListState {
		i := slices.IndexFunc(states, func(st ListState) bool { return st.List == scrub.ListOptOut })
		return states[i]
	}
	if st := optOuts(states); st.Active != 1 || !st.LastChange.Equal(at) {
		t.Errorf("opt-out state = %+v, want the index's: 1 active, last changed %v", st, at)
	}
	if now, _ := s.ListStates(ctx); optOuts(now).Active != 2 {
		t.Errorf("the store holds %d opt-outs after the add, want 2", optOuts(now).Active)
	}
}

// LoadIndexAndStates tallies the active entries while it loads them and
// asks SQLite only for the removed ones: its states must be ListStates'.
func TestLoadIndexStatesMatchListStates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	add := func(list scrub.List, e164 string, when time.Time) {
		t.Helper()
		if _, err := s.Add(ctx, []Entry{{List: list, E164: e164, Channel: scrub.ChannelAll}}, when, "ana"); err != nil {
			t.Fatal(err)
		}
	}
	add(scrub.ListOptOut, "+34612345678", at)
	add(scrub.ListOptOut, "+34612345679", at.Add(time.Hour))
	add(scrub.ListBlacklist, "+34612345670", at.Add(2*time.Hour))
	add(scrub.ListBlacklist, "+34612345671", at)
	// The newest change to the blacklist is a removal; the whitelist has only removed entries.
	add(scrub.ListWhitelist, "+34612345672", at)
	if _, err := s.Remove(ctx, scrub.ListBlacklist, []string{"+34612345671"}, "", "r", at.Add(5*time.Hour), "bo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove(ctx, scrub.ListWhitelist, []string{"+34612345672"}, "", "r", at.Add(3*time.Hour), "bo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Flag(ctx, []Review{{E164: "+34612345673", Origin: "reply", Reason: "r", Evidence: "e"}}, at.Add(4*time.Hour), "x"); err != nil {
		t.Fatal(err)
	}
	want, err := s.ListStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := s.LoadIndexAndStates(ctx, scrub.Scope{Channel: scrub.ChannelVoice})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LoadIndexAndStates states = %+v\nListStates = %+v", got, want)
	}
	byList := map[scrub.List]ListState{}
	for _, st := range want {
		byList[st.List] = st
	}
	for list, w := range map[scrub.List]ListState{
		scrub.ListOptOut:    {List: scrub.ListOptOut, Active: 2, LastChange: at.Add(time.Hour)},
		scrub.ListBlacklist: {List: scrub.ListBlacklist, Active: 1, LastChange: at.Add(5 * time.Hour)},
		scrub.ListWhitelist: {List: scrub.ListWhitelist, Active: 0, LastChange: at.Add(3 * time.Hour)},
		ReviewQueue:         {List: ReviewQueue, Active: 1, LastChange: at.Add(4 * time.Hour)},
	} {
		if st := byList[list]; st.Active != w.Active || !st.LastChange.Equal(w.LastChange) {
			t.Errorf("%s: %+v, want %+v", list, st, w)
		}
	}
}
