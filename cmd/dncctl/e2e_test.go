package main

// Helpers for the tests that run the dncctl binary as its users do, in
// their own processes: crash_test.go (SIGKILL at random points, full and
// read-only disks) and concurrency_test.go (many writers at once).

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// e2eBinary is dncctl built once per test binary: not the test binary
// itself (testscript's "dncctl"), which `make test` builds with the race
// detector, twenty times slower at a scrub.
var e2eBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// dncctlBinary builds dncctl, once, and returns its path.
func dncctlBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the dncctl binary and runs it many times")
	}
	e2eBinary.once.Do(func() {
		dir, err := os.MkdirTemp("", "dncctl-e2e-")
		if err != nil {
			e2eBinary.err = err
			return
		}
		e2eBinary.dir = dir
		bin := filepath.Join(dir, "dncctl")
		out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
		if err != nil {
			e2eBinary.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		e2eBinary.path = bin
	})
	if e2eBinary.err != nil {
		t.Fatal(e2eBinary.err)
	}
	return e2eBinary.path
}

// removeE2EBinary removes what dncctlBinary built; TestMain calls it.
func removeE2EBinary() {
	if e2eBinary.dir != "" {
		os.RemoveAll(e2eBinary.dir)
	}
}

// e2eEnv is the environment dncctl runs in, in dir: none of the machine's
// DNCCTL_ variables, and XDG directories (so no config file) inside dir.
func e2eEnv(dir string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DNCCTL_") && !strings.HasPrefix(kv, "XDG_") {
			env = append(env, kv)
		}
	}
	return append(env, "XDG_CONFIG_HOME="+filepath.Join(dir, ".xdg-config"), "XDG_DATA_HOME="+filepath.Join(dir, ".xdg-data"))
}

// e2eResult is how one run of dncctl ended.
type e2eResult struct {
	code           int // -1 when killed
	stdout, stderr string
	took           time.Duration
	killed         bool // by the test's SIGKILL, before it ended by itself
}

func (r e2eResult) String() string {
	return fmt.Sprintf("exit %d after %v\nstdout:\n%s\nstderr:\n%s", r.code, r.took.Round(time.Millisecond), r.stdout, r.stderr)
}

// e2eCmd is dncctl with args, to be run in dir.
func e2eCmd(bin, dir string, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = e2eEnv(dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// runE2E runs dncctl in dir with args, and kills it with SIGKILL after
// killAfter if that is not zero and it is still running.
func runE2E(bin, dir string, killAfter time.Duration, args ...string) (e2eResult, error) {
	if killAfter == 0 {
		return runE2EKill(bin, dir, nil, args...)
	}
	return runE2EKill(bin, dir, func(done <-chan struct{}) bool {
		select {
		case <-time.After(killAfter):
			return true
		case <-done:
			return false
		}
	}, args...)
}

// runE2EKill runs dncctl in dir with args and, if kill is not nil, kills it
// with SIGKILL when kill returns true; done is closed when dncctl ends.
func runE2EKill(bin, dir string, kill func(done <-chan struct{}) bool, args ...string) (e2eResult, error) {
	cmd, stdout, stderr := e2eCmd(bin, dir, args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return e2eResult{}, err
	}
	done := make(chan struct{})
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		if kill != nil && kill(done) {
			cmd.Process.Kill()
		}
	}()
	err := cmd.Wait()
	close(done)
	<-killed
	res := e2eResult{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			res.killed = true
		}
	default:
		return res, err
	}
	return res, nil
}

// mustRun runs dncctl to the end and fails the test unless it exits with want.
func mustRun(t testing.TB, bin, dir string, want int, args ...string) e2eResult {
	t.Helper()
	res, err := runE2E(bin, dir, 0, args...)
	if err != nil {
		t.Fatal(err)
	}
	if res.code != want {
		t.Fatalf("dncctl %s: want exit %d, got %s", strings.Join(args, " "), want, res)
	}
	return res
}

// storeState is what a store holds, as far as the tests compare it.
type storeState struct {
	Audit      int               // audit records
	AuditHead  string            // the last one's hash
	Counts     map[string]int    // active entries by list
	Registries map[string]int    // numbers by registry, as registries.count says
	Numbers    map[string]int    // numbers by registry, counted
	Imported   map[string]string // last full import by registry
	Runs       int
	Nightly    map[string]int // nightly_files rows by status
}

