package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/dncctl/dncctl/bench/leadgen"
)

// excelMaxRows is the most data rows a sheet holds under its header.
const excelMaxRows = 1048575

// The table's rows, in the order.
const (
	orderNyaruka = iota
	orderExcelize
	orderScrubCSVFirst
	orderScrubCSV
	orderScrubRSS
	orderBigRSS
	orderScrubXLSX
	orderRegistryImport
	orderRegistryDisk
	orderScrubRegistry
	orderScrubBigRegistry
	orderOptOutImport
	orderCheck
	orderCheckBig
	orderBigRegistryImport
)

type bench struct {
	o      options
	d      *dncctl
	start  time.Time
	rows   map[int]row // by order
	notes  []string    // printed under the table
	stores string      // directory of the stores
	out    string      // scrub outputs, removed after each scrub

	checkStore    string // the store check runs on: the largest registry's
	checkRegistry int    // the numbers in its registry
}

func run(ctx context.Context, o options, flags string) error {
	b := &bench{o: o, start: time.Now(), rows: map[int]row{}}
	b.stores, b.out = filepath.Join(o.data, "stores"), filepath.Join(o.data, "out")
	if err := os.MkdirAll(b.stores, 0o755); err != nil {
		return err
	}
	d, err := newDncctl(o.bin, o.data)
	if err != nil {
		return err
	}
	b.d = d
	header(os.Stdout, ".", o.bin, d.bin, flags, fmt.Sprintf("-rows %d -optouts %d -registry %d -big-rows %d -big-registry %d -checks %d",
		o.rows, o.optouts, o.registry, o.bigRows, o.bigRegistry, o.checks))
	steps := []func(context.Context) error{b.baselines, b.optOutImport, b.scrubs, b.bigScrub, b.registries, b.check}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return err
		}
	}
	var rows []row
	keys := make([]int, 0, len(b.rows))
	for k := range b.rows {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		rows = append(rows, b.rows[k])
	}
	table(os.Stdout, rows)
	fmt.Println()
	for _, n := range b.notes {
		fmt.Println("- " + n)
	}
	fmt.Printf("- the whole run took %s; load average at the end %s\n", time.Since(b.start).Round(time.Second), loadAverage())
	return nil
}

// logf reports progress on standard error.
func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench [%6s] %s\n", time.Since(b.start).Round(time.Second), fmt.Sprintf(format, args...))
}

// file returns the path of a generated file, writing it first unless an
// earlier run did (the generator is deterministic, and its version is in
// the names).
func (b *bench) file(name string, write func(string) error) (string, error) {
	path := filepath.Join(b.o.data, name)
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	b.logf("generating %s", name)
	if err := write(path); err != nil {
		return "", err
	}
	return path, nil
}

func (b *bench) leads(rows int) (string, error) {
	return b.file(leadgen.LeadsFile(rows), func(p string) error { return leadgen.WriteLeads(p, rows) })
}

func (b *bench) workbook(rows int) (string, error) {
	csv, err := b.leads(rows)
	if err != nil {
		return "", err
	}
	return b.file(leadgen.WorkbookFile(rows), func(p string) error { return leadgen.WriteWorkbook(csv, p) })
}

func (b *bench) registryFile(numbers int) (string, error) {
	return b.file(leadgen.RegistryFile(numbers), func(p string) error { return leadgen.WriteRegistry(p, numbers) })
}

// inProcess times f in this process, with the CPU it used, after
// collecting the garbage the steps before left, so that f does not pay for
// it.
func inProcess(f func() error) (usage, error) {
	settle()
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	start := time.Now()
	err := f()
	wall := time.Since(start)
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano()
	return usage{wall: wall, cpu: time.Duration(cpu)}, err
}

