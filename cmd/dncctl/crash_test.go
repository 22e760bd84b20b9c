package main

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Crash tests: each command that changes the store or writes files is
// killed with SIGKILL at random points (seeded: DNCCTL_CRASH_SEED), and
// after each kill
//
//   - no output has its final name unless it is complete: the same as an
//     uninterrupted run's (JSON and workbooks: the same counts and lines);
//   - the store opens, passes SQLite's integrity check and its audit chain
//     verifies (dncctl db check);
//   - each list change is all there or not at all;
//   - running the command again ends as an uninterrupted run does.
//
// DNCCTL_CRASH_POINTS sets the kill points per command (default 50),
// DNCCTL_CRASH_WORKERS how many run at once (default 3: the commands
// wait on fsync much of the time).

const defaultCrashSeed = 20261207

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		t.Fatalf("%s=%q: want a number", name, v)
	}
	return n
}

// crashFixture is the directory every kill point starts from: a store with
// opt-outs, a blacklist and a registry, and each command's inputs.
type crashFixture struct {
	dir   string
	state storeState
}

const (
	fixtureOptOuts  = 300
	fixtureRegistry = 3000
	fixtureLeads    = 2000
	fixtureNewOpts  = 1000
	fixtureNewReg   = 5000
	nightlyFiles    = 3
	nightlyRows     = 600
)

func newCrashFixture(t *testing.T, bin string, seed uint64) *crashFixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fixture")
	for _, d := range []string{"store", "inbox", "out"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	g := newNumberGen(seed)
	optouts := g.many(fixtureOptOuts)
	blacklist := g.many(3)
	registry := g.many(fixtureRegistry)
	write := func(name string, lines []string) {
		t.Helper()
		if err := writeLines(filepath.Join(dir, name), lines); err != nil {
			t.Fatal(err)
		}
	}
	write("base-optouts.txt", optouts)
	e164 := func(ns []string) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = "+34" + n
		}
		return out
	}
	write("reg-old.txt", e164(registry))
	db := []string{"--db", "store/dncctl.db"}
	mustRun(t, bin, dir, 0, append(db, "optout", "import", "base-optouts.txt", "--region", "ES", "--reason", "fixture")...)
	mustRun(t, bin, dir, 0, append(db, append([]string{"blacklist", "add", "--region", "ES", "--reason", "fraud"}, blacklist...)...)...)
	mustRun(t, bin, dir, 0, append(db, "registry", "import", "es", "reg-old.txt", "--region", "ES", "--full")...)
	os.Remove(filepath.Join(dir, "base-optouts.txt"))
	os.Remove(filepath.Join(dir, "reg-old.txt"))

	// Leads: mostly new numbers, some on each list, some duplicated, some
	// invalid or empty.
	leads := func(n int) []string {
		phones := g.many(n * 85 / 100)
		for i := 0; i < n*5/100; i++ {
			phones = append(phones, optouts[g.rng.IntN(len(optouts))])
		}
		for i := 0; i < n*5/100; i++ {
			phones = append(phones, "+34 "+registry[g.rng.IntN(len(registry))])
		}
		for i := 0; i < n*2/100; i++ {
			phones = append(phones, phones[g.rng.IntN(len(phones))])
		}
		for i := 0; i < n/100; i++ {
			phones = append(phones, blacklist[i%len(blacklist)], "12345", "")
		}
		return leadRows(g, phones)
	}
	write("leads.csv", leads(fixtureLeads))
	for i := 0; i < nightlyFiles; i++ {
		write(filepath.Join("inbox", fmt.Sprintf("drop%d.csv", i+1)), leads(nightlyRows))
	}
	// A list in use, which nightly cleans again in place.
	if err := os.MkdirAll(filepath.Join(dir, "lists"), 0o700); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join("lists", "inuse.csv"), leadRows(g, append(g.many(nightlyRows), optouts[:nightlyRows/10]...)))
	write("n.yaml", []string{
		"db: store/dncctl.db",
		"jobs:",
		"  es:",
		"    inbox: inbox",
		"    region: ES",
		"    source: vendor-crash",
		"    out: clean",
		"    rejected: rejected",
		"    archive: archive",
		"  inuse:",
		"    rescrub: lists",
		"    region: ES",
	})
	// An opt-out import: new numbers, some already opted out, some invalid.
	newOpts := append(g.many(fixtureNewOpts), optouts[:50]...)
	newOpts = append(newOpts, "not a number", "12", "+999123")
	write("new-optouts.txt", newOpts)
	// A full registry import: half the old numbers kept, new ones, a few
	// lines refused.
	newReg := append(e164(registry[:fixtureRegistry/2]), e164(g.many(fixtureNewReg-fixtureRegistry/2))...)
	newReg = append(newReg, "garbage", "+3412")
	write("reg-new.txt", newReg)

	st, err := readStore(bin, dir, "store/dncctl.db")
	if err != nil {
		t.Fatal(err)
	}
	return &crashFixture{dir: dir, state: st}
}

