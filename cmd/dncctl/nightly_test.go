package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRunLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	now := time.Date(2026, 11, 23, 2, 15, 0, 0, time.UTC)
	first, err := takeLock(path, now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Stale != "" {
		t.Errorf("a new lock is stale: %q", first.Stale)
	}
	_, err = takeLock(path, now)
	if !errors.Is(err, errLocked) || !strings.Contains(err.Error(), "since 2026-11-23T02:15:00Z") {
		t.Fatalf("second lock: %v", err)
	}
	first.release()
	again, err := takeLock(path, now)
	if err != nil || again.Stale != "" {
		t.Fatalf("after a clean release: %v, stale %q", err, again.Stale)
	}
	// A holder that ended without releasing leaves its stamp behind.
	again.f.Close()
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "pid ") {
		t.Fatalf("lock file holds %q", b)
	}
	taken, err := takeLock(path, now)
	if err != nil || !strings.HasPrefix(taken.Stale, "pid ") {
		t.Fatalf("taking over: %v, stale %q", err, taken.Stale)
	}
	taken.release()
}

func TestExpandBraces(t *testing.T) {
	got := expandBraces("*.{csv,xlsx}")
	if !slices.Equal(got, []string{"*.csv", "*.xlsx"}) {
		t.Errorf("expandBraces = %v", got)
	}
	j := nightlyJob{Pattern: "leads-{es,fr}.{csv,csv.gz}"}
	for name, want := range map[string]bool{"leads-es.csv": true, "leads-fr.csv.gz": true, "leads-de.csv": false, "leads-es.xlsx": false} {
		if j.matches(name) != want {
			t.Errorf("matches(%q) = %v", name, !want)
		}
	}
}

func TestArchive(t *testing.T) {
	dir := t.TempDir()
	in, arch := filepath.Join(dir, "inbox"), filepath.Join(dir, "archive")
	os.MkdirAll(in, 0o700)
	write := func(name, content string) string {
		p := filepath.Join(in, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := write("a.csv", "one")
	sum, _, _ := hashFile(p)
	if name, err := archive(p, arch, sum); err != nil || name != "a.csv" {
		t.Fatalf("archive: %q %v", name, err)
	}
	// Another a.csv with other content keeps both.
	p = write("a.csv", "two")
	sum2, _, _ := hashFile(p)
	if name, err := archive(p, arch, sum2); err != nil || name != "a-"+sum2[:8]+".csv" {
		t.Fatalf("archive of another a.csv: %q %v", name, err)
	}
	// The same content again (a rerun) removes the input only.
	p = write("a.csv", "one")
	if name, err := archive(p, arch, sum); err != nil || name != "a.csv" {
		t.Fatalf("archive again: %q %v", name, err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("the input is still in the inbox")
	}
	if b, _ := os.ReadFile(filepath.Join(arch, "a.csv")); string(b) != "one" {
		t.Errorf("archive/a.csv holds %q", b)
	}
}

// TestReportStem: a rescrub in the same second as the one before (a rerun
// after a crash) gets a report of its own instead of replacing that one.
func TestReportStem(t *testing.T) {
	dir := t.TempDir()
	stem := "inuse.20261123T021500Z"
	if got := reportStem(dir, stem); got != stem {
		t.Fatalf("first report: %q", got)
	}
	for _, want := range []string{stem + "-2", stem + "-3"} {
		if err := os.WriteFile(filepath.Join(dir, reportStem(dir, stem)+".rejected.csv"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if got := reportStem(dir, stem); got != want {
			t.Errorf("next report: %q, want %q", got, want)
		}
	}
}
