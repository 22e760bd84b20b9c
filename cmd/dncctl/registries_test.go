package main

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dncctl/dncctl/scrub"
	"github.com/dncctl/dncctl/store"
)

// The freshness guard: a required registry that is missing or older than its
// max_age fails the run, unless allowStale; a fresh one passes.
func TestCheckRegistries(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	rules := &fileConfig{Required: map[string][]requiredRegistry{"US": {{Name: "us-ftc", MaxAge: 31 * 24 * time.Hour}}}}
	sum := scrub.NewSummary()
	sum.CleanByRegion = map[string]int{"US": 5, "ES": 2}
	for _, tc := range []struct {
		regs []store.Registry
		want string
	}{
		{nil, "us-ftc is not in the store (for 5 US numbers)"},
		{[]store.Registry{{Name: "us-ftc", LastFullAt: now.AddDate(0, 0, -40)}}, "us-ftc was last imported 2026-10-14T00:00:00Z, 40d ago, more than its max_age 31d (for 5 US numbers)"},
		{[]store.Registry{{Name: "us-ftc", LastFullAt: now.AddDate(0, 0, -40), LastChangeAt: now.AddDate(0, 0, -1)}}, ""},
	} {
		_, err := checkRegistries(rules, sum, tc.regs, now, false)
		if tc.want == "" {
			if err != nil {
				t.Errorf("fresh registry: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("err = %v, want it to say %q", err, tc.want)
		}
		stale, err := checkRegistries(rules, sum, tc.regs, now, true)
		if err != nil || len(stale) != 1 || stale[0] != tc.want {
			t.Errorf("--allow-stale: %q, %v", stale, err)
		}
	}
}

func TestRegistryFields(t *testing.T) {
	for _, line := range []string{"207,7671082", "2077671082", ",207,,767|1082;", "a\tb", "207,", ",207", "x;y;z", ""} {
		want := strings.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ';' || r == '\t' || r == '|' })
		if got := registryFields(line); !slices.Equal(got, want) {
			t.Errorf("registryFields(%q) = %q, want %q", line, got, want)
		}
	}
}

// Once its import stops (the store failed, or SIGINT), a registry file is
// read no further: the lines still parsed are a few batches, not the file.
func TestReadRegistryFileStops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reg.txt")
	var b strings.Builder
	for i := range 200_000 {
		fmt.Fprintf(&b, "212,555%04d\n", i%10000)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	norm, err := scrub.NewNormalizer("US")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	added := 0
	err = readRegistryFile(ctx, path, norm, false, false, func(store.RegistryChange) {
		if added++; added == 1 {
			cancel()
		}
	}, func(registryLine) {})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if added > 20_000 {
		t.Errorf("%d lines handed on after the import stopped", added)
	}
}

// A zipped registry is read file by file, directories skipped.
func TestOpenRegistryZip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reg.zip")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, body := range map[string]string{"a.txt": "212,5550100\n", "sub/": "", "sub/b.txt": "212,5550101\n"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	readers, closeAll, err := openRegistryFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll()
	var all []string
	for _, r := range readers {
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, string(b))
	}
	slices.Sort(all)
	if want := []string{"212,5550100\n", "212,5550101\n"}; !slices.Equal(all, want) {
		t.Errorf("read %q, want %q", all, want)
	}
}