// crashCase is one command under test.
type crashCase struct {
	name string
	args []string
	// outDirs hold the command's outputs: every visible file in them is
	// compared with the reference run's.
	outDirs []string
	// sameOutput compares an output with the reference's (default: sameOutput).
	sameOutput func(p *crashPoint, name string, got, want []byte) error
	// store checks the store after the kill (rerun false) or the rerun.
	store func(p *crashPoint, got storeState, rerun bool) error
	// rerunExit checks the rerun's exit code (default: 0).
	rerunExit func(p *crashPoint, code int) error
	// extra checks what else the command is responsible for.
	extra func(p *crashPoint, rerun bool) error
	// late, if not "", names (a glob) a file that appears just before the
	// command commits: every other kill comes at a random point after it,
	// since the commit is too short for kills spread over the whole run
	// to land in it often.
	late string
}

// crashRef is an uninterrupted run's result.
type crashRef struct {
	res   e2eResult
	files map[string][]byte
	state storeState
}

// crashPoint is one kill point.
type crashPoint struct {
	bin   string
	delay time.Duration
	// after, if not "", is the glob of the file the delay counts from.
	after string
	dir   string
	base  *crashFixture
	ref   *crashRef
	// refDir is the reference run's directory.
	refDir string
	// rerunTook is how long the rerun took.
	rerunTook time.Duration
	// state says what the kill left, for the log.
	state string
	// afterKill is what the point's outputs were after the kill.
	afterKill map[string][]byte
	res       e2eResult
}

func TestCrash(t *testing.T) {
	bin := dncctlBinary(t)
	seed := uint64(defaultCrashSeed)
	if s := os.Getenv("DNCCTL_CRASH_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("DNCCTL_CRASH_SEED=%q: want a number", s)
		}
		seed = n
	}
	points := envInt(t, "DNCCTL_CRASH_POINTS", 50)
	workers := max(1, envInt(t, "DNCCTL_CRASH_WORKERS", 3))
	t.Logf("seed %d (DNCCTL_CRASH_SEED=%d reruns these kill points), %d points per command, %d at once", seed, seed, points, workers)
	start := time.Now()
	fx := newCrashFixture(t, bin, seed)
	t.Logf("fixture: %v, store %+v", time.Since(start).Round(time.Millisecond), fx.state.Counts)
	for i, c := range crashCases() {
		t.Run(c.name, func(t *testing.T) {
			runCrashCase(t, bin, fx, c, seed+uint64(i)+1, points, workers)
		})
	}
	t.Logf("all commands: %v", time.Since(start).Round(time.Millisecond))
}

