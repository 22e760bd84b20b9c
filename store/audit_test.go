package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

func auditedStore(t *testing.T) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetActor(Actor{Command: "dncctl optout add", User: "ana"})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if _, err := s.Add(ctx, []Entry{
		{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelAll, Reason: "asked", Source: "customer"},
		{List: scrub.ListOptOut, E164: "+34612345679", Channel: scrub.ChannelSMS, Reason: "STOP", ExpiresAt: at.AddDate(0, 0, 1)},
	}, at, "ana"); err != nil {
		t.Fatal(err)
	}
	s.SetActor(Actor{Command: "dncctl optout remove", User: "bo"})
	if _, err := s.Remove(ctx, scrub.ListOptOut, []string{"+34612345678"}, "", "re-subscribed", at.Add(time.Hour), "bo"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeExpired(ctx, at.AddDate(0, 0, 2), "cron"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportRegistry(ctx, "es", "ES", true, []RegistryChange{{E164: "+34699111222"}}, at); err != nil {
		t.Fatal(err)
	}
	return s
}

// Every change is a record, chained; the history of a number answers
// "when did this person opt out, and who removed them?".
func TestAuditRecordsEveryChange(t *testing.T) {
	s := auditedStore(t)
	ctx := context.Background()
	n, err := s.VerifyAudit(ctx)
	if err != nil || n != 5 {
		t.Fatalf("VerifyAudit = %d, %v; want 5 records, intact", n, err)
	}
	var got []string
	s.Audit(ctx, AuditQuery{E164: "+34612345678"}, func(r AuditRecord) error {
		got = append(got, r.Action+" by "+r.User+" ("+r.Command+"): "+r.Detail)
		return nil
	})
	want := []string{
		"add by ana (dncctl optout add): channel all; source customer; reason: asked",
		"remove by bo (dncctl optout remove): 1 entries; reason: re-subscribed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An edit or a deletion made outside dncctl is found, and the first broken
// record named.
func TestAuditVerifyFindsTampering(t *testing.T) {
	for _, tc := range []struct {
		name, sql, want string
	}{
		{"edited", `UPDATE audit SET detail = 'channel sms' WHERE id = 1`, "record 1 was changed after it was written"},
		{"deleted", `DELETE FROM audit WHERE id = 2`, "record 2 is missing"},
		{"forged", `UPDATE audit SET prev_hash = 'x' WHERE id = 3`, "record 3 does not follow record 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := auditedStore(t)
			if _, err := s.db.Exec(tc.sql); err != nil {
				t.Fatal(err)
			}
			_, err := s.VerifyAudit(context.Background())
			if !errors.Is(err, ErrAuditBroken) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("VerifyAudit = %v, want %q", err, tc.want)
			}
		})
	}
}
