// Command genleads writes the benchmark's data (see bench/leadgen), the same
// bytes on every run: a mixed-region lead file, its opt-out list and,
// on request, the workbook of the same rows and a US registry.
//
//	go run ./bench/genleads -rows 1000000 -xlsx -registry 10000000 -out bench/data
//
// bench/run calls the same generator itself; this command is for looking
// at the data, or for timing the binary by hand.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dncctl/dncctl/bench/leadgen"
)

func main() {
	rows := flag.Int("rows", 100000, "lead rows to write")
	optouts := flag.Int("optouts", -1, "opt-out list entries: the leads' opted-out numbers, then numbers of no lead (default: as many as -rows)")
	registry := flag.Int("registry", 0, "also write a US registry of this many numbers (none of them a lead's)")
	xlsx := flag.Bool("xlsx", false, "also write the rows as a workbook (phones stored as text)")
	out := flag.String("out", "bench/data", "directory for the files")
	flag.Parse()
	if *optouts < 0 {
		*optouts = *rows
	}
	if err := generate(*out, *rows, *optouts, *registry, *xlsx); err != nil {
		fmt.Fprintln(os.Stderr, "genleads:", err)
		os.Exit(1)
	}
}

func generate(dir string, rows, optouts, registry int, xlsx bool) error {
	leads := filepath.Join(dir, leadgen.LeadsFile(rows))
	steps := []struct {
		path  string
		write func(string) error
	}{
		{leads, func(p string) error { return leadgen.WriteLeads(p, rows) }},
		{filepath.Join(dir, leadgen.OptOutsFile(rows, optouts)), func(p string) error { return leadgen.WriteOptOuts(p, rows, optouts) }},
	}
	if xlsx {
		steps = append(steps, struct {
			path  string
			write func(string) error
		}{filepath.Join(dir, leadgen.WorkbookFile(rows)), func(p string) error { return leadgen.WriteWorkbook(leads, p) }})
	}
	if registry > 0 {
		steps = append(steps, struct {
			path  string
			write func(string) error
		}{filepath.Join(dir, leadgen.RegistryFile(registry)), func(p string) error { return leadgen.WriteRegistry(p, registry) }})
	}
	for _, s := range steps {
		if err := s.write(s.path); err != nil {
			return err
		}
		fmt.Println(s.path)
	}
	return nil
}
