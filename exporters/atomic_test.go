package exporters

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// names lists the files in dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range ents {
		out = append(out, e.Name())
	}
	slices.Sort(out)
	return out
}

// onlyTemp checks that dir holds nothing but the temporary file of final
// (and the files in keep), and returns the temporary file's path.
func onlyTemp(t *testing.T, dir, final string, keep ...string) string {
	t.Helper()
	var tmp []string
	for _, n := range names(t, dir) {
		if slices.Contains(keep, n) {
			continue
		}
		if !strings.HasPrefix(n, "."+filepath.Base(final)+".tmp-") {
			t.Errorf("unexpected file %s in %s", n, dir)
			continue
		}
		tmp = append(tmp, n)
	}
	if len(tmp) != 1 {
		t.Fatalf("temporary files = %v, want one", tmp)
	}
	return filepath.Join(dir, tmp[0])
}

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestAtomicFileCommit(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "summary.json")
	a, err := CreateAtomic(final)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name() != final {
		t.Errorf("Name() = %q, want %q", a.Name(), final)
	}
	if _, err := a.Write([]byte(`{"rows":`)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("3}\n")); err != nil {
		t.Fatal(err)
	}
	tmp := onlyTemp(t, dir, final)
	if m := mode(t, tmp); m != 0o600 {
		t.Errorf("temporary file mode = %o, want 600", m)
	}
	if err := a.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"summary.json"}) {
		t.Errorf("after Commit the directory holds %v", got)
	}
	if got := readString(t, final); got != "{\"rows\":3}\n" {
		t.Errorf("content = %q", got)
	}
	if m := mode(t, final); m != 0o600 {
		t.Errorf("file mode = %o, want 600", m)
	}
	// Abort after Commit does nothing; a second Commit is refused.
	if err := a.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if _, err := os.Stat(final); err != nil {
		t.Errorf("Abort after Commit removed the file: %v", err)
	}
	if err := a.Commit(); err == nil {
		t.Error("second Commit succeeded")
	}
}

func TestAtomicFileAbort(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "out.csv")
	a, err := CreateAtomic(final)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("half a file")); err != nil {
		t.Fatal(err)
	}
	if err := a.Abort(); err != nil {
		t.Fatalf("Abort: %v", err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("after Abort the directory holds %v", got)
	}
	if err := a.Abort(); err != nil {
		t.Errorf("second Abort: %v", err)
	}
	if err := a.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("after Commit of an aborted file the directory holds %v", got)
	}
}

func TestAtomicFileReplaces(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "out.csv")
	if err := os.WriteFile(final, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := CreateAtomic(final)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("new\n")); err != nil {
		t.Fatal(err)
	}
	onlyTemp(t, dir, final, "out.csv")
	if got := readString(t, final); got != "old\n" {
		t.Errorf("before Commit the old file reads %q", got)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, final); got != "new\n" {
		t.Errorf("after Commit the file reads %q", got)
	}
	if m := mode(t, final); m != 0o600 {
		t.Errorf("replaced file mode = %o, want 600", m)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"out.csv"}) {
		t.Errorf("directory holds %v", got)
	}
}

func TestAtomicFileMissingDirectory(t *testing.T) {
	final := filepath.Join(t.TempDir(), "missing", "out.csv")
	a, err := CreateAtomic(final)
	if err == nil {
		a.Abort()
		t.Fatal("CreateAtomic in a missing directory succeeded")
	}
	if !strings.Contains(err.Error(), final) {
		t.Errorf("error %q does not name %s", err, final)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %q does not wrap fs.ErrNotExist", err)
	}
	// The temporary name is not shown.
	if strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error %q shows the temporary name", err)
	}
}

func TestAtomicFileDirectoryGoneBeforeCommit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	final := filepath.Join(dir, "out.csv")
	a, err := CreateAtomic(final)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	err = a.Commit()
	if err == nil {
		t.Fatal("Commit into a removed directory succeeded")
	}
	if !strings.Contains(err.Error(), final) || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("error %q should name %s and not the temporary file", err, final)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the directory came back: %v", err)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.json")
	if err := WriteFile(path, []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("two\n")); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, path); got != "two\n" {
		t.Errorf("content = %q", got)
	}
	if m := mode(t, path); m != 0o600 {
		t.Errorf("mode = %o, want 600", m)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"summary.json"}) {
		t.Errorf("directory holds %v", got)
	}
	if err := WriteFile(path, nil); err != nil || readString(t, path) != "" {
		t.Errorf("WriteFile of nothing: %v, content %q", err, readString(t, path))
	}

	missing := filepath.Join(dir, "no", "such", "summary.json")
	err := WriteFile(missing, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("WriteFile into a missing directory = %v, want an error naming %s", err, missing)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"summary.json"}) {
		t.Errorf("directory holds %v", got)
	}

	// A directory in the way of the final name: the rename fails and
	// leaves neither the temporary file nor a changed directory.
	blocked := filepath.Join(dir, "blocked")
	if err := os.MkdirAll(filepath.Join(blocked, "inside"), 0o700); err != nil {
		t.Fatal(err)
	}
	err = WriteFile(blocked, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), blocked) {
		t.Errorf("WriteFile over a directory = %v, want an error naming %s", err, blocked)
	}
	if got := names(t, dir); !slices.Equal(got, []string{"blocked", "summary.json"}) {
		t.Errorf("directory holds %v", got)
	}
}

// An output whose name is a directory is refused when it is created, before
// anything it reports on is recorded, not when it is renamed.
func TestCreateAtomicRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "report.csv")
	if err := os.Mkdir(final, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateAtomic(final); err == nil || !strings.Contains(err.Error(), "a directory of that name is in the way") {
		t.Fatalf("CreateAtomic(a directory) = %v, want an error saying so", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left in %s: %v", dir, entries)
	}
}
