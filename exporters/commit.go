package exporters

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dncctl/dncctl/internal/tempfile"
)

// rename is os.Rename; tests replace it to make a rename fail half way.
var rename = os.Rename

// Output is a file being written under a temporary name: a Writer or an
// AtomicFile. Only this package's types are Outputs.
type Output interface {
	// Abort removes the unfinished file. It does nothing after a commit.
	Abort() error
	finish() error
	staged() *AtomicFile
}

// CommitAll puts several outputs in place as one: either all of them appear
// under their final names, or none does and the files that were there
// before are left as they were.
//
// Every file is first finished and synced, and every final name checked;
// then each file is renamed into place, the file it replaces kept aside
// until all are in. If a rename fails, the ones already done are undone.
func CommitAll(outs ...Output) error {
	abortAll := func() {
		for _, o := range outs {
			o.Abort()
		}
	}
	for _, o := range outs {
		if err := o.finish(); err != nil {
			abortAll()
			return err
		}
	}
	for _, o := range outs {
		final := o.staged().final
		if st, err := os.Stat(final); err == nil && st.IsDir() {
			abortAll()
			return fmt.Errorf("write %s: a directory of that name is in the way", final)
		}
	}
	type installed struct {
		a        *AtomicFile
		previous string // where the file it replaced was kept, or ""
	}
	var done []installed
	undo := func() {
		for i := len(done) - 1; i >= 0; i-- {
			d := done[i]
			if d.previous != "" {
				rename(d.previous, d.a.final)
			} else {
				os.Remove(d.a.final)
			}
		}
	}
	for _, o := range outs {
		a := o.staged()
		previous := ""
		if _, err := os.Lstat(a.final); err == nil {
			previous = tempfile.Previous(a.f.Name())
			if err := rename(a.final, previous); err != nil {
				undo()
				abortAll()
				return fmt.Errorf("write %s: %w", a.final, unwrapLink(err))
			}
		}
		if err := rename(a.f.Name(), a.final); err != nil {
			if previous != "" {
				rename(previous, a.final)
			}
			undo()
			abortAll()
			return fmt.Errorf("write %s: %w", a.final, unwrapLink(err))
		}
		a.done = true
		done = append(done, installed{a: a, previous: previous})
	}
	dirs := map[string]bool{}
	for _, d := range done {
		if d.previous != "" {
			os.Remove(d.previous)
		}
		dirs[filepath.Dir(d.a.final)] = true
	}
	for dir := range dirs {
		syncDir(dir)
	}
	return nil
}

// Digest is what a finished output holds: its size and SHA-256, of the
// bytes as they were written.
type Digest struct {
	Path   string // the final name
	Size   int64
	SHA256 string // hex
}

// FinishAll finishes outputs (flushed, synced and closed under their
// temporary names) without putting any in place, and returns what each
// holds, so that a caller can record what it is about to publish before
// CommitAll renames them. On error, every output is aborted.
func FinishAll(outs ...Output) ([]Digest, error) {
	digests := make([]Digest, len(outs))
	for i, o := range outs {
		if err := o.finish(); err != nil {
			for _, o := range outs {
				o.Abort()
			}
			return nil, err
		}
		a := o.staged()
		digests[i] = Digest{Path: a.final, Size: a.size, SHA256: hex.EncodeToString(a.sum.Sum(nil))}
	}
	return digests, nil
}
