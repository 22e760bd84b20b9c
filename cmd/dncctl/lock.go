package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// errLocked is returned when another run holds the lock.
var errLocked = errors.New("another run holds the lock")

// runLock is an exclusive lock on a file, held for a whole nightly run.
// flock(2) locks end with their process, so a run that was killed leaves
// the lock free; the file keeps the pid and start of the last holder, and
// a clean exit empties it, so a non-empty file found free is a run that
// ended without releasing it.
type runLock struct {
	f *os.File
	// Stale names the killed run whose lock was taken over, or "".
	Stale string
}

// takeLock takes the lock at path, or fails at once with errLocked naming
// its holder.
func takeLock(path string, now time.Time) (*runLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := io.ReadAll(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w %s (%s)", errLocked, path, strings.TrimSpace(string(holder)))
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	l := &runLock{f: f}
	if last, _ := io.ReadAll(f); len(strings.TrimSpace(string(last))) > 0 {
		l.Stale = strings.TrimSpace(string(last))
	}
	stamp := "pid " + strconv.Itoa(os.Getpid()) + ", since " + now.UTC().Format(time.RFC3339)
	if err := f.Truncate(0); err != nil {
		l.release()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if _, err := f.WriteAt([]byte(stamp+"\n"), 0); err != nil {
		l.release()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return l, nil
}

// release empties the file (a clean end) and lets the lock go.
func (l *runLock) release() {
	l.f.Truncate(0)
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}
