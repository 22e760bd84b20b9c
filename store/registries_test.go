package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

func TestImportRegistry(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	n, err := s.ImportRegistry(ctx, "es", "ES", true, []RegistryChange{{E164: "+34612345678"}, {E164: "+34612345679"}, {E164: "+34612345678"}}, day)
	if err != nil || n != 2 {
		t.Fatalf("full import: %d, %v; want 2", n, err)
	}
	n, err = s.ImportRegistry(ctx, "es", "ES", false, []RegistryChange{{E164: "+34612345678", Delete: true}, {E164: "+34612345670"}}, day.AddDate(0, 0, 1))
	if err != nil || n != 2 {
		t.Fatalf("changes: %d, %v; want 2", n, err)
	}
	// A full import replaces: only its numbers remain.
	if n, err = s.ImportRegistry(ctx, "es", "ES", true, []RegistryChange{{E164: "+34699111222"}}, day.AddDate(0, 0, 2)); err != nil || n != 1 {
		t.Fatalf("second full import: %d, %v; want 1", n, err)
	}
	// A bad number fails the whole import: the registry is unchanged.
	if _, err := s.ImportRegistry(ctx, "es", "ES", true, []RegistryChange{{E164: "+34600000000"}, {E164: "612"}}, day.AddDate(0, 0, 3)); err == nil {
		t.Fatal("import with a number not in E.164: no error")
	}
	l, err := s.NewRegistryLookup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for number, want := range map[string]string{"+34699111222": "es", "+34612345679": "", "+34600000000": ""} {
		if got, _, err := l.Find(number); err != nil || got != want {
			t.Errorf("Find(%s) = %q, %v; want %q", number, got, err, want)
		}
	}
	regs, err := s.Registries(ctx)
	if err != nil || len(regs) != 1 || regs[0].Count != 1 || !regs[0].LastFullAt.Equal(day.AddDate(0, 0, 2)) || !regs[0].LastChangeAt.Equal(day.AddDate(0, 0, 1)) {
		t.Fatalf("registries: %+v, %v", regs, err)
	}
	if got := regs[0].Updated(); !got.Equal(day.AddDate(0, 0, 2)) {
		t.Errorf("Updated = %v", got)
	}
}
