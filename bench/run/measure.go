package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// usage is what one run of the binary cost.
type usage struct {
	wall  time.Duration
	cpu   time.Duration // user + system
	rssKB int64         // peak resident set, KiB (Linux's ru_maxrss)
}

// dncctl runs the binary under test with its own empty config and no
// DNCCTL_* settings, so that nothing on the machine changes what it does.
type dncctl struct {
	bin    string
	config string // an empty config file
	env    []string
}

func newDncctl(bin, dataDir string) (*dncctl, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("binary under test: %w (make build writes bin/dncctl)", err)
	}
	// Run a copy: a rebuild of bin/dncctl during the run must not change
	// the binary half-way through the table.
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, err
	}
	copied := filepath.Join(dataDir, "dncctl-under-test")
	if abs, err := filepath.Abs(bin); err == nil && abs == copied {
		return nil, fmt.Errorf("%s is the benchmark's own copy: copy it elsewhere to run it again", bin)
	}
	if err := copyFile(bin, copied); err != nil {
		return nil, fmt.Errorf("copy the binary under test: %w", err)
	}
	if err := os.Chmod(copied, 0o755); err != nil {
		return nil, err
	}
	bin = copied
	home := filepath.Join(dataDir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return nil, err
	}
	config := filepath.Join(dataDir, "empty.yaml")
	if err := os.WriteFile(config, []byte("# no settings: the benchmark runs dncctl's defaults\n"), 0o644); err != nil {
		return nil, err
	}
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "DNCCTL_") || strings.HasPrefix(kv, "XDG_CONFIG_HOME=") || strings.HasPrefix(kv, "XDG_DATA_HOME=")
	})
	env = append(env, "XDG_CONFIG_HOME="+home, "XDG_DATA_HOME="+home)
	return &dncctl{bin: bin, config: config, env: env}, nil
}

// run runs dncctl with args and measures it. Exit codes in ok are success
// too (check exits 3 for a number that may not be called).
//
// It runs dncctl through a copy of this program (see spawn): Linux counts
// the memory of the process a child was forked from in the child's peak
// RSS, and this process holds a million leads for the nyaruka loop.
func (d *dncctl) run(ctx context.Context, args []string, ok ...int) (usage, error) {
	self, err := os.Executable()
	if err != nil {
		return usage{}, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return usage{}, err
	}
	defer r.Close()
	cmd := exec.CommandContext(ctx, self, append([]string{spawnArg, d.bin, "--config", d.config}, args...)...)
	cmd.Env = d.env
	cmd.ExtraFiles = []*os.File{w}
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	err = cmd.Run()
	w.Close()
	var exit *exec.ExitError
	if errors.As(err, &exit) && slices.Contains(ok, exit.ExitCode()) {
		err = nil
	}
	if err != nil {
		return usage{}, fmt.Errorf("dncctl %s: %w\n%s", strings.Join(args, " "), err, tail(stderr.String(), 2000))
	}
	var u usage
	if _, err := fmt.Fscan(r, &u.wall, &u.cpu, &u.rssKB); err != nil {
		return usage{}, fmt.Errorf("dncctl %s: read its usage: %w", strings.Join(args, " "), err)
	}
	return u, nil
}

// spawnArg makes this program run the command after it and write the
// command's wall time, CPU time and peak RSS to file descriptor 3.
const spawnArg = "-spawn-and-measure"

// spawn is the small process run forks dncctl from. It exits with
// dncctl's exit code.
func spawn(args []string) int {
	report := os.NewFile(3, "usage")
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var cpu time.Duration
	var rss int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		cpu, rss = time.Duration(ru.Utime.Nano()+ru.Stime.Nano()), ru.Maxrss
	}
	fmt.Fprintln(report, int64(wall), int64(cpu), rss)
	return cmd.ProcessState.ExitCode()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// storeSize is the bytes a store takes on disk, with its WAL if any.
func storeSize(db string) (int64, error) {
	var total int64
	for _, p := range []string{db, db + "-wal"} {
		st, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) && p != db {
			continue
		}
		if err != nil {
			return 0, err
		}
		total += st.Size()
	}
	return total, nil
}

// removeStore deletes a store and its companion files.
func removeStore(db string) error {
	for _, p := range []string{db, db + "-wal", db + "-shm", db + "-journal", db + "-index", db + "-registries"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// copyStore copies a closed store (and its WAL, if one was left, and its
// index snapshot, which holds for the copy too) to dst.
func copyStore(src, dst string) error {
	if err := removeStore(dst); err != nil {
		return err
	}
	for _, suffix := range []string{"", "-wal", "-index"} {
		if err := copyFile(src+suffix, dst+suffix); err != nil {
			if suffix != "" && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// fileSize is the size of the file at path; 0 when there is none.
func fileSize(path string) (int64, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}