// baselines measures the nyaruka loop and excelize's read, in this process.
func (b *bench) baselines(context.Context) error {
	csv, err := b.leads(b.o.rows)
	if err != nil {
		return err
	}
	leads, err := readLeads(csv)
	if err != nil {
		return err
	}
	b.logf("nyaruka loop over %d rows", len(leads))
	var valid int
	u, _ := inProcess(func() error { valid = nyarukaLoop(leads); return nil })
	b.rows[orderNyaruka] = row{what: "nyaruka loop, 1 goroutine, in-process", items: len(leads), use: ptr(u),
		rate: rate(len(leads), u.wall), figure: fmt.Sprintf("%.1f%% valid", 100*float64(valid)/float64(len(leads))), target: "reference", verdict: "–"}
	if b.o.rows > excelMaxRows {
		b.rows[orderExcelize] = row{what: "excelize streaming read, in-process", verdict: fmt.Sprintf("skipped (-rows over Excel's %d)", excelMaxRows)}
		return nil
	}
	xlsx, err := b.workbook(b.o.rows)
	if err != nil {
		return err
	}
	b.logf("excelize read of %s", xlsx)
	var n, size int
	u, err = inProcess(func() (err error) { n, size, err = excelizeRead(xlsx); return err })
	if err != nil {
		return fmt.Errorf("excelize read %s: %w", xlsx, err)
	}
	b.rows[orderExcelize] = row{what: "excelize streaming read, in-process", items: n - 1, use: ptr(u),
		rate: rate(n-1, u.wall), figure: fmt.Sprintf("%.0f MB of cells", float64(size)/1e6), target: "reference", verdict: "–"}
	return nil
}

func (b *bench) baseStore() string { return filepath.Join(b.stores, "optouts.db") }

// optOutImport builds the store every later row runs against.
func (b *bench) optOutImport(ctx context.Context) error {
	list, err := b.file(leadgen.OptOutsFile(b.o.rows, b.o.optouts), func(p string) error {
		return leadgen.WriteOptOuts(p, b.o.rows, b.o.optouts)
	})
	if err != nil {
		return err
	}
	db := b.baseStore()
	if err := removeStore(db); err != nil {
		return err
	}
	b.logf("optout import of %d numbers", b.o.optouts)
	u, err := b.d.run(ctx, []string{"--db", db, "optout", "import", list, "--refused", filepath.Join(b.stores, "optouts.refused.csv")})
	if err != nil {
		return err
	}
	r := rate(b.o.optouts, u.wall)
	b.rows[orderOptOutImport] = row{what: "optout import", items: b.o.optouts, use: ptr(u), rate: r,
		figure: seconds(u.wall), target: perCount(b.o.optouts, 1000000, "≤ 5 s"), verdict: verdict(r >= 200000)}
	return nil
}

// perCount says a target for the size it was set for, or as a rate when
// the run used another size.
func perCount(n, setFor int, target string) string {
	if n == setFor {
		return target
	}
	return target + " for " + short(setFor) + ", as a rate"
}

// scrub runs one scrub against db and returns its usage and summary.
func (b *bench) scrub(ctx context.Context, db, input string) (usage, *summary, error) {
	if err := os.RemoveAll(b.out); err != nil {
		return usage{}, nil, err
	}
	sumPath := filepath.Join(b.o.data, "summary.json")
	b.logf("scrub %s (store %s)", filepath.Base(input), filepath.Base(db))
	u, err := b.d.run(ctx, []string{"--db", db, "scrub", input, "--region-col", "country", "--out-dir", b.out, "--summary-json", sumPath})
	if err != nil {
		return u, nil, err
	}
	s, err := readSummary(sumPath)
	if err != nil {
		return u, nil, err
	}
	return u, s, os.RemoveAll(b.out)
}

// summary is the part of scrub's --summary-json the benchmark reads.
type summary struct {
	RowsRead  int            `json:"rows_read"`
	RowsClean int            `json:"rows_clean"`
	Reasons   map[string]int `json:"reasons"`
}

func readSummary(path string) (*summary, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s summary
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &s, nil
}

// mix says how a scrub decided the rows, to compare with the generator's.
func (s *summary) mix() string {
	pct := func(n int) string { return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(max(s.RowsRead, 1))) }
	var reasons []string
	for r := range s.Reasons {
		reasons = append(reasons, r)
	}
	slices.Sort(reasons)
	out := fmt.Sprintf("%s rows read, %s clean", thousands(s.RowsRead), pct(s.RowsClean))
	for _, r := range reasons {
		if s.Reasons[r] > 0 {
			out += fmt.Sprintf(", %s %s", pct(s.Reasons[r]), r)
		}
	}
	return out
}

// warmScrubs is how many times the warm CSV scrub is run.
const warmScrubs = 3

