package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dncctl/dncctl/scrub"
)

// A file changed between the hash taken before the run and the one after
// fails the run: its certificate would vouch for bytes never scrubbed.
func TestInputChangedWhileScrubbed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.csv")
	if err := os.WriteFile(path, []byte("name,phone\nAna,612345678\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := &inputHash{path: path}
	in.sha256, in.size, in.err = hashFile(path)
	p := &proof{inputs: []*inputHash{in}}
	if err := p.finishInputs(); err != nil {
		t.Fatalf("unchanged input: %v", err)
	}
	if err := os.WriteFile(path, []byte("name,phone\nAna,612345679\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := p.finishInputs(); err == nil || !strings.Contains(err.Error(), "changed while it was being scrubbed") {
		t.Errorf("changed input: %v, want an error", err)
	}
}

// Standard input is hashed as read: the bytes the importer saw.
func TestStdinHashedAsRead(t *testing.T) {
	in := &inputHash{path: "-", stdin: &hashingReader{r: strings.NewReader("a,b\n1,2\n"), h: sha256.New()}}
	if _, err := io.ReadAll(in.stdin); err != nil {
		t.Fatal(err)
	}
	if err := (&proof{inputs: []*inputHash{in}}).finishInputs(); err != nil {
		t.Fatal(err)
	}
	if want := sha256.Sum256([]byte("a,b\n1,2\n")); in.sha256 != hex.EncodeToString(want[:]) || in.size != 8 {
		t.Errorf("stdin digest %s (%d bytes), want %x (8)", in.sha256, in.size, want)
	}
}

// The policy's hash is of the rules, not of where the config file is.
func TestPolicyHash(t *testing.T) {
	rules := func(path string, blocked ...string) func() *fileConfig {
		return func() *fileConfig {
			return &fileConfig{Path: path, Policies: &scrub.Policies{BlockedSources: blocked}, Required: map[string][]requiredRegistry{}}
		}
	}
	a, err := policyOf(rules("a.yaml", "acme"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := policyOf(rules("elsewhere/b.yaml", "acme"))
	c, _ := policyOf(rules("a.yaml", "acme", "globex"))
	if a.SHA256 != b.SHA256 {
		t.Errorf("same rules in two files: %s and %s", a.SHA256, b.SHA256)
	}
	if a.SHA256 == c.SHA256 {
		t.Errorf("different rules, same hash %s", a.SHA256)
	}
	if a.ConfigFile != "a.yaml" || !strings.Contains(string(a.Rules), `"acme"`) {
		t.Errorf("policy = %+v", a)
	}
}

// A run that fails while its inputs are being hashed stops the hashing
// instead of waiting for a large file to be read.
func TestHashInputsStops(t *testing.T) {
	path := filepath.Join(t.TempDir(), "leads.csv")
	if err := os.WriteFile(path, bytes.Repeat([]byte("id,phone\n1,612345678\n"), 1<<16), 0o600); err != nil {
		t.Fatal(err)
	}
	planned := []scrubOutput{{input: path}, {input: "-"}}
	wait, stop := hashInputs(context.Background(), planned)
	got := wait()
	stop()
	want, size, err := hashFile(path)
	if err != nil || got[0].err != nil || got[0].sha256 != want || got[0].size != size || got[1].sha256 != "" {
		t.Fatalf("hashed %+v, %+v; hashFile says %s %d %v", got[0], got[1], want, size, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	wait, stop = hashInputs(ctx, planned)
	defer stop()
	if got := wait(); !errors.Is(got[0].err, context.Canceled) {
		t.Fatalf("hashing under a cancelled context: %+v", got[0])
	}
}
