package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
)

// openTest opens a store in a fresh directory and closes it when the test ends.
func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "dnc.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// pragma reads a pragma of the database at path through a
// connection of its own.
func pragma(t *testing.T, path, name string) string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	if err := db.QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func fileMode(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

func TestOpenCreatesPrivateStore(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b")
	path := filepath.Join(dir, "dnc.db")

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	if m := fileMode(t, path); m != 0o600 {
		t.Errorf("store file mode = %o, want 600", m)
	}
	for _, d := range []string{filepath.Join(root, "a"), dir} {
		if m := fileMode(t, d); m != 0o700 {
			t.Errorf("directory %s mode = %o, want 700", d, m)
		}
	}
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	if _, err := s.Add(ctx, []Entry{{List: "blacklist", E164: "+34612345678", Reason: "fraud"}}, at, "ana"); err != nil {
		t.Fatalf("Add: %v", err)
	}
	// SQLite's side files, there while the store is open, copy its mode.
	for _, side := range []string{path + "-wal", path + "-shm"} {
		if m := fileMode(t, side); m != 0o600 {
			t.Errorf("%s mode = %o, want 600", side, m)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	steps, err := migrationSteps()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) == 0 {
		t.Fatal("no migrations embedded")
	}
	if got, want := pragma(t, path, "user_version"), strconv.Itoa(len(steps)); got != want {
		t.Errorf("user_version = %s, want %s", got, want)
	}
	if got, want := pragma(t, path, "application_id"), strconv.Itoa(applicationID); got != want {
		t.Errorf("application_id = %s, want %s", got, want)
	}
	if got := pragma(t, path, "journal_mode"); got != "wal" {
		t.Errorf("journal_mode = %s, want wal", got)
	}

	// Reopening finds the entry and leaves the schema version as it was.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	all := entries(t, s, Query{})
	if len(all) != 1 || all[0].E164 != "+34612345678" || all[0].Reason != "fraud" || all[0].AddedBy != "ana" || !all[0].AddedAt.Equal(at) {
		t.Errorf("after reopen, entries = %+v", all)
	}
	if got, want := pragma(t, path, "user_version"), strconv.Itoa(len(steps)); got != want {
		t.Errorf("after reopen, user_version = %s, want %s", got, want)
	}
}

func TestOpenEmptyExistingFile(t *testing.T) {
	// An empty file (as create makes it) is a new store, not a foreign file.
	path := filepath.Join(t.TempDir(), "dnc.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open of an empty file: %v", err)
	}
	s.Close()
	if got := pragma(t, path, "application_id"); got != strconv.Itoa(applicationID) {
		t.Errorf("application_id = %s", got)
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	makeSQLite := func(t *testing.T, path string, stmts ...string) {
		t.Helper()
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, s := range stmts {
			if _, err := db.Exec(s); err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
	}
	tests := []struct {
		name    string
		make    func(t *testing.T, path string)
		message string
	}{
		{
			name: "text file",
			make: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte("hello"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			message: "not a SQLite database",
		},
		{
			name: "sqlite database with a table",
			make: func(t *testing.T, path string) {
				makeSQLite(t, path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)",
					"INSERT INTO customers (name) VALUES ('Ana'), ('Luis')")
			},
			message: "made by something else",
		},
		{
			name: "sqlite database of another application",
			make: func(t *testing.T, path string) {
				makeSQLite(t, path, "PRAGMA application_id = 1234")
			},
			message: "made by something else",
		},
		{
			name: "sqlite database with a view only",
			make: func(t *testing.T, path string) {
				makeSQLite(t, path, "CREATE VIEW v AS SELECT 1")
			},
			message: "made by something else",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "other.db")
			tt.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			beforeDir := dirNames(t, dir)

			s, err := Open(context.Background(), path)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded on a file that is not a dncctl store")
			}
			if !errors.Is(err, ErrNotStore) {
				t.Errorf("error %q does not wrap ErrNotStore", err)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("error %q does not say %q", err, tt.message)
			}
			after, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(before, after) {
				t.Error("Open changed the foreign file")
			}
			if got := dirNames(t, dir); strings.Join(got, ",") != strings.Join(beforeDir, ",") {
				t.Errorf("files beside it = %v, want %v", got, beforeDir)
			}
		})
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dnc.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec("PRAGMA user_version = 99"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a store from a newer dncctl")
	}
	if !strings.Contains(err.Error(), "newer") || errors.Is(err, ErrNotStore) {
		t.Errorf("error = %q, want a newer-version error that is not ErrNotStore", err)
	}
}

func TestOpenRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a directory")
	}
	if !strings.Contains(err.Error(), dir) {
		t.Errorf("error %q does not name the path", err)
	}
}

func TestOpenConcurrentCreation(t *testing.T) {
	// Several processes may run dncctl for the first time at once: each
	// finds the schema in place and the migration runs once.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dnc.db")
	const n = 6
	stores := make([]*Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = Open(ctx, path) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("Open %d: %v", i, errs[i])
			continue
		}
		defer stores[i].Close()
	}
	if t.Failed() {
		return
	}
	if _, err := stores[0].Add(ctx, []Entry{{List: "blacklist", E164: "+34600000001"}}, time.Now(), "x"); err != nil {
		t.Fatal(err)
	}
	counts, err := stores[n-1].Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts["blacklist"] != 1 {
		t.Errorf("counts = %v", counts)
	}
}

// A path with characters that mean something in a URI opens the file it names.
func TestOpenPathWithURICharacters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a?b#c%20d.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) == 0 || names[0] != "a?b#c%20d.db" {
		t.Fatalf("files in the store's directory: %q, want a?b#c%%20d.db first", names)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, "a?b#c%20d.db") {
			t.Errorf("stray file %q", n)
		}
	}
}

// A change that finds another process writing waits for it, and says so
// once, instead of failing with "database is locked".
func TestWriterWaitsForAnother(t *testing.T) {
	defer func(d time.Duration) { busyTimeout = d }(busyTimeout)
	busyTimeout = 100 * time.Millisecond
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dncctl.db")
	holder, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	adder, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer adder.Close()
	waited := 0
	adder.OnWait(func() { waited++ })

	locked, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		done <- holder.inTx(ctx, func(*sql.Tx) error {
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	time.AfterFunc(time.Second, func() { close(release) }) // ten busy timeouts
	if _, err := adder.Add(ctx, []Entry{{List: scrub.ListOptOut, E164: "+34612345678", Channel: scrub.ChannelAll}}, time.Now(), "ana"); err != nil {
		t.Fatalf("add while another process writes: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if waited != 1 {
		t.Errorf("OnWait called %d times, want once", waited)
	}
}