// scrubs measures the CSV and workbook scrubs against the opt-out store.
func (b *bench) scrubs(ctx context.Context) error {
	csv, err := b.leads(b.o.rows)
	if err != nil {
		return err
	}
	// The first scrub after the import reads the lists from the table and
	// writes the index snapshot the later ones read.
	first, _, err := b.scrub(ctx, b.baseStore(), csv)
	if err != nil {
		return err
	}
	// The warm scrub, three times: its wall time moves by a fifth from one
	// run to the next on this machine, and the row is issue 7's headline.
	// The median run is the row; the peak RSS row takes the largest.
	var runs []usage
	var s *summary
	for range warmScrubs {
		u, sum, err := b.scrub(ctx, b.baseStore(), csv)
		if err != nil {
			return err
		}
		runs, s = append(runs, u), sum
	}
	u, peak := medianRun(runs), runs[0].rssKB
	for _, r := range runs {
		peak = max(peak, r.rssKB)
	}
	b.notes = append(b.notes, fmt.Sprintf("the warm CSV scrub ran %d times: %s (the row is the median; its peak RSS row the largest)", len(runs), walls(runs)))
	ratio := 0.0
	if base := b.rows[orderNyaruka]; base.rate > 0 {
		ratio = rate(b.o.rows, first.wall) / base.rate
	}
	b.rows[orderScrubCSVFirst] = row{what: fmt.Sprintf("scrub CSV, %s opt-outs, first after a change (writes the snapshot)", short(b.o.optouts)),
		items: b.o.rows, use: ptr(first), rate: rate(b.o.rows, first.wall), figure: fmt.Sprintf("%.2fx the nyaruka loop", ratio), target: "–", verdict: "–"}
	r := rate(b.o.rows, u.wall)
	ratio = 0
	if base := b.rows[orderNyaruka]; base.rate > 0 {
		ratio = r / base.rate
	}
	what := fmt.Sprintf("scrub CSV, %s opt-outs", short(b.o.optouts))
	b.rows[orderScrubCSV] = row{what: what, items: b.o.rows, use: ptr(u), rate: r,
		figure: fmt.Sprintf("%.2fx the nyaruka loop", ratio), target: "≥ 10x the nyaruka loop", verdict: verdict(ratio >= 10)}
	b.rows[orderScrubRSS] = row{what: "the same scrub's peak RSS", figure: fmt.Sprintf("%d MB", peak/1024),
		target: "≤ 200 MB", verdict: verdict(peak <= 200*1024)}
	b.notes = append(b.notes, fmt.Sprintf("the %s-row CSV as scrubbed: %s (generated: %d%% opted out, %d%% invalid, %d%% duplicates)",
		short(b.o.rows), s.mix(), leadgen.OptedOutPercent, leadgen.InvalidPercent, leadgen.DuplicatePercent))
	if b.o.rows > excelMaxRows {
		b.rows[orderScrubXLSX] = row{what: "scrub XLSX", verdict: fmt.Sprintf("skipped (-rows over Excel's %d)", excelMaxRows)}
		return nil
	}
	xlsx, err := b.workbook(b.o.rows)
	if err != nil {
		return err
	}
	u, _, err = b.scrub(ctx, b.baseStore(), xlsx)
	if err != nil {
		return err
	}
	ratio = 0
	if read := b.rows[orderExcelize]; read.use != nil {
		ratio = float64(u.wall) / float64(read.use.wall)
	}
	b.rows[orderScrubXLSX] = row{what: "scrub XLSX (writes XLSX)", items: b.o.rows, use: ptr(u), rate: rate(b.o.rows, u.wall),
		figure: fmt.Sprintf("%.2fx excelize's read", ratio), target: "≤ 1.3x excelize's read", verdict: verdict(ratio <= 1.3)}
	return nil
}

// bigScrub measures the peak RSS of a large CSV's scrub, against the same store.
func (b *bench) bigScrub(ctx context.Context) error {
	if b.o.bigRows == 0 {
		b.rows[orderBigRSS] = skippedRow("scrub CSV, 10M rows: peak RSS", "≤ 512 MB", "-big-rows 10000000")
		return nil
	}
	csv, err := b.leads(b.o.bigRows)
	if err != nil {
		return err
	}
	u, s, err := b.scrub(ctx, b.baseStore(), csv)
	if err != nil {
		return err
	}
	b.rows[orderBigRSS] = row{what: fmt.Sprintf("scrub CSV, %s rows: peak RSS", short(b.o.bigRows)), items: b.o.bigRows, use: ptr(u),
		rate: rate(b.o.bigRows, u.wall), figure: fmt.Sprintf("%d MB", u.rssKB/1024), target: "≤ 512 MB", verdict: verdict(u.rssKB <= 512*1024)}
	b.notes = append(b.notes, fmt.Sprintf("the %s-row CSV (its first %s rows are the %s-row file's; the store's opt-outs are for those) as scrubbed: %s",
		short(b.o.bigRows), short(b.o.rows), short(b.o.rows), s.mix()))
	return nil
}

