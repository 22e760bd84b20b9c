package tempfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// deadPID is the pid of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip("cannot run true:", err)
	}
	return cmd.Process.Pid
}

func TestSweep(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "leads.clean.csv")
	dead := strconv.Itoa(deadPID(t))
	live := strconv.Itoa(os.Getpid())
	old := time.Now().Add(-time.Hour)
	files := map[string]time.Time{
		".leads.clean.csv.tmp-" + dead + "-111":          old,        // a killed run's: swept
		".leads.clean.csv.tmp-" + dead + "-222":          time.Now(), // too recent: kept
		".leads.clean.csv.tmp-" + live + "-333":          old,        // a running writer's: kept
		".leads.clean.csv.tmp-444":                       old,        // no pid (older dncctl): kept
		".other.csv.tmp-" + dead + "-555":                old,        // another final name: kept
		".leads.clean.csv.tmp-" + dead + "-666.previous": old,        // moved aside, final missing: put back
	}
	for name, mtime := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(name), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	if n := Sweep(final); n != 1 {
		t.Errorf("Sweep restored %d files, want 1", n)
	}
	for name := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		gone := os.IsNotExist(err)
		wantGone := name == ".leads.clean.csv.tmp-"+dead+"-111" || name == ".leads.clean.csv.tmp-"+dead+"-666.previous"
		if gone != wantGone {
			t.Errorf("%s: gone = %v, want %v", name, gone, wantGone)
		}
	}
	if b, err := os.ReadFile(final); err != nil || string(b) != ".leads.clean.csv.tmp-"+dead+"-666.previous" {
		t.Errorf("final = %q, %v; want the file moved aside, put back", b, err)
	}
	// With the final name present, a file moved aside is only removed.
	prev := filepath.Join(dir, ".leads.clean.csv.tmp-"+dead+"-777.previous")
	if err := os.WriteFile(prev, []byte("old list"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(prev, old, old)
	f, err := Create(final)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(prev); !os.IsNotExist(err) {
		t.Errorf("%s kept beside its final name", prev)
	}
	if want := ".leads.clean.csv.tmp-" + live + "-"; filepath.Base(f.Name())[:len(want)] != want {
		t.Errorf("Create made %s, want a name starting %s", f.Name(), want)
	}
	if info, _ := os.Stat(f.Name()); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
}

// A directory whose name is a glob pattern sweeps only itself: "out [1]"
// must not reach into "out 1".
func TestSweepGlobDirectory(t *testing.T) {
	root := t.TempDir()
	mine, other := filepath.Join(root, "out [1]"), filepath.Join(root, "out 1")
	for _, d := range []string{mine, other} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	dead := strconv.Itoa(deadPID(t))
	old := time.Now().Add(-time.Hour)
	prev := filepath.Join(other, ".clean.csv.tmp-"+dead+"-1.previous")
	tmp := filepath.Join(other, ".clean.csv.tmp-"+dead+"-2")
	for _, p := range []string{prev, tmp} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}
	Sweep(filepath.Join(mine, "clean.csv"))
	for _, p := range []string{prev, tmp} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v (another directory's file)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(mine, "clean.csv")); err == nil {
		t.Errorf("another directory's list was put back under %s", mine)
	}
}

func TestFinal(t *testing.T) {
	for in, want := range map[string]string{
		"/out/.leads.clean.csv.tmp-12-345":          "/out/leads.clean.csv",
		"/out/.leads.clean.csv.tmp-12-345.previous": "/out/leads.clean.csv",
		"/out/.a.tmp-b.csv.tmp-9":                   "/out/a.tmp-b.csv",
		"/out/leads.csv":                            "",
		"/out/.tmp-1":                               "",
	} {
		if got, ok := Final(in); got != want || ok != (want != "") {
			t.Errorf("Final(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got := Previous("/out/.x.tmp-1-2"); got != "/out/.x.tmp-1-2.previous" {
		t.Errorf("Previous = %q", got)
	}
}