func runCrashCase(t *testing.T, bin string, fx *crashFixture, c crashCase, seed uint64, points, workers int) {
	work := t.TempDir()
	started := time.Now()

	// The reference: uninterrupted runs, as many at once as the kill
	// points will run, so that the kills spread over a run as long as
	// theirs. Every one must write the same.
	refs := make([]e2eResult, workers)
	var refWG sync.WaitGroup
	for i := range refs {
		refWG.Add(1)
		go func() {
			defer refWG.Done()
			d := filepath.Join(work, fmt.Sprintf("reference-%d", i))
			if err := copyTree(fx.dir, d); err == nil {
				refs[i], _ = runE2E(bin, d, 0, c.args...)
			}
		}()
	}
	refWG.Wait()
	ref := &crashRef{res: refs[0]}
	refDir := filepath.Join(work, "reference-0")
	var err error
	if ref.files, err = readFiles(refDir, c.outDirs...); err != nil {
		t.Fatal(err)
	}
	if len(ref.files) == 0 {
		t.Fatalf("the reference run wrote nothing in %v: %s", c.outDirs, ref.res)
	}
	if ref.state, err = readStore(bin, refDir, "store/dncctl.db"); err != nil {
		t.Fatal(err)
	}
	lengths := &runLengths{}
	for i, r := range refs {
		if r.code != 0 {
			t.Fatalf("reference run %d: %s", i, r)
		}
		lengths.add(r.took)
		files, err := readFiles(filepath.Join(work, fmt.Sprintf("reference-%d", i)), c.outDirs...)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(sortedKeys(files)) != fmt.Sprint(sortedKeys(ref.files)) {
			t.Fatalf("reference runs wrote %v and %v", sortedKeys(files), sortedKeys(ref.files))
		}
		for name, b := range files {
			if strings.HasSuffix(name, ".db") {
				continue // a backup: checked as a store at each point
			}
			if err := sameOutput(name, b, ref.files[name]); err != nil {
				t.Fatalf("two uninterrupted runs differ: %v", err)
			}
		}
	}
	t.Logf("reference runs: %v, outputs %v", lengths.typical().Round(time.Millisecond), sortedKeys(ref.files))

	// Kill points until points of them came while the command ran: one
	// that came after it ended is checked too, but does not count. The
	// seed gives where in a run each kill comes, as a fraction of how long
	// uninterrupted runs take now: the load of the machine changes that.
	rng := rand.New(rand.NewPCG(seed, 1))
	fractions := make([]float64, 4*points)
	for i := range fractions {
		fractions[i] = rng.Float64()
	}
	var killed, leftTemps, tried atomic.Int32
	var statesMu sync.Mutex
	states := map[string]int{}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				delay, after := time.Duration(fractions[i]*float64(lengths.typical())), ""
				if c.late != "" && i%2 == 1 {
					delay, after = delay/4, c.late
				}
				p := &crashPoint{bin: bin, refDir: refDir, delay: delay, after: after, dir: filepath.Join(work, fmt.Sprintf("point-%03d", i)), base: fx, ref: ref}
				wasKilled, temps, errs := p.run(bin, c)
				tried.Add(1)
				if wasKilled {
					statesMu.Lock()
					states[p.state]++
					statesMu.Unlock()
				}
				if p.rerunTook > 0 {
					lengths.add(p.rerunTook)
				}
				if wasKilled {
					killed.Add(1)
				}
				leftTemps.Add(int32(temps))
				for _, e := range errs {
					t.Errorf("seed %d, point %d, SIGKILL %v after %s: %v", seed, i, p.delay, cmp.Or(p.after, "the start"), e)
				}
				if len(errs) == 0 {
					os.RemoveAll(p.dir)
				}
			}
		}()
	}
	for i := range fractions {
		if int(killed.Load()) >= points || t.Failed() {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	t.Logf("%d kills in %v: %d came while the command ran, the others after it ended; killed runs left %d hidden temporary files",
		tried.Load(), time.Since(started).Round(time.Millisecond), killed.Load(), leftTemps.Load())
	for _, s := range sortedKeys(states) {
		t.Logf("  %2d kills left %s", states[s], s)
	}
	if int(killed.Load()) < points && !t.Failed() {
		t.Errorf("only %d of %d kills came while the command ran", killed.Load(), tried.Load())
	}
}

// run kills the command at the point and checks what it left, then runs
// it again and checks that it ends as the reference did. It reports
// whether the kill came while the command ran, and how many hidden files
// (temporary files) the killed run left in the output directories.
func (p *crashPoint) run(bin string, c crashCase) (killed bool, temps int, errs []error) {
	fail := func(err error) (bool, int, []error) { return killed, temps, append(errs, err) }
	if err := copyTree(p.base.dir, p.dir); err != nil {
		return fail(err)
	}
	res, err := runE2EKill(bin, p.dir, p.kill, c.args...)
	if err != nil {
		return fail(err)
	}
	p.res, killed = res, res.killed
	if !res.killed && res.code != 0 {
		return fail(fmt.Errorf("the run was not killed but failed: %s", res))
	}
	for _, d := range c.outDirs {
		_, hidden := visibleFiles(filepath.Join(p.dir, d))
		temps += len(hidden)
	}
	for _, rerun := range []bool{false, true} {
		stage := "after the kill"
		if rerun {
			stage = "after the rerun"
			res, err := runE2E(bin, p.dir, 0, c.args...)
			if err != nil {
				return fail(err)
			}
			p.rerunTook = res.took
			check := c.rerunExit
			if check == nil {
				check = exitsZero
			}
			if err := check(p, res.code); err != nil {
				return fail(fmt.Errorf("rerun: %w\n%s", err, res))
			}
		}
		files, err := readFiles(p.dir, c.outDirs...)
		if err != nil {
			return fail(err)
		}
		if !rerun {
			p.afterKill = files
		}
		for _, name := range sortedKeys(files) {
			want, ok := p.ref.files[name]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: %s is not an output of an uninterrupted run", stage, name))
				continue
			}
			same := c.sameOutput
			if same == nil {
				same = func(_ *crashPoint, name string, got, want []byte) error { return sameOutput(name, got, want) }
			}
			if err := same(p, name, files[name], want); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", stage, err))
			}
		}
		if rerun {
			for _, name := range sortedKeys(p.ref.files) {
				if _, ok := files[name]; !ok {
					errs = append(errs, fmt.Errorf("%s: %s is missing", stage, name))
				}
			}
		}
		st, err := readStore(bin, p.dir, "store/dncctl.db")
		if err != nil {
			return fail(fmt.Errorf("%s: the store: %w", stage, err))
		}
		if !rerun {
			p.state = fmt.Sprintf("%d of %d outputs, %+d audit records", len(files), len(p.ref.files), st.Audit-p.base.state.Audit)
		}
		if err := c.store(p, st, rerun); err != nil {
			errs = append(errs, fmt.Errorf("%s: the store: %w", stage, err))
		}
		if c.extra != nil {
			if err := c.extra(p, rerun); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", stage, err))
			}
		}
		if len(errs) > 0 {
			errs = append(errs, fmt.Errorf("the killed run: %s", p.res))
			return killed, temps, errs
		}
	}
	return killed, temps, nil
}