func skippedRow(what, target, flag string) row {
	return row{what: what, target: target, verdict: "skipped (use " + flag + ")"}
}

// registryImport copies the opt-out store to db and imports a registry of
// numbers into it, returning the import's usage and the bytes a number it added.
func (b *bench) registryImport(ctx context.Context, db string, numbers int) (usage, float64, error) {
	list, err := b.registryFile(numbers)
	if err != nil {
		return usage{}, 0, err
	}
	if err := copyStore(b.baseStore(), db); err != nil {
		return usage{}, 0, err
	}
	before, err := storeSize(db)
	if err != nil {
		return usage{}, 0, err
	}
	b.logf("registry import of %d numbers", numbers)
	u, err := b.d.run(ctx, []string{"--db", db, "registry", "import", "us-dnc", list, "--region", "US", "--full",
		"--refused", filepath.Join(b.stores, "registry.refused.csv")})
	if err != nil {
		return u, 0, err
	}
	after, err := storeSize(db)
	if err != nil {
		return u, 0, err
	}
	return u, float64(after-before) / float64(numbers), nil
}

// registries measures the registry import, its size on disk, and scrubs
// with a registry present.
func (b *bench) registries(ctx context.Context) error {
	if b.o.registry == 0 {
		b.rows[orderRegistryImport] = skippedRow("registry import", "≤ 10 s for 10M", "-registry 10000000")
		b.rows[orderRegistryDisk] = skippedRow("registry on disk", "≤ 4 bytes/number", "-registry 10000000")
	} else {
		db := filepath.Join(b.stores, "registry.db")
		u, perNumber, err := b.registryImport(ctx, db, b.o.registry)
		if err != nil {
			return err
		}
		r := rate(b.o.registry, u.wall)
		b.rows[orderRegistryImport] = row{what: "registry import", items: b.o.registry, use: ptr(u), rate: r,
			figure: seconds(u.wall), target: perCount(b.o.registry, 10000000, "≤ 10 s"), verdict: verdict(r >= 1000000)}
		if err := b.scrubWithRegistry(ctx, orderScrubRegistry, db, b.o.registry); err != nil {
			return err
		}
		// The first scrub wrote the registry file beside the store, if the
		// registry is too large to hold in memory: it counts on disk too.
		file, err := fileSize(db + "-registries")
		if err != nil {
			return err
		}
		fileNumber := float64(file) / float64(b.o.registry)
		b.rows[orderRegistryDisk] = row{what: "registry on disk", items: b.o.registry,
			figure: fmt.Sprintf("%.2f bytes/number (%.2f in the store, %.2f in the registry file)", perNumber+fileNumber, perNumber, fileNumber),
			target: "≤ 4 bytes/number", verdict: verdict(perNumber+fileNumber <= 4)}
		b.checkStore, b.checkRegistry = db, b.o.registry
	}
	if b.o.bigRegistry == 0 {
		b.rows[orderScrubBigRegistry] = skippedRow("scrub CSV, 100M registry present", "≤ 1.10x without", "-big-registry 100000000")
		return nil
	}
	db := filepath.Join(b.stores, "big-registry.db")
	u, perNumber, err := b.registryImport(ctx, db, b.o.bigRegistry)
	if err != nil {
		return err
	}
	b.rows[orderBigRegistryImport] = row{what: "registry import, large (for the rows above)", items: b.o.bigRegistry, use: ptr(u),
		rate: rate(b.o.bigRegistry, u.wall), figure: fmt.Sprintf("%.1f bytes/number", perNumber), target: "–", verdict: "–"}
	b.checkStore, b.checkRegistry = db, b.o.bigRegistry
	return b.scrubWithRegistry(ctx, orderScrubBigRegistry, db, b.o.bigRegistry)
}

