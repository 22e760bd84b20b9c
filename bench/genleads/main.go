// Command genleads writes a large, deterministic lead file and opt-out list
// for benchmarks: mixed Spanish, Chinese and US numbers in the notations
// lead files use, with a share of opted-out, invalid, empty and repeated rows.
//
//	go run ./bench/genleads -rows 1000000 -out bench/data
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

func main() {
	rows := flag.Int("rows", 100000, "lead rows to write")
	out := flag.String("out", "bench/data", "directory for leads-N.csv and optouts-N.txt")
	xlsx := flag.Bool("xlsx", false, "also write leads-N.xlsx, the same rows in a workbook (phones stored as text)")
	flag.Parse()
	err := generate(*rows, *out)
	if err == nil && *xlsx {
		err = toWorkbook(filepath.Join(*out, fmt.Sprintf("leads-%d.csv", *rows)), filepath.Join(*out, fmt.Sprintf("leads-%d.xlsx", *rows)))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genleads:", err)
		os.Exit(1)
	}
}

func generate(rows int, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, uint64(rows)))
	leads, err := os.Create(filepath.Join(dir, fmt.Sprintf("leads-%d.csv", rows)))
	if err != nil {
		return err
	}
	defer leads.Close()
	optouts, err := os.Create(filepath.Join(dir, fmt.Sprintf("optouts-%d.txt", rows)))
	if err != nil {
		return err
	}
	defer optouts.Close()
	lw, ow := bufio.NewWriter(leads), bufio.NewWriter(optouts)
	fmt.Fprintln(lw, "id,name,phone,city,source")
	var recent []string
	for i := 1; i <= rows; i++ {
		var phone string
		switch p := rng.IntN(100); {
		case p < 2:
			phone = ""
		case p < 5:
			phone = []string{"n/a", "call later", "12345", "+34 6123", "0000000"}[rng.IntN(5)]
		case p < 8 && len(recent) > 0:
			phone = recent[rng.IntN(len(recent))] // a repeat
		default:
			e164, written := number(rng)
			phone = written
			if rng.IntN(10) == 0 {
				fmt.Fprintln(ow, e164)
			}
			if len(recent) < 1000 {
				recent = append(recent, written)
			} else {
				recent[rng.IntN(len(recent))] = written
			}
		}
		fmt.Fprintf(lw, "%d,Lead %d,%q,%s,vendor-%d\n", i, i, phone, []string{"Madrid", "Beijing", "New York", "Sevilla"}[i%4], i%7)
	}
	if err := lw.Flush(); err != nil {
		return err
	}
	return ow.Flush()
}

// number returns a valid number in E.164 and as a person might write it
// (numbers without a country code are Spanish: the benchmark scrubs with --region ES).
func number(rng *rand.Rand) (e164, written string) {
	switch rng.IntN(10) {
	case 0, 1, 2, 3, 4, 5: // Spanish mobile 6xx xxx xxx
		n := 600000000 + rng.IntN(40000000)
		e164 = fmt.Sprintf("+34%d", n)
		s := fmt.Sprint(n)
		switch rng.IntN(4) {
		case 0:
			written = s
		case 1:
			written = s[:3] + " " + s[3:6] + " " + s[6:]
		case 2:
			written = "+34 " + s[:3] + "-" + s[3:6] + "-" + s[6:]
		default:
			written = "0034" + s
		}
	case 6, 7, 8: // Chinese mobile 13x/15x/18x
		n := []int{138, 139, 150, 186}[rng.IntN(4)]*100000000 + rng.IntN(100000000)
		e164 = fmt.Sprintf("+86%d", n)
		s := fmt.Sprint(n)
		switch rng.IntN(3) {
		case 0:
			written = "+86 " + s[:3] + " " + s[3:7] + " " + s[7:]
		case 1:
			written = "0086" + s
		default:
			written = "+86-" + s
		}
	default: // US, New York and San Francisco area codes
		area := []int{212, 415, 646, 718}[rng.IntN(4)]
		exch := 200 + rng.IntN(700)
		if exch == 555 {
			exch = 556
		}
		line := rng.IntN(10000)
		e164 = fmt.Sprintf("+1%d%d%04d", area, exch, line)
		written = fmt.Sprintf("+1 (%d) %d-%04d", area, exch, line)
	}
	return e164, written
}
