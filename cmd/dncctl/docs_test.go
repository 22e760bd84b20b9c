//go:build gendocs

package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/dncctl/dncctl/internal/goldendir"
)

// TestDocsUpToDate fails when a command's help changed but docs/cli was not
// regenerated with "make docs".
func TestDocsUpToDate(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"gen-docs", "--dir", dir}, &iostreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut}); code != 0 {
		t.Fatalf("gen-docs exited %d: %s", code, errOut.String())
	}
	goldendir.Check(t, dir, filepath.Join("..", "..", "docs", "cli"), "run make docs")
}