// kill waits for the point's file, if any, then for its delay: it says
// whether to kill the command, which may have ended meanwhile (done).
func (p *crashPoint) kill(done <-chan struct{}) bool {
	for p.after != "" {
		if m, _ := filepath.Glob(filepath.Join(p.dir, p.after)); len(m) > 0 {
			break
		}
		select {
		case <-done:
			return false
		case <-time.After(time.Millisecond):
		}
	}
	select {
	case <-done:
		return false
	case <-time.After(p.delay):
		return true
	}
}

// runLengths are the durations of the latest uninterrupted runs.
type runLengths struct {
	mu     sync.Mutex
	recent []time.Duration
}

func (r *runLengths) add(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recent = append(r.recent, d)
	if len(r.recent) > 9 {
		r.recent = r.recent[1:]
	}
}

// typical is the median of the latest runs.
func (r *runLengths) typical() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	sorted := slices.Clone(r.recent)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

func exitsZero(_ *crashPoint, code int) error {
	if code != 0 {
		return fmt.Errorf("exit %d, want 0", code)
	}
	return nil
}

func crashCases() []crashCase {
	db := []string{"--db", "store/dncctl.db"}
	return []crashCase{
		{
			name: "scrub",
			args: append(db, "scrub", "leads.csv", "--region", "ES", "--out-dir", "out",
				"--summary-json", "out/leads.summary.json", "--certificate", "out/leads.certificate.json", "--report", "out/leads.report.xlsx"),
			outDirs: []string{"out"},
			// Created just before the run is recorded and its outputs renamed.
			late: "out/.leads.certificate.json.tmp-*",
			store: func(p *crashPoint, got storeState, rerun bool) error {
				if err := sameLists(got, p.base.state); err != nil {
					return err
				}
				// Each run is recorded, with its audit record, before its
				// outputs appear: a run killed after that is recorded once
				// more by the rerun.
				if got.Audit != p.base.state.Audit+got.Runs {
					return fmt.Errorf("%d audit records, %d runs: want %d records", got.Audit, got.Runs, p.base.state.Audit+got.Runs)
				}
				if !rerun && got.Runs > 1 || rerun && (got.Runs < 1 || got.Runs > 2) {
					return fmt.Errorf("%d runs recorded", got.Runs)
				}
				if !rerun && len(p.afterKill) > 0 && got.Runs != 1 {
					return fmt.Errorf("outputs %v exist, but no run is recorded", sortedKeys(p.afterKill))
				}
				return nil
			},
		},
		{
			name:    "optout-import",
			args:    append(db, "optout", "import", "new-optouts.txt", "--region", "ES", "--reason", "crash test", "--refused", "out/new-optouts.refused.csv"),
			outDirs: []string{"out"},
			store: func(p *crashPoint, got storeState, rerun bool) error {
				return allOrNothing(p, got, rerun, false)
			},
		},
		{
			name:    "registry-import",
			args:    append(db, "registry", "import", "es", "reg-new.txt", "--region", "ES", "--full", "--refused", "out/es.refused.csv"),
			outDirs: []string{"out"},
			store: func(p *crashPoint, got storeState, rerun bool) error {
				return allOrNothing(p, got, rerun, true)
			},
		},
		{
			name:    "db-backup",
			args:    append(db, "db", "backup", "out/backup.db"),
			outDirs: []string{"out"},
			sameOutput: func(p *crashPoint, name string, got, want []byte) error {
				// A backup is checked as a store: SQLite's integrity
				// check, its audit chain, what it holds.
				st, err := readStore(p.bin, p.dir, name)
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				return sameStore(st, p.base.state)
			},
			store: func(p *crashPoint, got storeState, rerun bool) error {
				return sameStore(got, p.base.state)
			},
			rerunExit: func(p *crashPoint, code int) error {
				// A backup the killed run completed is kept: the same
				// command again refuses to replace it.
				if _, done := p.afterKill["out/backup.db"]; done {
					if code != 1 {
						return fmt.Errorf("exit %d over a complete backup, want 1 (pass --force)", code)
					}
					return nil
				}
				return exitsZero(p, code)
			},
		},
		{
			name:    "nightly",
			args:    []string{"--config", "n.yaml", "nightly", "--settle", "0s"},
			outDirs: []string{"clean", "rejected", "archive"},
			store: func(p *crashPoint, got storeState, rerun bool) error {
				if err := sameLists(got, p.base.state); err != nil {
					return err
				}
				if got.Audit != p.base.state.Audit+got.Runs {
					return fmt.Errorf("%d audit records, %d runs: want %d records", got.Audit, got.Runs, p.base.state.Audit+got.Runs)
				}
				// Each file is processed once, the list in use cleaned
				// (again by the rerun if the killed run did), and nothing fails.
				processed, rescrubbed := got.Nightly["processed"], got.Nightly["rescrubbed"]
				if processed > nightlyFiles || rerun && (processed != nightlyFiles || rescrubbed < 1) || rescrubbed > 2 ||
					sumValues(got.Nightly) != processed+rescrubbed {
					return fmt.Errorf("nightly files %v, want %d processed, the list rescrubbed, nothing else", got.Nightly, nightlyFiles)
				}
				return nil
			},
			rerunExit: func(p *crashPoint, code int) error {
				if code != 0 && code != exitNothingToDo {
					return fmt.Errorf("exit %d, want 0 or 4", code)
				}
				return nil
			},
			extra: func(p *crashPoint, rerun bool) error {
				if err := nightlyInputs(p, rerun); err != nil {
					return err
				}
				return nightlyList(p, rerun)
			},
		},
	}
}