// The lines of db check that readStore reads.
var (
	checkIntegrity = regexp.MustCompile(`(?m)^integrity:  ok$`)
	checkAudit     = regexp.MustCompile(`(?m)^audit log:  intact, (\d+) records(?:, last hash ([0-9a-f]{64}))?$`)
	checkEntries   = regexp.MustCompile(`(?m)^entries:    (.*) \(active\)$`)
)

// readStore checks the store at db (a path relative to dir) with dncctl db
// check, which runs SQLite's integrity check and verifies the audit chain,
// and reads the counts the tests compare. A store that fails the check is
// an error.
func readStore(bin, dir, db string) (storeState, error) {
	var s storeState
	res, err := runE2E(bin, dir, 0, "--db", db, "db", "check")
	if err != nil {
		return s, err
	}
	if res.code != 0 || !checkIntegrity.MatchString(res.stdout) {
		return s, fmt.Errorf("db check: %s", res)
	}
	m := checkAudit.FindStringSubmatch(res.stdout)
	if m == nil {
		return s, fmt.Errorf("db check: no intact audit log:\n%s", res.stdout)
	}
	s.Audit, _ = strconv.Atoi(m[1])
	s.AuditHead = m[2]
	s.Counts = map[string]int{}
	m = checkEntries.FindStringSubmatch(res.stdout)
	if m == nil {
		// Without the counts, two states would compare equal unread.
		return s, fmt.Errorf("db check: no entries line:\n%s", res.stdout)
	}
	for _, part := range strings.Split(m[1], ", ") {
		list, n, _ := strings.Cut(part, " ")
		s.Counts[list], _ = strconv.Atoi(n)
	}
	return s, readStoreTables(filepath.Join(dir, db), &s)
}

