package store

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// A store from before scrub --report keeps its runs' outputs, in the order
// they were written, and records a report workbook once upgraded.
func TestReportRoleMigration(t *testing.T) {
	ctx := context.Background()
	steps, err := migrationSteps()
	if err != nil {
		t.Fatal(err)
	}
	before := -1
	for i, s := range steps {
		if strings.Contains(s, "'certificate', 'report'") {
			before = i
		}
	}
	if before < 0 {
		t.Fatal("no migration adds the report role")
	}
	path := filepath.Join(t.TempDir(), "old.db")
	oldStore(t, path, before)
	execOn(t, path,
		`INSERT INTO runs (id, started_at, finished_at, command, os_user, version, certificate, certificate_sha256)
			VALUES (1, '2026-11-20T10:00:00Z', '2026-11-20T10:01:00Z', 'dncctl scrub', 'ana', 'v1', '{}', 'x')`,
		`INSERT INTO run_outputs (run_id, role, path, sha256) VALUES (1, 'rejected', '/out/z.rejected.csv', 'r')`,
		`INSERT INTO run_outputs (run_id, role, path, sha256) VALUES (1, 'clean', '/out/a.clean.csv', 'c')`,
	)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Run(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := []RunOutput{{RoleRejected, "/out/z.rejected.csv", "r"}, {RoleClean, "/out/a.clean.csv", "c"}}
	if !reflect.DeepEqual(r.Outputs, want) {
		t.Errorf("outputs after the upgrade %+v, want %+v", r.Outputs, want)
	}

	at := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	rec, err := s.RecordRun(ctx, NewRun{StartedAt: at, FinishedAt: at, Version: "v2",
		Outputs: []RunOutput{{Role: RoleReport, Path: "/out/run.xlsx", SHA256: "w"}}},
		func(int64) ([]byte, error) { return []byte("{}"), nil })
	if err != nil {
		t.Fatalf("recording a report: %v", err)
	}
	matches, err := s.RunsWithOutput(ctx, "w")
	if err != nil || len(matches) != 1 || matches[0].Run.ID != rec.ID || matches[0].Output.Role != RoleReport {
		t.Errorf("RunsWithOutput = %+v, %v", matches, err)
	}
}