func sumValues(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// sameStore says how a store differs from want: its audit log or lists.
func sameStore(got, want storeState) error {
	if got.Audit != want.Audit || got.AuditHead != want.AuditHead {
		return fmt.Errorf("audit log of %d records ending %.12s, want %d ending %.12s", got.Audit, got.AuditHead, want.Audit, want.AuditHead)
	}
	return sameLists(got, want)
}

// allOrNothing checks an import: the store is as it was, or as the
// reference left it, the audit log with it; never between. A refused-rows
// report appears only once the import is in. The rerun of a full registry
// import imports it again, with one more audit record.
func allOrNothing(p *crashPoint, got storeState, rerun, registry bool) error {
	before, after := p.base.state, p.ref.state
	isBefore := sameLists(got, before) == nil && got.Audit == before.Audit && fmt.Sprint(got.Imported) == fmt.Sprint(before.Imported)
	isAfter := sameLists(got, after) == nil && (got.Audit == after.Audit || registry && rerun && got.Audit == after.Audit+1)
	switch {
	case rerun && !isAfter:
		return fmt.Errorf("entries %v, registries %v, %d audit records: want %v, %v, %d", got.Counts, got.Registries, got.Audit, after.Counts, after.Registries, after.Audit)
	case !isBefore && !isAfter:
		return fmt.Errorf("half an import: entries %v, registries %v (%v numbers), %d audit records; before %v, %v, %d; after %v, %v, %d",
			got.Counts, got.Registries, got.Numbers, got.Audit, before.Counts, before.Registries, before.Audit, after.Counts, after.Registries, after.Audit)
	case isBefore && len(p.afterKill) > 0 && !rerun:
		return fmt.Errorf("the refused-rows report %v exists, but the import is not in the store", sortedKeys(p.afterKill))
	}
	return nil
}

// nightlyInputs checks that each input is in one place, whole: the inbox,
// the claimed directory of a killed run, or the archive; after the rerun,
// in the archive only, and no temporary file is left in the job's
// directories.
func nightlyInputs(p *crashPoint, rerun bool) error {
	for i := 0; i < nightlyFiles; i++ {
		name := fmt.Sprintf("drop%d.csv", i+1)
		want, err := os.ReadFile(filepath.Join(p.base.dir, "inbox", name))
		if err != nil {
			return err
		}
		var found []string
		for _, d := range []string{"inbox", filepath.Join("inbox", claimDir), "archive"} {
			b, err := os.ReadFile(filepath.Join(p.dir, d, name))
			if os.IsNotExist(err) {
				continue
			}
			if err != nil {
				return err
			}
			if string(b) != string(want) {
				return fmt.Errorf("%s/%s is not the input it was", d, name)
			}
			found = append(found, d)
		}
		if len(found) != 1 || rerun && found[0] != "archive" {
			return fmt.Errorf("input %s is in %v", name, found)
		}
	}
	if rerun {
		for _, d := range []string{"clean", "rejected", "archive", "inbox", filepath.Join("inbox", claimDir)} {
			visible, hidden := visibleFiles(filepath.Join(p.dir, d))
			if d == "inbox" || strings.HasPrefix(d, "inbox/") {
				hidden = slices.Concat(hidden, visible)
			}
			if len(hidden) > 0 {
				return fmt.Errorf("%s still holds %v", d, hidden)
			}
		}
	}
	return nil
}

// faultFixture is a small store and the inputs of each command whose
// outputs TestUnwritableOutputs sends to a directory that cannot take them.
func faultFixture(t *testing.T, bin string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "fixture")
	for _, d := range []string{"store", "inbox", "out"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	g := newNumberGen(7)
	optouts := g.many(50)
	write := func(name string, lines []string) {
		t.Helper()
		if err := writeLines(filepath.Join(dir, name), lines); err != nil {
			t.Fatal(err)
		}
	}
	write("base.txt", optouts)
	mustRun(t, bin, dir, 0, "--db", "store/dncctl.db", "optout", "import", "base.txt", "--region", "ES", "--reason", "fixture")
	os.Remove(filepath.Join(dir, "base.txt"))
	// Big enough that the clean list does not fit a write buffer.
	write("leads.csv", leadRows(g, append(g.many(5000), optouts...)))
	write("inbox/drop.csv", leadRows(g, g.many(200)))
	write("opts.txt", append(g.many(100), "not a number"))
	reg := g.many(100)
	for i := range reg {
		reg[i] = "+34" + reg[i]
	}
	write("reg.txt", append(reg, "garbage"))
	replies := []string{"from,message,received_at"}
	for i, n := range g.many(20) {
		replies = append(replies, fmt.Sprintf("%s,%s,2026-11-20 09:%02d:00", n, []string{"STOP", "please stop texting me"}[i%2], i))
	}
	write("replies.csv", replies)
	return dir
}

// TestUnwritableOutputs sends each command's outputs to a directory that
// cannot take them: read-only, or on a full disk. Each must fail with a
// clear error and exit 1, leave nothing there (not even a temporary file)
// and leave the store as it was.
func TestUnwritableOutputs(t *testing.T) {
	bin := dncctlBinary(t)
	fixture := faultFixture(t, bin)
	for _, kind := range []string{"read-only", "disk-full"} {
		t.Run(kind, func(t *testing.T) {
			work := t.TempDir()
			bad, wantErr := unwritableDir(t, kind, filepath.Join(work, "bad"))
			t.Logf("outputs go to %s", bad)
			filler, _ := visibleFiles(bad)
			for _, tc := range []struct {
				name string
				args []string
			}{
				{"scrub out-dir", []string{"scrub", "leads.csv", "--region", "ES", "--out-dir", bad}},
				{"scrub summary-json", []string{"scrub", "leads.csv", "--region", "ES", "--out-dir", "out", "--summary-json", filepath.Join(bad, "s.json")}},
				{"scrub certificate", []string{"scrub", "leads.csv", "--region", "ES", "--out-dir", "out", "--certificate", filepath.Join(bad, "c.json")}},
				{"scrub report", []string{"scrub", "leads.csv", "--region", "ES", "--out-dir", "out", "--report", filepath.Join(bad, "r.xlsx")}},
				{"optout import", []string{"optout", "import", "opts.txt", "--region", "ES", "--refused", filepath.Join(bad, "refused.csv")}},
				{"registry import", []string{"registry", "import", "es", "reg.txt", "--region", "ES", "--full", "--refused", filepath.Join(bad, "refused.csv")}},
				{"optout import-replies", []string{"optout", "import-replies", "replies.csv", "--region", "ES", "--report", filepath.Join(bad, "replies.csv")}},
				{"db backup", []string{"db", "backup", filepath.Join(bad, "backup.db")}},
				{"nightly", []string{"--config", "n.yaml", "nightly", "--settle", "0s"}},
			} {
				t.Run(strings.ReplaceAll(tc.name, " ", "-"), func(t *testing.T) {
					dir := filepath.Join(work, strings.ReplaceAll(tc.name, " ", "-"))
					if err := copyTree(fixture, dir); err != nil {
						t.Fatal(err)
					}
					config := []string{"db: store/dncctl.db", "jobs:", "  es:", "    inbox: inbox", "    region: ES",
						"    out: " + bad, "    rejected: " + bad, "    archive: archive"}
					if err := writeLines(filepath.Join(dir, "n.yaml"), config); err != nil {
						t.Fatal(err)
					}
					before, err := readStore(bin, dir, "store/dncctl.db")
					if err != nil {
						t.Fatal(err)
					}
					args := tc.args
					if args[0] != "--config" {
						args = append([]string{"--db", "store/dncctl.db"}, args...)
					}
					res, err := runE2E(bin, dir, 0, args...)
					if err != nil {
						t.Fatal(err)
					}
					if res.code != exitFailed {
						t.Errorf("want exit 1, got %s", res)
					}
					msg := res.stderr
					if tc.name == "nightly" {
						msg = res.stdout // the log says why
					}
					if !strings.Contains(msg, wantErr) && !(kind == "disk-full" && strings.Contains(msg, "disk is full")) || strings.Contains(res.stderr, "goroutine ") {
						t.Errorf("the error does not say %q:\n%s", wantErr, res)
					}
					if i := strings.Index(msg, wantErr); i >= 0 {
						t.Logf("%s", msg[strings.LastIndex(msg[:i], "\n")+1:i+len(wantErr)])
					}
					if tc.name != "nightly" && !strings.HasPrefix(res.stderr, "Error: ") {
						t.Errorf("stderr does not start with Error:\n%s", res.stderr)
					}
					visible, hidden := visibleFiles(bad)
					if left := slices.Concat(hidden, slices.DeleteFunc(visible, func(n string) bool { return slices.Contains(filler, n) })); len(left) > 0 {
						t.Errorf("left in %s: %v", bad, left)
					}
					if visible, hidden := visibleFiles(filepath.Join(dir, "out")); len(visible)+len(hidden) > 0 {
						t.Errorf("left in out: %v %v", visible, hidden)
					}
					after, err := readStore(bin, dir, "store/dncctl.db")
					if err != nil {
						t.Fatal(err)
					}
					if err := sameStore(after, before); err != nil {
						t.Errorf("the store changed: %v", err)
					}
					if after.Runs != before.Runs {
						t.Errorf("%d runs recorded, want %d", after.Runs, before.Runs)
					}
					if tc.name == "nightly" {
						if _, err := os.Stat(filepath.Join(dir, "inbox", "drop.csv")); err != nil {
							t.Errorf("the input is not back in the inbox: %v", err)
						}
					}
				})
			}
		})
	}
}

// unwritableDir makes a directory at path that takes no file: read-only,
// or full (a small tmpfs filled to the last byte). It returns where
// outputs should go and what the error must say.
func unwritableDir(t *testing.T, kind, path string) (string, string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o700); err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0
	if kind == "disk-full" {
		if !root {
			t.Skip("a full disk needs a small tmpfs, and mounting one needs root")
		}
		if err := syscall.Mount("tmpfs", path, "tmpfs", 0, "size=256k,mode=0700"); err != nil {
			t.Skipf("cannot mount a small tmpfs for a full disk: %v", err)
		}
		t.Cleanup(func() { syscall.Unmount(path, 0) })
		fill(t, filepath.Join(path, "filler"))
		return path, "no space left on device"
	}
	if !root {
		if err := os.Chmod(path, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(path, 0o700) })
		return path, "permission denied"
	}
	// Root writes in a directory of any mode: a read-only mount stops it.
	if err := syscall.Mount("tmpfs", path, "tmpfs", syscall.MS_RDONLY, "size=256k,mode=0700"); err == nil {
		t.Cleanup(func() { syscall.Unmount(path, 0) })
		return path, "read-only file system"
	}
	// Without mounts, a directory under a regular file cannot be made.
	file := filepath.Join(path, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(file, "out"), "not a directory"
}

