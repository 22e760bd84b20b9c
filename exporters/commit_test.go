package exporters

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newOutputs starts three CSV outputs in dir, each with one row naming it.
func newOutputs(t *testing.T, dir string, names ...string) []Output {
	t.Helper()
	var outs []Output
	for _, n := range names {
		w, err := Create(filepath.Join(dir, n), CSV, []string{"h"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write([]string{"new " + n}); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, w)
	}
	return outs
}

// listDir names every file in dir with its content.
func listDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			got[e.Name()] = "<dir>"
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got[e.Name()] = string(b)
	}
	return got
}

func TestCommitAllInstallsEverything(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "b.csv"), []byte("old b"), 0o600)
	if err := CommitAll(newOutputs(t, dir, "a.csv", "b.csv", "c.csv")...); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.csv": "h\nnew a.csv\n", "b.csv": "h\nnew b.csv\n", "c.csv": "h\nnew c.csv\n"}
	if got := listDir(t, dir); !equalMaps(got, want) {
		t.Errorf("dir = %q, want %q", got, want)
	}
}

// A directory made where the last output goes while it was written (one
// already there is refused by CreateAtomic): nothing is installed, nothing
// is left behind, the previous files are untouched.
func TestCommitAllDirectoryInTheWay(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("old a"), 0o600)
	outputs := newOutputs(t, dir, "a.csv", "b.csv", "c.csv")
	os.Mkdir(filepath.Join(dir, "c.csv"), 0o700)
	err := CommitAll(outputs...)
	if err == nil || !strings.Contains(err.Error(), "c.csv: a directory of that name is in the way") {
		t.Fatalf("err = %v", err)
	}
	want := map[string]string{"a.csv": "old a", "c.csv": "<dir>"}
	if got := listDir(t, dir); !equalMaps(got, want) {
		t.Errorf("dir = %q, want %q", got, want)
	}
}

// A rename that fails half way: the files already renamed are taken back
// and the ones they replaced restored.
func TestCommitAllUndoesHalfDone(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.csv"), []byte("old a"), 0o600)
	calls := 0
	rename = func(from, to string) error {
		calls++
		if strings.HasSuffix(to, "c.csv") {
			return errors.New("disk on fire")
		}
		return os.Rename(from, to)
	}
	defer func() { rename = os.Rename }()
	err := CommitAll(newOutputs(t, dir, "a.csv", "b.csv", "c.csv")...)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
	want := map[string]string{"a.csv": "old a"}
	if got := listDir(t, dir); !equalMaps(got, want) {
		t.Errorf("dir = %q, want %q (after %d renames)", got, want, calls)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
