package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptLeavesNothing sends SIGINT and SIGTERM to a real scrub in the
// middle of a large file: it must stop with 130 or 143, say so, and leave no
// output, not even a temporary file.
func TestInterruptLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("scrubs a large file")
	}
	dir := t.TempDir()
	bin := dncctlBinary(t)
	leads := filepath.Join(dir, "leads.csv")
	writeLeads(t, leads, 400_000)

	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, exitInterrupted}, {syscall.SIGTERM, exitTerminated}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			out := filepath.Join(dir, "out-"+fmt.Sprint(int(tc.sig)))
			if err := os.Mkdir(out, 0o700); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "scrub", leads, "--region", "ES", "--out-dir", out, "--db", filepath.Join(dir, "store.db"), "--allow-empty-store")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForTempFile(t, out)
			if err := cmd.Process.Signal(tc.sig); err != nil {
				t.Fatal(err)
			}
			err := cmd.Wait()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) || exitErr.ExitCode() != tc.code {
				t.Fatalf("exit: %v, want code %d; stderr:\n%s", err, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "Interrupted") {
				t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
			}
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				t.Errorf("left behind: %s", e.Name())
			}
		})
	}
}

// waitForTempFile returns once the scrub has started writing its outputs.
func waitForTempFile(t *testing.T, dir string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("scrub never started writing")
}

func writeLeads(t *testing.T, path string, rows int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "name,phone")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(w, "Lead %d,6%08d\n", i, i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestInterruptWhileBlocked sends SIGTERM to a scrub blocked reading its
// standard input from a pipe that sends nothing: it must still stop
// promptly with 143 and leave no output under a final name.
func TestInterruptWhileBlocked(t *testing.T) {
	dir := t.TempDir()
	bin := dncctlBinary(t)
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "scrub", "-", "--region", "ES", "--out-dir", out, "--db", filepath.Join(dir, "store.db"), "--allow-empty-store")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A header and one row, then nothing: the scrub waits for more.
	fmt.Fprintf(stdin, "name,phone\nAna,612345678\n")
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitTerminated {
		t.Fatalf("exit: %v, want %d; stderr:\n%s", err, exitTerminated, stderr.String())
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v to stop", took)
	}
	if !strings.Contains(stderr.String(), "Interrupted") {
		t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		if !strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("left under a final name: %s", e.Name())
		}
	}
}
