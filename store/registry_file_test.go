package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// registryStore is a store with two registries of overlapping numbers in
// many blocks, and the numbers to look up: theirs, and others near them.
func registryStore(t *testing.T) (*Store, []string) {
	t.Helper()
	ctx := context.Background()
	smallMemory(t)
	s := openTest(t)
	var a, b []RegistryChange
	var lookups []string
	for i := range 4000 {
		n := fmt.Sprintf("+1212%07d", i*2477)
		lookups = append(lookups, n, fmt.Sprintf("+1212%07d", i*2477+1))
		if i%3 != 0 {
			a = append(a, RegistryChange{E164: n})
		}
		if i%2 == 0 {
			b = append(b, RegistryChange{E164: n})
		}
	}
	if _, err := s.ImportRegistry(ctx, "b-second", "US", true, a, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportRegistry(ctx, "a-first", "US", true, b, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return s, append(lookups, "+441632960000", "+34612345678", "+12120000000")
}

// smallMemory makes the test's registries too large to hold: they are read
// from the registry file.
func smallMemory(t *testing.T) {
	before := maxHeldBlockBytes
	maxHeldBlockBytes = 1024
	t.Cleanup(func() { maxHeldBlockBytes = before })
}

// heldLookup is a preloaded lookup that holds the blocks, without the
// registry file.
func heldLookup(t *testing.T, s *Store) *RegistryLookup {
	t.Helper()
	l := lookup(t, s, false)
	l.filePath = ""
	if err := l.Preload(context.Background()); err != nil {
		t.Fatal(err)
	}
	return l
}

func lookup(t *testing.T, s *Store, preload bool) *RegistryLookup {
	t.Helper()
	l, err := s.NewRegistryLookup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	if preload {
		if err := l.Preload(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return l
}

// sameLookups fails unless got answers as want for every number.
func sameLookups(t *testing.T, what string, got, want *RegistryLookup, numbers []string) {
	t.Helper()
	for _, n := range numbers {
		name, at, err := got.Find(n)
		wantName, wantAt, wantErr := want.Find(n)
		if name != wantName || at != wantAt || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("%s: Find(%s) = %q, %q, %v; block by block: %q, %q, %v", what, n, name, at, err, wantName, wantAt, wantErr)
		}
	}
}

// The first scrub writes the registry file; it and the scrubs after it
// answer from the file as the blocks in the store do, the first registry
// by name winning where several hold a number.
func TestRegistryFile(t *testing.T) {
	s, numbers := registryStore(t)
	plain := lookup(t, s, false)
	first := lookup(t, s, true)
	if first.file == nil || first.FileError() != nil {
		t.Fatalf("the first Preload did not use a file: %v", first.FileError())
	}
	sameLookups(t, "written", first, plain, numbers)
	info, err := os.Stat(s.registryFilePath())
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("registry file mode %v, want 0600", info.Mode().Perm())
	}
	again := lookup(t, s, true)
	if again.file == nil {
		t.Fatal("the next Preload did not use the file")
	}
	sameLookups(t, "read", again, plain, numbers)
	if name, _, _ := again.Find(numbers[0]); name != "a-first" {
		t.Errorf("Find(%s) = %q, want a-first (on both, first by name)", numbers[0], name)
	}
}

// Any change to a registry's blocks, by dncctl or by hand, makes the file
// stale: the next Preload writes it again from the store.
func TestRegistryFileStale(t *testing.T) {
	ctx := context.Background()
	s, numbers := registryStore(t)
	lookup(t, s, true)
	changes := map[string]func(){
		"import": func() {
			if _, err := s.ImportRegistry(ctx, "a-first", "US", false, []RegistryChange{{E164: numbers[0], Delete: true}, {E164: numbers[1]}}, t0.Add(2*time.Hour)); err != nil {
				t.Fatal(err)
			}
		},
		"hand delete": func() {
			execOn(t, s.Path(), `DELETE FROM registry_blocks WHERE rowid = (SELECT min(rowid) FROM registry_blocks)`)
		},
		"hand update": func() {
			execOn(t, s.Path(), `UPDATE registry_blocks SET numbers = x'01', n = 1 WHERE rowid = (SELECT max(rowid) FROM registry_blocks)`)
		},
	}
	for _, name := range []string{"import", "hand delete", "hand update"} {
		changes[name]()
		l := lookup(t, s, true)
		sameLookups(t, "after "+name, l, lookup(t, s, false), numbers)
		if l.file == nil {
			t.Errorf("after %s: the file was not written again: %v", name, l.FileError())
		}
	}
}

// A file cut short, altered or not a registry file is not used; a block
// damaged after the file was opened fails its lookups, never passes them.
func TestRegistryFileDamaged(t *testing.T) {
	s, numbers := registryStore(t)
	plain := lookup(t, s, false)
	lookup(t, s, true)
	path := s.registryFilePath()
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	damaged := map[string][]byte{"empty": nil, "garbage": []byte(strings.Repeat("not a registry file ", 10))}
	for _, n := range []int{8, 16, 100, len(good) / 2, len(good) - 40, len(good) - 1} {
		damaged[fmt.Sprintf("cut at %d", n)] = good[:n]
	}
	for _, at := range []int{0, 9, len(good) - 100, len(good) - 30, len(good) - 20, len(good) - 3} {
		b := slices.Clone(good)
		b[at] ^= 0x10
		damaged[fmt.Sprintf("byte %d altered", at)] = b
	}
	for name, b := range damaged {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		l := lookup(t, s, true)
		sameLookups(t, name, l, plain, numbers)
		written, err := os.ReadFile(path)
		if err != nil || !slices.Equal(written, good) {
			t.Errorf("%s: the file was not written again as it was", name)
		}
	}

	// A block altered under an open file: its lookups fail.
	l := lookup(t, s, true)
	b := slices.Clone(good)
	b[20] ^= 0x01
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, n := range numbers {
		name, _, err := l.Find(n)
		wantName, _, _ := plain.Find(n)
		if err != nil {
			failed++
		} else if name != wantName {
			t.Fatalf("Find(%s) on a damaged block = %q, want %q or an error", n, name, wantName)
		}
	}
	if failed == 0 {
		t.Error("no lookup failed on the damaged block")
	}

	// A file that cannot be written is said; the blocks are held instead.
	os.Remove(path)
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	l = lookup(t, s, true)
	if l.file != nil || l.FileError() == nil {
		t.Errorf("with a directory in the way: file %v, error %v", l.file, l.FileError())
	}
	sameLookups(t, "without the file", l, plain, numbers)
}

// Registries whose blocks fit in memory are held, and get no file.
func TestRegistryFileOnlyWhenTooLarge(t *testing.T) {
	s, numbers := registryStore(t)
	maxHeldBlockBytes = 48 << 20
	l := lookup(t, s, true)
	if l.file != nil || l.FileError() != nil || !l.allHeld {
		t.Errorf("a small registry: file %v (error %v), all held %v; want no file, all held", l.file, l.FileError(), l.allHeld)
	}
	if _, err := os.Stat(s.registryFilePath()); !os.IsNotExist(err) {
		t.Errorf("a small registry got a file: %v", err)
	}
	sameLookups(t, "held", l, lookup(t, s, false), numbers)
}
