package exporters

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"os"

	"github.com/dncctl/dncctl/internal/tempfile"
)

// AtomicFile is a file written under a temporary name beside its final one,
// owner-only, and renamed into place by Commit.
type AtomicFile struct {
	final    string
	f        *os.File
	finished bool // synced and closed, ready to be renamed
	done     bool // renamed into place, or aborted
	// sum and size cover the bytes as written, so that a run can record
	// what it publishes without reading its outputs back.
	sum  hash.Hash
	size int64
}

// CreateAtomic starts an atomic file that will be named final. The temporary
// file is in the same directory, so that the rename is atomic.
func CreateAtomic(final string) (*AtomicFile, error) {
	// Known now, not at the rename: an import's report is renamed after the
	// store has committed, when failing could no longer undo anything.
	if info, err := os.Stat(final); err == nil && info.IsDir() {
		return nil, fmt.Errorf("create %s: a directory of that name is in the way", final)
	}
	f, err := tempfile.Create(final)
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", final, unwrapPath(err))
	}
	return &AtomicFile{final: final, f: f, sum: sha256.New()}, nil
}

// Name is the file's final name.
func (a *AtomicFile) Name() string { return a.final }

// Write writes to the temporary file.
func (a *AtomicFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	a.sum.Write(p[:n])
	a.size += int64(n)
	if err != nil {
		err = fmt.Errorf("write %s: %w", a.final, unwrapPath(err))
	}
	return n, err
}

// Commit flushes the file to disk and renames it into place.
func (a *AtomicFile) Commit() error { return CommitAll(a) }

func (a *AtomicFile) staged() *AtomicFile { return a }

func (a *AtomicFile) finish() error {
	if a.finished {
		return nil
	}
	if a.done {
		return errors.New("write " + a.final + ": already committed or aborted")
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", a.final, unwrapPath(err))
	}
	if err := a.f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", a.final, unwrapPath(err))
	}
	a.finished = true
	return nil
}

// Abort removes the temporary file. It does nothing after Commit.
func (a *AtomicFile) Abort() error {
	if a.done {
		return nil
	}
	a.done = true
	if !a.finished {
		a.f.Close()
	}
	if err := os.Remove(a.f.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// WriteFile writes data to path atomically.
func WriteFile(path string, data []byte) error {
	a, err := CreateAtomic(path)
	if err != nil {
		return err
	}
	if _, err := a.Write(data); err != nil {
		a.Abort()
		return err
	}
	return a.Commit()
}

// syncDir makes a rename durable. Errors are ignored: some file systems
// cannot sync a directory, and the file itself is already on disk.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
