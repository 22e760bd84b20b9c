// Command genfixtures writes testdata/formats: small lead files in the shapes
// call centers really receive (encodings, delimiters, quoting, title rows,
// Excel number formats, formulas, hidden sheets, damaged and encrypted
// workbooks), each exercising one thing the importers must get right. The
// scripts cmd/dncctl/testdata/script/formats_*.txtar scrub them with the real
// binary.
//
// The output is a pure function of the code and fixed seeds: running it again
// gives the same bytes, and genfixtures_test checks that the committed files
// are exactly what it writes.
//
// Usage:
//
//	go run ./cmd/genfixtures -out testdata/formats
package main

//go:generate go run . -out ../../testdata/formats

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "testdata/formats", "directory to write the fixtures to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genfixtures:", err)
		os.Exit(1)
	}
}

// fixture is one generated file and what it exercises (for README.md).
type fixture struct {
	name  string
	about string
	data  []byte
}

// builders make the fixtures, in README order.
var builders = []func() ([]fixture, error){
	textFixtures,
	notationFixtures,
	excelFixtures,
	brokenFixtures,
}

// fixtures builds every fixture, README.md last.
func fixtures() ([]fixture, error) {
	var all []fixture
	for _, b := range builders {
		fs, err := b()
		if err != nil {
			return nil, err
		}
		all = append(all, fs...)
	}
	return append(all, fixture{name: "README.md", data: readme(all)}), nil
}

// run writes every fixture into dir.
func run(dir string) error {
	fs, err := fixtures()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range fs {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