func (b *bench) scrubWithRegistry(ctx context.Context, order int, db string, numbers int) error {
	csv, err := b.leads(b.o.rows)
	if err != nil {
		return err
	}
	// The first scrub after the import writes the registry file the next
	// ones read.
	first, _, err := b.scrub(ctx, db, csv)
	if err != nil {
		return err
	}
	b.notes = append(b.notes, fmt.Sprintf("the first scrub after the %s-number registry's import (it writes the registry file) took %s, %d MB peak RSS",
		short(numbers), seconds(first.wall), first.rssKB/1024))
	// The same scrub without the registry and with it, alternated, three
	// times each: the ratio of two runs minutes apart would measure the
	// machine's other work, and one pair swings by a tenth either way.
	var without, with []usage
	for range warmScrubs {
		w, _, err := b.scrub(ctx, b.baseStore(), csv)
		if err != nil {
			return err
		}
		u, s, err := b.scrub(ctx, db, csv)
		if err != nil {
			return err
		}
		if s.Reasons["REGISTRY"] != 0 {
			return fmt.Errorf("the registry rejected %d numbers: it should hold none of the leads", s.Reasons["REGISTRY"])
		}
		without, with = append(without, w), append(with, u)
	}
	wo, u := medianRun(without), medianRun(with)
	ratio := float64(u.wall) / float64(wo.wall)
	cpuRatio := float64(u.cpu) / float64(max(wo.cpu, 1))
	target := "≤ 1.10x without"
	if numbers != 100000000 {
		target += " (the target is for 100M)"
	}
	b.notes = append(b.notes, fmt.Sprintf("the scrubs with the %s-number registry and without, alternated: %s with, %s without (the row is the median of each)",
		short(numbers), walls(with), walls(without)))
	b.rows[order] = row{what: fmt.Sprintf("scrub CSV, %s registry present", short(numbers)), items: b.o.rows, use: ptr(u),
		rate: rate(b.o.rows, u.wall), figure: fmt.Sprintf("%.2fx without, alternated (CPU %.2fx)", ratio, cpuRatio), target: target, verdict: verdict(ratio <= 1.10)}
	return nil
}

// medianRun is the run of median wall time.
func medianRun(runs []usage) usage {
	runs = slices.Clone(runs)
	slices.SortFunc(runs, func(x, y usage) int { return cmp.Compare(x.wall, y.wall) })
	return runs[len(runs)/2]
}

// walls lists the runs' wall times, in the order run.
func walls(runs []usage) string {
	s := make([]string, len(runs))
	for i, r := range runs {
		s[i] = seconds(r.wall)
	}
	return strings.Join(s, ", ")
}

// check measures dncctl check, whole process, on the store with the
// opt-outs and the largest registry loaded.
func (b *bench) check(ctx context.Context) error {
	db, what := b.checkStore, fmt.Sprintf("check, %s opt-outs + %s registry", short(b.o.optouts), short(b.checkRegistry))
	if db == "" {
		db, what = b.baseStore(), fmt.Sprintf("check, %s opt-outs, no registry", short(b.o.optouts))
	}
	number := firstClean()
	b.logf("check %s, up to %d times (store %s)", number, b.o.checks, filepath.Base(db))
	var runs []usage
	for start := time.Now(); len(runs) < b.o.checks && (len(runs) < 3 || time.Since(start) < checkTime); {
		u, err := b.d.run(ctx, []string{"--db", db, "check", number}, 3)
		if err != nil {
			return err
		}
		runs = append(runs, u)
	}
	slices.SortFunc(runs, func(x, y usage) int { return int(x.wall - y.wall) })
	median := runs[len(runs)/2]
	target := "≤ 25 ms"
	if b.checkRegistry != 100000000 {
		target += " (with 100M registry)"
	}
	b.rows[orderCheck] = row{what: what, items: len(runs), use: ptr(median),
		figure: fmt.Sprintf("median %s of %d runs", seconds(median.wall), len(runs)), target: target, verdict: verdict(median.wall <= 25*time.Millisecond)}
	if b.checkRegistry != 100000000 {
		b.rows[orderCheckBig] = skippedRow("check, 1M opt-outs + 100M registry", "≤ 25 ms", "-big-registry 100000000")
	}
	return nil
}

// checkTime is how long check is run for: at least 3 times, and no more
// once this is spent (a check that takes seconds needs no 11 runs).
const checkTime = 20 * time.Second

// firstClean is the first lead number on no list: check goes through every lookup for it.
func firstClean() string {
	g := leadgen.New()
	for {
		if r := g.Next(); r.Kind == leadgen.Clean {
			return r.E164
		}
	}
}

// ptr is a pointer to a copy of u: rows must not share the variable a
// later run overwrites.
func ptr(u usage) *usage { return &u }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// short writes a count as 1M, 10M, 100k.
func short(n int) string {
	switch {
	case n >= 1000000 && n%1000000 == 0:
		return fmt.Sprintf("%dM", n/1000000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return thousands(n)
}