// fill writes to path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			break
		}
	}
	// Fill the last partial block too.
	for {
		if _, err := f.Write(block[:1]); err != nil {
			break
		}
	}
	f.Sync()
}

// nightlyList checks the list in use that nightly cleans in place: it is
// the list as it was or as the reference cleaned it, never anything else.
// A kill in the middle of its commit may leave it moved aside, whole,
// for the next run to put back; after the rerun it is the cleaned list.
// Its rejection reports (named by the time of the run) are whole, and
// together reject what the reference's did.
func nightlyList(p *crashPoint, rerun bool) error {
	list := filepath.Join("lists", "inuse.csv")
	orig, err := os.ReadFile(filepath.Join(p.base.dir, list))
	if err != nil {
		return err
	}
	cleaned, err := os.ReadFile(filepath.Join(p.refDir, list))
	if err != nil {
		return err
	}
	got, err := os.ReadFile(filepath.Join(p.dir, list))
	switch {
	case os.IsNotExist(err) && !rerun:
		aside, _ := filepath.Glob(filepath.Join(p.dir, "lists", ".inuse.csv.tmp-*.previous"))
		if len(aside) != 1 {
			return fmt.Errorf("%s is gone, and not moved aside: %v", list, aside)
		}
		if got, err = os.ReadFile(aside[0]); err != nil {
			return err
		}
		if string(got) != string(orig) {
			return fmt.Errorf("%s was moved aside, changed", list)
		}
	case err != nil:
		return err
	case rerun && string(got) != string(cleaned):
		return fmt.Errorf("%s is not the cleaned list", list)
	case string(got) != string(orig) && string(got) != string(cleaned):
		return fmt.Errorf("%s is neither the list nor the cleaned list", list)
	}
	want, err := rescrubRejected(p.refDir)
	if err != nil {
		return err
	}
	rows, err := rescrubRejected(p.dir)
	if err != nil {
		return err
	}
	if len(rows) > 0 || rerun {
		if fmt.Sprint(rows) != fmt.Sprint(want) {
			return fmt.Errorf("the rescrub's reports reject %d lines, want the reference's %d", len(rows), len(want))
		}
	}
	return nil
}

