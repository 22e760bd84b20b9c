package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// No output of a scrub may replace what the run reads its rules from:
// renamed into place, it would replace the store whole.
func TestOutputsSpareStoreConfigAndKeys(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "store", "dncctl.db")
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{db, filepath.Join(dir, "dncctl.yaml"), filepath.Join(dir, "partner.key")} {
		if err := os.WriteFile(f, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Link(db, filepath.Join(dir, "hard.db")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "store"), filepath.Join(dir, "linked")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	planned := []scrubOutput{{input: "leads.csv", clean: "out/leads.clean.csv", rejected: "out/leads.rejected.csv"}}
	tests := []struct {
		name        string
		certificate string
		summary     string
		planned     []scrubOutput
		want        string // "" for no error
	}{
		{"elsewhere", "out/cert.json", "out/summary.json", planned, ""},
		{"the store", db, "", planned, "--certificate " + db + " would overwrite the store"},
		{"the store, relative", "", "store/../store/dncctl.db", planned, "would overwrite the store"},
		{"its -wal", "store/dncctl.db-wal", "", planned, "would overwrite the store's -wal"},
		{"its -journal, through a linked directory", "linked/dncctl.db-journal", "", planned, "would overwrite the store's -journal"},
		{"a hard link to it", "hard.db", "", planned, "would overwrite the store"},
		{"the config file", "", "dncctl.yaml", planned, "--summary-json dncctl.yaml would overwrite the config file"},
		{"a key file", "partner.key", "", planned, "would overwrite the key file partner.key"},
		{"the clean list", "", "", []scrubOutput{{input: "x.csv", clean: "store/dncctl.db", rejected: "x.rejected.csv"}}, "the clean list store/dncctl.db would overwrite the store"},
		{"the rejection report", "", "", []scrubOutput{{input: "x.csv", clean: "x.clean.csv", rejected: "store/dncctl.db-shm"}}, "the rejection report store/dncctl.db-shm would overwrite the store's -shm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := &scrubOptions{
				StorePath:   func() string { return db },
				Rules:       func() *fileConfig { return &fileConfig{Path: "dncctl.yaml"} },
				KeyFiles:    []string{"partner.key"},
				Certificate: tt.certificate,
				SummaryJSON: tt.summary,
			}
			err := checkOutputsSpare(opts, tt.planned)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("checkOutputsSpare = %v, want no error", err)
				}
				return
			}
			var usage *usageError
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("checkOutputsSpare = %v, want an error saying %q", err, tt.want)
			}
			if !errors.As(err, &usage) {
				t.Errorf("%v is not a usage error", err)
			}
		})
	}
}