// readStoreTables reads the registries, runs and nightly files, read-only
// and without creating anything, as db check opens a store.
func readStoreTables(path string, s *storeState) error {
	q := url.Values{}
	q.Set("mode", "rw")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	s.Registries, s.Numbers, s.Imported, s.Nightly = map[string]int{}, map[string]int{}, map[string]string{}, map[string]int{}
	rows, err := db.QueryContext(ctx, `SELECT name, count, coalesce(last_full_at, ''),
		(SELECT coalesce(sum(n), 0) FROM registry_blocks WHERE registry = name) FROM registries`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name, at string
		var count, numbers int
		if err := rows.Scan(&name, &count, &at, &numbers); err != nil {
			rows.Close()
			return err
		}
		s.Registries[name], s.Numbers[name], s.Imported[name] = count, numbers, at
	}
	rows.Close()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM runs`).Scan(&s.Runs); err != nil {
		return err
	}
	rows, err = db.QueryContext(ctx, `SELECT status, count(*) FROM nightly_files GROUP BY status`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return err
		}
		s.Nightly[status] = n
	}
	return rows.Err()
}

// sameLists reports how two states' lists differ: entries and registries.
func sameLists(got, want storeState) error {
	if fmt.Sprint(got.Counts) != fmt.Sprint(want.Counts) {
		return fmt.Errorf("entries %v, want %v", got.Counts, want.Counts)
	}
	if fmt.Sprint(got.Registries) != fmt.Sprint(want.Registries) || fmt.Sprint(got.Numbers) != fmt.Sprint(want.Numbers) {
		return fmt.Errorf("registries %v (%v numbers), want %v (%v)", got.Registries, got.Numbers, want.Registries, want.Numbers)
	}
	return nil
}

// copyTree copies the files and directories under from to to.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, path)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o700)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
}

// visibleFiles are the regular files in dir whose names do not start with
// a dot, by name; hidden lists the others (temporary files).
func visibleFiles(dir string) (visible, hidden []string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if strings.HasPrefix(e.Name(), ".") {
			hidden = append(hidden, e.Name())
		} else {
			visible = append(visible, e.Name())
		}
	}
	return visible, hidden
}

// numberGen makes distinct Spanish mobile numbers, national form.
type numberGen struct {
	rng  *rand.Rand
	seen map[string]bool
}

func newNumberGen(seed uint64) *numberGen {
	return &numberGen{rng: rand.New(rand.NewPCG(seed, 0x5eed)), seen: map[string]bool{}}
}

func (g *numberGen) next() string {
	for {
		n := fmt.Sprintf("6%08d", g.rng.IntN(100_000_000))
		if !g.seen[n] {
			g.seen[n] = true
			return n
		}
	}
}

func (g *numberGen) many(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = g.next()
	}
	return out
}

// writeLines writes one line per element.
func writeLines(path string, lines []string) error {
	var b bytes.Buffer
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return os.WriteFile(path, b.Bytes(), 0o600)
}

// leadRows are lead file rows (name,phone,city) for phones, in an order
// the generator's seed decides.
func leadRows(g *numberGen, phones []string) []string {
	rows := make([]string, 0, len(phones)+1)
	rows = append(rows, "name,phone,city")
	g.rng.Shuffle(len(phones), func(i, j int) { phones[i], phones[j] = phones[j], phones[i] })
	for i, p := range phones {
		rows = append(rows, fmt.Sprintf("Lead %d,%s,Madrid", i, p))
	}
	return rows
}

// sameOutput compares two versions of a scrub output, the second the
// reference: byte for byte for CSV, and for the files that hold times or
// run ids (JSON, workbooks) what they say, those aside.
func sameOutput(path string, got, want []byte) error {
	// compare compares what form makes of got and of the reference.
	compare := func(form func([]byte) (string, error), differs string) error {
		g, err := form(got)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		w, err := referenceForm(want, form)
		if err != nil {
			return fmt.Errorf("reference %s: %w", path, err)
		}
		if g != w {
			return fmt.Errorf("%s %s\n%s\nwant\n%s", path, differs, g, w)
		}
		return nil
	}
	switch {
	case strings.HasSuffix(path, ".json"):
		return compare(comparableJSON, "says")
	case strings.HasSuffix(path, ".xlsx"):
		return compare(workbookRows, "holds other parts than the reference:")
	default:
		if !bytes.Equal(got, want) {
			return fmt.Errorf("%s (%d bytes) differs from the reference (%d bytes)", path, len(got), len(want))
		}
	}
	return nil
}

// referenceForms holds what referenceForm made, by the SHA-256 of its input.
var referenceForms sync.Map

// referenceForm is form(b), made once for each b: the reference outputs are
// compared at every kill point, and reading a workbook is slow under the
// race detector.
func referenceForm(b []byte, form func([]byte) (string, error)) (string, error) {
	key := sha256.Sum256(b)
	if v, ok := referenceForms.Load(key); ok {
		return v.(string), nil
	}
	v, err := form(b)
	if err == nil {
		referenceForms.Store(key, v)
	}
	return v, err
}

// volatileKeys are the JSON fields that differ from run to run of the
// same scrub: when and which run.
var volatileKeys = map[string]bool{"run_id": true, "started_at": true, "finished_at": true, "age_seconds": true, "seconds": true}

// comparableJSON is a summary or certificate without its volatile fields,
// and without the hash and size of outputs that hold them (the summary,
// the report).
func comparableJSON(b []byte) (string, error) {
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return "", err
	}
	var strip func(v any) any
	strip = func(v any) any {
		switch v := v.(type) {
		case map[string]any:
			for k := range v {
				if volatileKeys[k] {
					delete(v, k)
				}
			}
			if role, _ := v["role"].(string); role == "summary" || role == "report" {
				delete(v, "sha256")
				delete(v, "size")
			}
			for k, x := range v {
				v[k] = strip(x)
			}
		case []any:
			for i, x := range v {
				v[i] = strip(x)
			}
		}
		return v
	}
	out, err := json.Marshal(strip(doc))
	return string(out), err
}

// workbookRows is what a report workbook holds, read as the zip file it
// is (reading every part checks its CRC, so a cut file fails): the name of
// every part and, but for those that hold the run's times or list parts in
// no set order (the Summary sheet, shared strings, document properties,
// content types), its SHA-256. The Rejected sheets are compared whole.
func workbookRows(b []byte) (string, error) {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", err
	}
	var out []string
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			return "", err
		}
		part, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.Name, err)
		}
		switch {
		case f.Name == "[Content_Types].xml", f.Name == "xl/sharedStrings.xml", f.Name == "xl/worksheets/sheet1.xml", strings.HasPrefix(f.Name, "docProps/"):
			out = append(out, f.Name)
		default:
			out = append(out, fmt.Sprintf("%s %x", f.Name, sha256.Sum256(part)))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n"), nil
}

// readFiles reads the visible files of dirs (relative to root), by path
// relative to root, with root's absolute name replaced by <DIR>.
func readFiles(root string, dirs ...string) (map[string][]byte, error) {
	out := map[string][]byte{}
	for _, d := range dirs {
		names, _ := visibleFiles(filepath.Join(root, d))
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(root, d, n))
			if err != nil {
				return nil, err
			}
			out[filepath.Join(d, n)] = bytes.ReplaceAll(b, []byte(root), []byte("<DIR>"))
		}
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
