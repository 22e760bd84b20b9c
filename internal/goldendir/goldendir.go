// Package goldendir checks that committed generated files are exactly what
// their generator writes: no hand edits, no generator change left
// unregenerated, no stray files.
package goldendir

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Check compares the tree a generator just wrote in fresh with the
// committed tree, file by file, and fails t naming each difference, with
// how to regenerate.
func Check(t testing.TB, fresh, committed, regenerate string) {
	t.Helper()
	want := files(t, fresh)
	got := files(t, committed)
	for name, data := range want {
		have, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s is missing: %s", filepath.Join(committed, name), regenerate)
		case !bytes.Equal(have, data):
			t.Errorf("%s is not what the generator writes: %s", filepath.Join(committed, name), regenerate)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s is not written by the generator: remove it, or %s", filepath.Join(committed, name), regenerate)
		}
	}
}

// files reads every file under root, by its path relative to root.
func files(t testing.TB, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, path)
		out[rel] = data
		return err
	})
	if err != nil {
		t.Fatalf("read %s: %v", root, err)
	}
	return out
}
