// Package tempfile makes the temporary files outputs are written to before
// they are renamed into place, and removes those a killed run left behind.
//
// A temporary file is named ".<final>.tmp-<pid>-<random>" beside its final
// name, owner-only. Before a new one is made, leftovers of the same final
// name are swept: those of processes no longer running, untouched for a
// minute. A file a killed commit had moved aside (".tmp-….previous") is put
// back if the final name is missing, else removed. Without this, a scrub
// killed by hand left a hidden file full of phone numbers that nothing
// ever removed.
package tempfile

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Settle is how long a leftover must be untouched before it is swept: a
// writer on another machine sharing the directory still touches its file.
var Settle = time.Minute

// Create makes a temporary file for final, after sweeping final's leftovers.
func Create(final string) (*os.File, error) {
	Sweep(final)
	return os.CreateTemp(filepath.Dir(final), prefix(final)+strconv.Itoa(os.Getpid())+"-*")
}

func prefix(final string) string { return "." + filepath.Base(final) + ".tmp-" }

// previousSuffix marks where a commit keeps the file it replaces, beside
// the temporary file replacing it, until every output is in place.
const previousSuffix = ".previous"

// Previous is the name a commit moves the file temp replaces to.
func Previous(temp string) string { return temp + previousSuffix }

// Final is the final name a temporary file (or a file moved aside for it)
// stands for: dir/.leads.csv.tmp-… is dir/leads.csv.
func Final(temp string) (string, bool) {
	base := filepath.Base(temp)
	i := strings.LastIndex(base, ".tmp-")
	if i < 1 || base[0] != '.' {
		return "", false
	}
	return filepath.Join(filepath.Dir(temp), base[1:i]), true
}

// Sweep removes the leftovers of killed runs writing final, and puts back
// a file such a run had moved aside when final is missing. It returns how
// many it put back.
func Sweep(final string) (restored int) {
	dir := filepath.Dir(final)
	// Read the directory itself: a glob would take brackets or stars in
	// its name as patterns, and reach into another directory.
	entries, _ := os.ReadDir(dir)
	for _, entry := range entries {
		rest, mine := strings.CutPrefix(entry.Name(), prefix(final))
		if !mine {
			continue
		}
		name := filepath.Join(dir, entry.Name())
		pid, ok := writerPID(rest)
		info, err := os.Lstat(name)
		if !ok || err != nil || !info.Mode().IsRegular() || alive(pid) || time.Since(info.ModTime()) < Settle {
			continue
		}
		if strings.HasSuffix(name, previousSuffix) {
			if _, err := os.Lstat(final); errors.Is(err, os.ErrNotExist) && os.Rename(name, final) == nil {
				restored++
				continue
			}
		}
		os.Remove(name)
	}
	return restored
}

// writerPID reads the pid from what follows ".tmp-" in a temporary name:
// "<pid>-<random>[.previous]".
func writerPID(rest string) (int, bool) {
	p, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	pid, err := strconv.Atoi(p)
	return pid, err == nil && pid > 0
}

// alive reports whether a process pid runs on this machine (or may: one
// of another user answers EPERM).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
