// Command run is issue 7's benchmark. It generates its data with the
// committed generator (bench/leadgen; cached in bench/data, which git
// ignores), runs the real binary for each row of the table, measures
// the straightforward nyaruka loop and excelize's own streaming read in the
// same run, and prints one table: wall time, CPU, rows a second and peak
// RSS of each run, the figure each target is about, and whether it is met.
//
//	go run ./bench/run -bin bin/dncctl                        # make bench
//	go run ./bench/run -big-rows 10000000 -big-registry 100000000
//
// The 10M-row scrub and the 100M-number registry are skipped unless asked
// for. With every row asked for, bench/run took 6 min 48 s on the 2-core
// machine of docs/performance.md (2026-12-07), with its generated files
// already in bench/data: the 100M-number registry import was 1 min 36 s
// of it, the two reference loops 1 min 8 s.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
)

type options struct {
	bin         string
	data        string
	rows        int
	optouts     int
	registry    int
	bigRows     int
	bigRegistry int
	checks      int
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == spawnArg {
		os.Exit(spawn(os.Args[2:]))
	}
	var o options
	flag.StringVar(&o.bin, "bin", "bin/dncctl", "the dncctl binary to measure")
	flag.StringVar(&o.data, "data", "bench/data", "directory for generated files and stores (reused between runs)")
	flag.IntVar(&o.rows, "rows", 1000000, "lead rows of the CSV and workbook scrubs and the nyaruka loop")
	flag.IntVar(&o.optouts, "optouts", 1000000, "opt-outs in the store the scrubs and checks run against (the optout import row)")
	flag.IntVar(&o.registry, "registry", 10000000, "numbers of the registry import row (0 skips it and the rows that need it)")
	flag.IntVar(&o.bigRows, "big-rows", 0, "lead rows of the large CSV's peak RSS row (0 skips it; the target is for 10000000)")
	flag.IntVar(&o.bigRegistry, "big-registry", 0, "numbers of the large registry for the scrub and check rows (0 skips them; the target is for 100000000)")
	flag.IntVar(&o.checks, "checks", 11, "runs of dncctl check, of which the median is taken")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: go run ./bench/run [flags]\n\nRuns issue 7's performance table against the binary and prints it.\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() > 0 || o.rows <= 0 || o.optouts <= 0 || o.registry < 0 || o.bigRows < 0 || o.bigRegistry < 0 || o.checks <= 0 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, commandLine()); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// commandLine is the flags as given, for the header.
func commandLine() string {
	var parts []string
	flag.Visit(func(f *flag.Flag) { parts = append(parts, "-"+f.Name+" "+f.Value.String()) })
	return strings.Join(parts, " ")
}
