// Command genzones copies the time zones nyaruka/phonenumbers gives a
// number prefix (its data/prefix_to_timezone.xml.gz, as it embeds it) into
// scrub/zones.gz, where the scrub engine reads them into a digit trie: a
// lookup in nyaruka's map tries every prefix length, from the longest down,
// and was a fifth of the fast path's time.
//
// Run it after upgrading nyaruka/phonenumbers; TestZonesDataIsNyarukas
// fails until it has been.
//
// Usage:
//
//	go run ./cmd/genzones -out scrub/zones.gz
package main

//go:generate go run . -out ../../scrub/zones.gz

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("out", "scrub/zones.gz", "file to write the time zone data to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genzones:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	src, err := nyarukaZones()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

// nyarukaZones is the path of the time zone data in the module cache, for
// the version of nyaruka/phonenumbers that go.mod requires.
func nyarukaZones() (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/nyaruka/phonenumbers")
	cmd.Stderr = &stderr
	dir, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list nyaruka/phonenumbers: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return filepath.Join(strings.TrimSpace(string(dir)), "data", "prefix_to_timezone.xml.gz"), nil
}
