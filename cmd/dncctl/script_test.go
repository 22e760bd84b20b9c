package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) {
	testscript.Main(cleanupM{m}, map[string]func(){
		"dncctl": func() { os.Exit(run(os.Args[1:], systemIO())) },
	})
}

// cleanupM removes, after the tests, the binary dncctlBinary built.
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	defer removeE2EBinary()
	return c.m.Run()
}

// TestScripts runs the end-to-end scripts in testdata/script: the real binary
// on real files. UPDATE_SCRIPTS=1 rewrites their expected outputs.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("SAMPLE", filepath.Join(root, "testdata", "sample"))
			env.Setenv("FORMATS", filepath.Join(root, "testdata", "formats"))
			env.Setenv("DNCCTL_DB", filepath.Join(env.WorkDir, "store", "dncctl.db"))
			env.Setenv("XDG_DATA_HOME", filepath.Join(env.WorkDir, "xdg-data"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, "xdg-config"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits":       exits,
			"summaryis":   summaryis,
			"cmpt":        cmpt,
			"csv2xlsx":    csv2xlsx,
			"sheets2xlsx": sheets2xlsx,
			"xlsx2csv":    xlsx2csv,
			"rowcount":    rowcount,
			"filemode":    filemode,
			"nofilesin":   nofilesin,
			"waitfile":    waitfile,
		},
	})
}

// waitfile FILE waits, up to 30 seconds, for FILE to exist: a background
// command's sign that it has reached a point.
func waitfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(ts.MkAbs(args[0])); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	ts.Fatalf("%s did not appear in 30s", args[0])
}

// exits N prog args... runs prog like exec and asserts its exit code is
// exactly N; stdout and stderr can be checked after it as after exec.
func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits N prog args...")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Logf("stdout:\n%s\nstderr:\n%s", ts.ReadFile("stdout"), ts.ReadFile("stderr"))
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// timestamp matches the UTC times dncctl writes.
var timestamp = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// cmpt got want compares like cmp, after replacing every UTC time in got
// with <TIME> and the user's name in tab- or comma-separated fields with
// <USER>, so golden files do not depend on when and by whom a test ran.
func cmpt(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: cmpt got want")
	}
	got := timestamp.ReplaceAllString(ts.ReadFile(args[0]), "<TIME>")
	got = strings.ReplaceAll(got, ","+currentUser()+",", ",<USER>,")
	got = strings.ReplaceAll(got, "\t"+currentUser()+"\t", "\t<USER>\t")
	want := ts.ReadFile(args[1])
	if got != want {
		ts.Logf("got (redacted):\n%s", got)
		ts.Fatalf("%s and %s differ", args[0], args[1])
	}
}

// summaryis summary.json expected.json KEY asserts that a --summary-json
// file has the counts that expected.json (testdata/sample's, made by the
// generator from what it put in) gives under KEY.
func summaryis(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: summaryis summary.json expected.json KEY")
	}
	type counts struct {
		RowsRead     int            `json:"rows_read"`
		RowsClean    int            `json:"rows_clean"`
		RowsRejected int            `json:"rows_rejected"`
		Reasons      map[string]int `json:"reasons"`
	}
	var got counts
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &got))
	var expected map[string]counts
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &expected))
	want, ok := expected[args[2]]
	if !ok {
		ts.Fatalf("%s has no key %q", args[1], args[2])
	}
	for _, c := range []*counts{&got, &want} {
		for r, n := range c.Reasons {
			if n == 0 {
				delete(c.Reasons, r)
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		ts.Fatalf("summary %+v\nwant    %+v", got, want)
	}
}

// csv2xlsx [-numbers] [-hidden-first] [-numfmt COL=ID] [-customfmt COL=FMT]
// in.csv out.xlsx writes a workbook with the CSV's rows. With -numbers,
// digit-only cells are stored as numbers, as Excel does when someone types a
// phone number into a General cell; -numfmt and -customfmt give a column's
// numeric cells an Excel number format (11 is 0.00E+00, 14 a date).
// With -hidden-first, a hidden sheet comes before the data.
func csv2xlsx(ts *testscript.TestScript, neg bool, args []string) {
	numbers, hiddenFirst := false, false
	formats := map[int]excelize.Style{}
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		switch flag := args[0]; flag {
		case "-numbers":
			numbers = true
		case "-hidden-first":
			hiddenFirst = true
		case "-numfmt", "-customfmt":
			col, val, ok := strings.Cut(args[1], "=")
			c, err := strconv.Atoi(col)
			if !ok || err != nil {
				ts.Fatalf("csv2xlsx: %s wants COL=VALUE, got %q", flag, args[1])
			}
			if flag == "-numfmt" {
				id, err := strconv.Atoi(val)
				ts.Check(err)
				formats[c] = excelize.Style{NumFmt: id}
			} else {
				formats[c] = excelize.Style{CustomNumFmt: &val}
			}
			args = args[1:]
		default:
			ts.Fatalf("csv2xlsx: unknown flag %s", flag)
		}
		args = args[1:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: csv2xlsx [-numbers] [-hidden-first] [-numfmt COL=ID] [-customfmt COL=FMT] in.csv out.xlsx")
	}
	rows := readCSV(ts, ts.MkAbs(args[0]))
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Leads"
	ts.Check(f.SetSheetName("Sheet1", sheet))
	if hiddenFirst {
		_, err := f.NewSheet("Notes")
		ts.Check(err)
		ts.Check(f.SetCellStr("Notes", "A1", "phone"))
		ts.Check(f.SetCellStr("Notes", "A2", "+34600000000"))
		ts.Check(f.MoveSheet("Notes", sheet))
		ts.Check(f.SetSheetVisible("Notes", false))
	}
	styles := map[int]int{}
	for c, st := range formats {
		id, err := f.NewStyle(&st)
		ts.Check(err)
		styles[c] = id
	}
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			ts.Check(err)
			n, err := strconv.ParseInt(v, 10, 64)
			_, formatted := styles[c+1]
			switch {
			case r > 0 && (numbers || formatted) && err == nil:
				ts.Check(f.SetCellValue(sheet, cell, n))
			case r > 0 && formatted && len(v) > 18:
				// Longer than an int64: store it as Excel would, a float.
				fl, err := strconv.ParseFloat(v, 64)
				ts.Check(err)
				ts.Check(f.SetCellFloat(sheet, cell, fl, -1, 64))
			default:
				ts.Check(f.SetCellStr(sheet, cell, v))
			}
			if id, ok := styles[c+1]; ok && r > 0 {
				ts.Check(f.SetCellStyle(sheet, cell, cell, id))
			}
		}
	}
	ts.Check(f.SaveAs(ts.MkAbs(args[1])))
}

