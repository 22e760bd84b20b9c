package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestDocsUpToDate fails when a command's help changed but docs/cli was not
// regenerated with "make docs".
func TestDocsUpToDate(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"gen-docs", "--dir", dir}, &iostreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut}); code != 0 {
		t.Fatalf("gen-docs exited %d: %s", code, errOut.String())
	}
	committed := filepath.Join("..", "..", "docs", "cli")
	for _, sub := range []string{".", "man"} {
		fresh, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range fresh {
			if e.IsDir() {
				continue
			}
			want, _ := os.ReadFile(filepath.Join(dir, sub, e.Name()))
			got, err := os.ReadFile(filepath.Join(committed, sub, e.Name()))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("docs/cli/%s is missing or stale: run make docs", filepath.Join(sub, e.Name()))
			}
		}
	}
}