// rescrubRejected are the lines of the rescrub's rejection reports in dir,
// sorted, the headers aside.
func rescrubRejected(dir string) ([]string, error) {
	reports, _ := visibleFiles(filepath.Join(dir, "lists", "rejected"))
	var rows []string
	for _, r := range reports {
		b, err := os.ReadFile(filepath.Join(dir, "lists", "rejected", r))
		if err != nil {
			return nil, err
		}
		lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
		rows = append(rows, lines[1:]...)
	}
	slices.Sort(rows)
	return rows, nil
}

// TestForeignStore points --db at a SQLite database another program made:
// every command refuses it, says why, and leaves it as it was, with no
// file beside it.
func TestForeignStore(t *testing.T) {
	bin := dncctlBinary(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "crm.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"CREATE TABLE customers (id INTEGER PRIMARY KEY, phone TEXT)", "INSERT INTO customers (phone) VALUES ('+34612345678')"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, lines := range map[string][]string{
		"leads.csv": {"name,phone", "Ana,612345678"},
		"opts.txt":  {"612345679"},
		"reg.txt":   {"+34612345670"},
		"n.yaml":    {"db: crm.db", "jobs:", "  es:", "    inbox: inbox", "    region: ES", "    out: out", "    archive: archive"},
	} {
		if err := writeLines(filepath.Join(dir, name), lines); err != nil {
			t.Fatal(err)
		}
	}
	db2 := []string{"--db", "crm.db"}
	for _, args := range [][]string{
		append(db2, "optout", "add", "612345678", "--region", "ES"),
		append(db2, "optout", "import", "opts.txt", "--region", "ES"),
		append(db2, "registry", "import", "es", "reg.txt", "--region", "ES", "--full"),
		append(db2, "scrub", "leads.csv", "--region", "ES"),
		append(db2, "scrub", "leads.csv", "--region", "ES", "--allow-empty-store"),
		append(db2, "check", "+34612345678"),
		append(db2, "db", "backup", "backup.db"),
		append(db2, "db", "check"),
		append(db2, "audit", "verify"),
		{"--config", "n.yaml", "nightly", "--settle", "0s"},
	} {
		res, err := runE2E(bin, dir, 0, args...)
		if err != nil {
			t.Fatal(err)
		}
		out := res.stderr + res.stdout
		if res.code != exitFailed || !strings.Contains(out, "not a dncctl store") {
			t.Errorf("dncctl %s: want exit 1 and \"not a dncctl store\", got %s", strings.Join(args, " "), res)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Error("crm.db changed")
	}
	visible, hidden := visibleFiles(dir)
	for _, n := range slices.Concat(visible, hidden) {
		if strings.HasPrefix(n, "crm.db") && n != "crm.db" || strings.HasPrefix(n, "leads.") && n != "leads.csv" || strings.HasPrefix(n, "backup") {
			t.Errorf("left beside it: %s", n)
		}
	}
}
