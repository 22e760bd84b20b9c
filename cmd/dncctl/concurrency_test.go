package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Concurrency: opt-outs are added (optout add, optout import) by many
// processes at once while a long scrub and a nightly run go on. Every add
// must succeed, none may see "database is locked", every entry must be
// counted, and an opt-out whose add returned before a scrub started must
// be honoured by that scrub.

const (
	concWriters  = 12  // processes adding opt-outs at once
	concAdds     = 4   // optout add runs per writer, one number each
	concImport   = 150 // numbers in each writer's optout import
	concFiller   = 30000
	concProbes   = 4 // add-then-scrub rounds
	concInbox    = 2 // nightly inbox files
	concInboxLen = 2000
)

// writtenOptOut is an opt-out a writer added, and when its command returned.
type writtenOptOut struct {
	e164 string
	done time.Time
}

func TestConcurrentOptOuts(t *testing.T) {
	bin := dncctlBinary(t)
	dir := t.TempDir()
	for _, d := range []string{"store", "inbox", "out", "probe"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	g := newNumberGen(99)
	write := func(name string, lines []string) {
		t.Helper()
		if err := writeLines(filepath.Join(dir, name), lines); err != nil {
			t.Fatal(err)
		}
	}
	base := g.many(200)
	write("base.txt", base)
	mustRun(t, bin, dir, 0, "--db", "store/dncctl.db", "optout", "import", "base.txt", "--region", "ES", "--reason", "base")

	// What each writer will add, decided now so that the scrubs' inputs
	// can hold every one of them.
	adds := make([][]string, concWriters)
	imports := make([][]string, concWriters)
	var all []string
	for w := range concWriters {
		adds[w] = g.many(concAdds)
		imports[w] = g.many(concImport)
		write(fmt.Sprintf("import-%02d.txt", w), imports[w])
		all = slices.Concat(all, adds[w], imports[w])
	}
	probes := g.many(concProbes)
	write("leads.csv", leadRows(g, slices.Concat(g.many(concFiller), all)))
	for i := range concInbox {
		write(fmt.Sprintf("inbox/drop%d.csv", i+1), leadRows(g, slices.Concat(g.many(concInboxLen), all)))
	}
	write("n.yaml", []string{"db: store/dncctl.db", "jobs:", "  es:", "    inbox: inbox", "    region: ES",
		"    out: clean", "    rejected: rejected", "    archive: archive"})

	var (
		mu      sync.Mutex
		written []writtenOptOut
		wg      sync.WaitGroup
		started atomic.Int32 // writer commands that have returned
	)
	var lastWrite time.Time
	record := func(res e2eResult, err error, what string, numbers []string) {
		done := time.Now()
		defer started.Add(1)
		if err != nil {
			t.Error(err)
			return
		}
		if res.code != 0 || strings.Contains(res.stderr, "locked") || strings.Contains(res.stderr, "busy") {
			t.Errorf("%s: %s", what, res)
			return
		}
		mu.Lock()
		for _, n := range numbers {
			written = append(written, writtenOptOut{e164: "+34" + n, done: done})
		}
		lastWrite = done
		mu.Unlock()
	}
	begin := time.Now()
	for w := range concWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Half the writers import first, the others half way.
			importAt := (w % 2) * concAdds / 2
			for i := range concAdds + 1 {
				if i == importAt {
					file := fmt.Sprintf("import-%02d.txt", w)
					res, err := runE2E(bin, dir, 0, "--db", "store/dncctl.db", "optout", "import", file, "--region", "ES", "--reason", "writer import")
					record(res, err, "optout import "+file, imports[w])
				}
				if i == concAdds {
					break
				}
				n := adds[w][i]
				res, err := runE2E(bin, dir, 0, "--db", "store/dncctl.db", "optout", "add", n, "--region", "ES", "--reason", "writer")
				record(res, err, "optout add", []string{n})
			}
		}()
	}

	// The long scrub and the nightly run start once some adds are in, so
	// that some opt-outs come before them and some while they run.
	type longRun struct {
		name  string
		args  []string
		after int32 // writer commands returned before it starts
		start time.Time
		res   e2eResult
		err   error
	}
	long := []*longRun{
		{name: "scrub", after: concWriters * 3 / 2, args: []string{"--db", "store/dncctl.db", "scrub", "leads.csv", "--region", "ES", "--out-dir", "out"}},
		{name: "nightly", after: concWriters * 5 / 2, args: []string{"--config", "n.yaml", "nightly", "--settle", "0s"}},
	}
	for _, l := range long {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for started.Load() < l.after {
				time.Sleep(5 * time.Millisecond)
			}
			l.start = time.Now()
			l.res, l.err = runE2E(bin, dir, 0, l.args...)
		}()
	}

	// Meanwhile, an opt-out added and then scrubbed, again and again, is
	// rejected every time.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, n := range probes {
			res, err := runE2E(bin, dir, 0, "--db", "store/dncctl.db", "optout", "add", n, "--region", "ES", "--reason", "probe")
			record(res, err, "optout add (probe)", []string{n})
			file := fmt.Sprintf("probe/probe%d.csv", i)
			if err := writeLines(filepath.Join(dir, file), []string{"name,phone", "Probe," + n, "Other," + g.next()}); err != nil {
				t.Error(err)
				return
			}
			res, err = runE2E(bin, dir, 0, "--db", "store/dncctl.db", "scrub", file, "--region", "ES")
			if err != nil || res.code != 0 {
				t.Errorf("probe scrub: %v %s", err, res)
				continue
			}
			rejected, err := optedOutIn(filepath.Join(dir, "probe", fmt.Sprintf("probe%d.rejected.csv", i)))
			if err != nil {
				t.Error(err)
			} else if !rejected["+34"+n] {
				t.Errorf("probe %d: +34%s was added before the scrub started, but the scrub did not reject it as OPTED_OUT", i, n)
			}
		}
	}()
	wg.Wait()
	t.Logf("%d writers added %d opt-outs in %v, %d commands each, while a scrub of %d rows and a nightly run went on",
		concWriters, len(written), lastWrite.Sub(begin).Round(time.Millisecond), concAdds+1, concFiller+len(all))

	st, err := readStore(bin, dir, "store/dncctl.db")
	if err != nil {
		t.Fatal(err)
	}
	if want := len(base) + len(all) + len(probes); st.Counts["optout"] != want || len(written) != len(all)+len(probes) {
		t.Errorf("%d opt-outs in the store, %d reported added by writers: want %d", st.Counts["optout"], len(written), want)
	}
	if st.Audit != len(base)+len(all)+len(probes)+st.Runs {
		t.Errorf("%d audit records for %d opt-outs and %d runs", st.Audit, st.Counts["optout"], st.Runs)
	}

	for _, l := range long {
		if l.err != nil {
			t.Fatal(l.err)
		}
		if l.res.code != 0 || strings.Contains(l.res.stderr+l.res.stdout, "locked") {
			t.Errorf("%s: %s", l.name, l.res)
			continue
		}
		var reports []string
		if l.name == "scrub" {
			reports = []string{filepath.Join(dir, "out", "leads.rejected.csv")}
		} else {
			for i := range concInbox {
				reports = append(reports, filepath.Join(dir, "rejected", fmt.Sprintf("drop%d.rejected.csv", i+1)))
			}
		}
		before, honoured := 0, 0
		for _, r := range reports {
			rejected, err := optedOutIn(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range written {
				if slices.Contains(probes, strings.TrimPrefix(w.e164, "+34")) {
					continue // not in the long runs' inputs
				}
				if rejected[w.e164] {
					honoured++
				}
				if !w.done.Before(l.start) {
					continue
				}
				before++
				if !rejected[w.e164] {
					t.Errorf("%s: %s was added %v before it started, and passed", l.name, w.e164, l.start.Sub(w.done))
				}
			}
		}
		t.Logf("%s ran from %v to %v: %d opt-outs were added before it started, all rejected; %d rejected in all",
			l.name, l.start.Sub(begin).Round(time.Millisecond), l.start.Add(l.res.took).Sub(begin).Round(time.Millisecond), before/len(reports), honoured/len(reports))
	}
}

// optedOutIn reads a rejection report: the numbers rejected as OPTED_OUT.
func optedOutIn(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	e164, reason := slices.Index(rows[0], "phone_e164"), slices.Index(rows[0], "reason")
	if e164 < 0 || reason < 0 {
		return nil, fmt.Errorf("%s: no phone_e164 or reason column in %v", path, rows[0])
	}
	out := map[string]bool{}
	for _, row := range rows[1:] {
		if row[reason] == "OPTED_OUT" {
			out[row[e164]] = true
		}
	}
	return out, nil
}