// sheets2xlsx out.xlsx [-hidden] NAME=in.csv... writes a workbook with a
// sheet per CSV, all cells as text; -hidden hides the sheet that follows.
func sheets2xlsx(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: sheets2xlsx out.xlsx [-hidden] NAME=in.csv...")
	}
	f := excelize.NewFile()
	defer f.Close()
	hide, first := false, true
	var hidden, visible []string
	for _, a := range args[1:] {
		if a == "-hidden" {
			hide = true
			continue
		}
		name, file, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("sheets2xlsx: want NAME=file.csv, got %q", a)
		}
		if first {
			ts.Check(f.SetSheetName("Sheet1", name))
			first = false
		} else {
			_, err := f.NewSheet(name)
			ts.Check(err)
		}
		for r, row := range readCSV(ts, ts.MkAbs(file)) {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				ts.Check(f.SetCellStr(name, cell, v))
			}
		}
		if hide {
			hidden = append(hidden, name)
		} else {
			visible = append(visible, name)
		}
		hide = false
	}
	// Excel cannot hide the active sheet: make the first visible one active.
	idx, err := f.GetSheetIndex(visible[0])
	ts.Check(err)
	f.SetActiveSheet(idx)
	for _, name := range hidden {
		ts.Check(f.SetSheetVisible(name, false))
	}
	ts.Check(f.SaveAs(ts.MkAbs(args[0])))
}

// xlsx2csv [-sheet NAME] in.xlsx out.csv writes the first sheet's cells
// (or NAME's) as CSV, so that scripts can cmp a workbook's contents, and
// fails if a cell in a column named like a phone column is not a text cell.
func xlsx2csv(ts *testscript.TestScript, neg bool, args []string) {
	sheet := ""
	if len(args) > 1 && args[0] == "-sheet" {
		sheet, args = args[1], args[2:]
	}
	if neg || len(args) != 2 {
		ts.Fatalf("usage: xlsx2csv [-sheet NAME] in.xlsx out.csv")
	}
	f, err := excelize.OpenFile(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	if sheet == "" {
		sheet = f.GetSheetList()[0]
	}
	rows, err := f.GetRows(sheet)
	ts.Check(err)
	for r, row := range rows {
		for c := range row {
			if r == 0 || c >= len(rows[0]) || !strings.Contains(rows[0][c], "phone") {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			typ, err := f.GetCellType(sheet, cell)
			ts.Check(err)
			if typ == excelize.CellTypeNumber {
				ts.Fatalf("%s %s: phone cell %q is stored as a number", args[0], cell, row[c])
			}
		}
	}
	// GetRows drops trailing empty cells; a CSV row has them all.
	for r := range rows {
		for len(rows[r]) < len(rows[0]) {
			rows[r] = append(rows[r], "")
		}
	}
	out, err := os.Create(ts.MkAbs(args[1]))
	ts.Check(err)
	w := csv.NewWriter(out)
	ts.Check(w.WriteAll(rows))
	ts.Check(out.Close())
}

// rowcount file.csv N asserts the CSV has N data rows (the header excluded).
func rowcount(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: rowcount file.csv N")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	got := len(readCSV(ts, ts.MkAbs(args[0]))) - 1
	if (got == want) == neg {
		ts.Fatalf("%s has %d data rows, want %s%d", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// filemode path 0600 asserts a file's permission bits.
func filemode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: filemode path mode")
	}
	st, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	if got := st.Mode().Perm(); got != os.FileMode(want) {
		ts.Fatalf("%s has mode %#o, want %#o", args[0], got, want)
	}
}

// nofilesin dir asserts a directory holds no files at all, not even temporary
// ones: what a failed run must leave behind.
func nofilesin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: nofilesin dir")
	}
	entries, err := os.ReadDir(ts.MkAbs(args[0]))
	if os.IsNotExist(err) {
		return
	}
	ts.Check(err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) > 0 {
		ts.Fatalf("%s holds %s", args[0], strings.Join(names, ", "))
	}
}

func readCSV(ts *testscript.TestScript, path string) [][]string {
	f, err := os.Open(path)
	ts.Check(err)
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		ts.Fatalf("%s: %v", path, fmt.Sprint(err))
	}
	return rows
}
