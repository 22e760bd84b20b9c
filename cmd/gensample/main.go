// Command gensample writes the sample data in testdata/sample: two lead files
// (CSV and Excel), the do-not-call lists to import before scrubbing them, and
// expected.json, the counts a scrub must report.
//
// The output is a pure function of a fixed seed: running it again gives the
// same bytes, and gensample_test checks that the committed files are exactly
// what it writes. The expected counts come from what the generator put in each
// row, never from running dncctl, so that the sample can catch dncctl out.
//
// Usage:
//
//	go run ./cmd/gensample -out testdata/sample
package main

//go:generate go run . -out ../../testdata/sample

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("out", "testdata/sample", "directory to write the sample files to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gensample:", err)
		os.Exit(1)
	}
}

// file is one output file.
type file struct {
	name string
	data []byte
}

// run writes every sample file into dir.
func run(dir string) error {
	files, err := build().files()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

var blacklistNotes = []string{
	"queja formal, ref. 2025-1187", "fraude: suplantación de identidad", "petición de su abogado",
	"amenazas a un agente", "número de la competencia", "reclamación ante consumo",
	"llamadas abusivas, denuncia", "moroso, lo lleva legal", "pidió no llamar nunca más, tono agresivo",
	"número de una centralita, no es un lead",
}

// files renders the sample. The lists draw their notations from the random
// source that built the leads, so the order of the calls below is part of the output.
func (s *sample) files() ([]file, error) {
	rng := s.rng
	csvData, err := leadsCSV(s.csv)
	if err != nil {
		return nil, err
	}
	xlsxData, err := leadsXLSX(s.xlsx)
	if err != nil {
		return nil, err
	}
	black, err := csvList(rng, [2]string{"phone", "note"}, s.blacklist, func(i int) string { return blacklistNotes[i%len(blacklistNotes)] })
	if err != nil {
		return nil, err
	}
	white, err := csvList(rng, [2]string{"phone", "tag"}, s.whitelist, func(int) string { return "vip" })
	if err != nil {
		return nil, err
	}
	optOut := numberList(rng, "Opted out of every channel.\nImport: dncctl optout import testdata/sample/optouts.txt --region ES", s.optOut)
	sms := numberList(rng, "Opted out of SMS only: still callable in a voice campaign.\nImport: dncctl optout import testdata/sample/optouts-sms.txt --region ES --channel sms", s.sms)
	expected, err := s.expectedJSON()
	if err != nil {
		return nil, err
	}
	return []file{
		{"leads.csv", csvData},
		{"leads.xlsx", xlsxData},
		{"optouts.txt", optOut},
		{"optouts-sms.txt", sms},
		{"blacklist.csv", black},
		{"whitelist.csv", white},
		{"expected.json", expected},
		{"README.md", []byte(s.readme())},
	}, nil
}
