//go:build unix

package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"image"
	"image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// hostileCase is one kind of bad input. Each runs in a fresh directory
// holding a store with one opt-out (+34612345678): the input is written
// there, the command runs in process with that directory as its working
// directory, and its outputs go to out/.
type hostileCase struct {
	name string
	// input writes the input into the working directory and returns the
	// name to give on the command line.
	input func(t *testing.T) string
	// args is the command, FILE standing for the input; default
	// scrub FILE --region ES --out-dir out.
	args []string
	code int
	// stderr is what the command says, exactly; stdout is checked when
	// not "".
	stderr, stdout string
	// out is every file out/ must hold, by name, with its exact content
	// (the time an opt-out was added written as TIME); nil when out/ must
	// hold nothing at all (no partial output, no temporary file).
	out map[string]string
	// maxAlloc bounds, in MiB, what the command may allocate: inputs that
	// are huge, or inflate to gigabytes, must be streamed or refused, not
	// read into memory. 0 for no bound.
	maxAlloc uint64
}

// hostileOptOut is the store's one opt-out, and hostileClean a number that
// is not on it.
const (
	hostileOptOut = "612345678"
	hostileClean  = "612345679"
)

// TestHostileInput runs dncctl on broken, odd and malicious inputs (issue
// 8): each is either refused with exit 1 (2 for a usage error) and one
// line naming the file (and its row and column when one cell is at fault),
// leaving no output, no temporary file anywhere and the store as it was,
// or, when valid but odd, scrubbed with exactly the outputs expected.
// Nothing panics, hangs, or reads a huge input into memory.
//
// Not covered: a sheet of 1,048,576 rows (Excel's most) takes minutes to
// write and read, and proves nothing a bomb does not; the importers' own
// tests cover a sheet's rows and the fuzz tests the CSV parser.
func TestHostileInput(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for _, d := range []string{"out", "tmp", "xdg-config", "xdg-data"} {
				if err := os.Mkdir(d, 0o700); err != nil {
					t.Fatal(err)
				}
			}
			// Temporary files, excelize's too, go where they can be counted.
			t.Setenv("TMPDIR", filepath.Join(dir, "tmp"))
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg-config"))
			t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "xdg-data"))
			if code, _, stderr := hostileRun(t, 0, "optout", "add", "+34"+hostileOptOut, "--reason", "hostile input test"); code != 0 {
				t.Fatalf("optout add: exit %d: %s", code, stderr)
			}
			before := hostileList(t)

			file := tc.input(t)
			args := tc.args
			if args == nil {
				args = []string{"scrub", "FILE", "--region", "ES", "--out-dir", "out"}
			}
			args = slices.Clone(args)
			for i, a := range args {
				if a == "FILE" {
					args[i] = file
				}
			}
			code, stdout, stderr := hostileRun(t, tc.maxAlloc, args...)
			if code != tc.code || stderr != tc.stderr {
				t.Errorf("dncctl %s\nexit %d, want %d\nstderr:\n%s\nwant:\n%s", strings.Join(args, " "), code, tc.code, hostileShort(stderr), hostileShort(tc.stderr))
			}
			if tc.stdout != "" && stdout != tc.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, tc.stdout)
			}
			got := hostileFiles(t, "out")
			for _, name := range slices.Sorted(maps.Keys(got)) {
				want, ok := tc.out[name]
				switch {
				case !ok:
					t.Errorf("out/%s was written, want only %q", name, slices.Sorted(maps.Keys(tc.out)))
				case got[name] != want:
					t.Errorf("out/%s: %s", name, hostileDiff(got[name], want))
				}
			}
			for name := range tc.out {
				if _, ok := got[name]; !ok {
					t.Errorf("out/%s was not written", name)
				}
			}
			if left := hostileFiles(t, "tmp"); len(left) > 0 {
				t.Errorf("temporary files left behind: %q", slices.Sorted(maps.Keys(left)))
			}
			if tc.code != 0 {
				if after := hostileList(t); after != before {
					t.Errorf("a failed command changed the store:\n%s\nwas:\n%s", after, before)
				}
			}
		})
	}
}

// hostileRun runs dncctl in process and returns its exit code, stdout and
// stderr. A command that does not finish in 30 seconds fails the test
// rather than hanging it; with maxAlloc > 0, so does one that allocates
// more than maxAlloc MiB.
func hostileRun(t *testing.T, maxAlloc uint64, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	go func() {
		done <- run(append([]string{"--db", "store/dncctl.db"}, args...), &iostreams{In: &bytes.Buffer{}, Out: &out, ErrOut: &errOut})
	}()
	select {
	case code := <-done:
		runtime.ReadMemStats(&after)
		if alloc := (after.TotalAlloc - before.TotalAlloc) >> 20; maxAlloc > 0 && alloc > maxAlloc {
			t.Errorf("dncctl %s allocated %d MiB, want at most %d MiB: is it reading its input into memory?", strings.Join(args, " "), alloc, maxAlloc)
		}
		return code, out.String(), errOut.String()
	case <-time.After(30 * time.Second):
		t.Fatalf("dncctl %s did not finish in 30s", strings.Join(args, " "))
		return 0, "", ""
	}
}

// hostileList is the store's opt-out list.
func hostileList(t *testing.T) string {
	t.Helper()
	code, out, stderr := hostileRun(t, 0, "optout", "list", "--format", "csv")
	if code != 0 {
		t.Fatalf("optout list: exit %d: %s", code, stderr)
	}
	return out
}

// hostileFiles reads every file under dir, by path relative to it.
func hostileFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		files[rel] = hostileSince.ReplaceAllString(string(b), "since TIME")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// hostileSince is when the opt-out was added, in the rejection reports.
var hostileSince = regexp.MustCompile(`since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// hostileShort cuts a long text for a failure message.
func hostileShort(s string) string {
	if len(s) > 2000 {
		return s[:2000] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// hostileDiff shows where got, a long text, first differs from want.
func hostileDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("differs at byte %d of %d (want %d):\n%s\nwant:\n%s", i, len(got), len(want), hostileShort(got[from:]), hostileShort(want[from:]))
}

// hostileWrite returns an input function that writes content to name.
func hostileWrite(name, content string) func(t *testing.T) string {
	return hostileWriteWith(name, func(*testing.T) []byte { return []byte(content) })
}

// hostileWriteWith returns an input function that writes what gen makes to name.
func hostileWriteWith(name string, gen func(t *testing.T) []byte) func(t *testing.T) string {
	return func(t *testing.T) string {
		t.Helper()
		if err := os.WriteFile(name, gen(t), 0o600); err != nil {
			t.Fatal(err)
		}
		return name
	}
}

// hostileLeads is a small valid lead list: one opted-out lead, one clean.
const hostileLeads = "name,phone\nAna," + hostileOptOut + "\nBea," + hostileClean + "\n"

// The outputs' headers, and a clean row's columns after the name.
const (
	hostileCleanHeader    = "name,phone,phone_e164,phone_type,phone_region,priority,phone_timezone,call_window_utc\n"
	hostileRejectedHeader = "source_file,source_row,phone_column,phone_raw,phone_e164,reason,detail,row_outcome,name,phone\n"
	hostileCleanRow       = hostileClean + ",+34" + hostileClean + ",mobile,ES,,Europe/Madrid,\n"
)

// hostileOptedOut is the rejection report's row for the opted-out lead.
func hostileOptedOut(source string, row int, name string) string {
	return fmt.Sprintf("%s,%d,phone,%s,+34%[3]s,OPTED_OUT,optout (all) since TIME: hostile input test [source manual],dropped,%s,%[3]s\n", source, row, hostileOptOut, name)
}

// hostileOutputs are stem's clean list and rejection report.
func hostileOutputs(stem, clean, rejected string) map[string]string {
	return map[string]string{stem + ".clean.csv": hostileCleanHeader + clean, stem + ".rejected.csv": hostileRejectedHeader + rejected}
}

// hostileScrubbed are the outputs of scrubbing hostileLeads from source.
func hostileScrubbed(source string) map[string]string {
	return hostileOutputs(fileStem(source), "Bea,"+hostileCleanRow, hostileOptedOut(source, 2, "Ana"))
}

// hostileSummary is what scrub says of source, with its rejection reasons
// ("OPTED_OUT 1") and, when nothing is clean, its warning.
func hostileSummary(source string, read, clean, rejected int, reasons ...string) string {
	stem := fileStem(source)
	s := fmt.Sprintf("%s: %d rows read, %d clean, %d rejected\n  phone columns checked: \"phone\"\n  clean:    out/%s.clean.csv\n  rejected: out/%s.rejected.csv\n",
		source, read, clean, rejected, stem, stem)
	for _, r := range reasons {
		reason, count, _ := strings.Cut(r, " ")
		s += fmt.Sprintf("  %-22s%s\n", reason, count)
	}
	if read > 0 && clean == 0 {
		s += "Warning: no row is callable: the clean list is empty.\n"
	}
	return s
}

// Messages said more than once.
const (
	hostileBinary  = ": binary file, not text (is it a spreadsheet saved with the wrong extension?)\n"
	hostileTooLong = ": longer than 1 MiB: not a row of leads (a quote opened and never closed?)\n"
	hostileNotUTF8 = ": not valid UTF-8: give the file's encoding with --encoding (windows-1252, for one)\n"
	hostileTooBig  = ": the workbook unpacks to more than 2 GiB: too big to read (a zip bomb?); save it as .csv\n"
)

func hostileCases() []hostileCase {
	scrubArgs := func(extra ...string) []string {
		return append([]string{"scrub", "FILE", "--region", "ES", "--out-dir", "out"}, extra...)
	}
	importArgs := []string{"optout", "import", "FILE", "--region", "ES", "--refused", "out/refused.csv"}
	registryArgs := []string{"registry", "import", "es", "FILE", "--region", "ES", "--full"}
	manyNumbers := strings.Repeat(hostileClean+" ", 10_000)
	manyColumns := strings.Repeat(",c", 100_000)
	longDir := strings.Repeat(strings.Repeat("d", 200)+"/", 20)
	cases := []hostileCase{
		// Empty and nearly empty.
		{name: "empty file", input: hostileWrite("leads.csv", ""),
			code: 1, stderr: "Error: leads.csv: file is empty: no header row\n"},
		{name: "only a BOM", input: hostileWrite("leads.csv", "\ufeff"),
			code: 1, stderr: "Error: leads.csv: file is empty: no header row\n"},
		{name: "only blank lines", input: hostileWrite("leads.csv", "\n\r\n\n"),
			code: 1, stderr: "Error: leads.csv: file is empty: no header row\n"},
		{name: "header only", input: hostileWrite("leads.csv", "name,phone\n"),
			code: 0, stderr: "Warning: leads.csv has a header but no data rows.\n" + hostileSummary("leads.csv", 0, 0, 0),
			out: hostileOutputs("leads", "", "")},
		{name: "header with no phone column", input: hostileWrite("leads.csv", "name,email\nAna,ana@example.com\n"),
			code: 1, stderr: "Error: leads.csv: no phone column found (headers: \"name\", \"email\"); name it with --phone-col\n"},

		// Not text.
		{name: "PNG bytes named .csv", input: hostileWriteWith("leads.csv", hostilePNG),
			code: 1, stderr: "Error: leads.csv" + hostileBinary},
		{name: "NUL byte in a cell", input: hostileWrite("leads.csv", "name,phone\nA\x00na,"+hostileClean+"\n"),
			code: 1, stderr: "Error: leads.csv" + hostileBinary},
		{name: "NUL byte in a cell after 64 KiB", input: hostileWrite("leads.csv", hostileLeads+hostilePadding+"C\x00la,"+hostileClean+"\n"),
			code: 1, stderr: "Error: leads.csv row 5, column 1 (\"name\"): a NUL byte: binary data, not text\n"},
		{name: "UTF-16 without a BOM", input: hostileWrite("leads.csv", hostileUTF16LE(hostileLeads)),
			code: 1, stderr: "Error: leads.csv: UTF-16LE text without a byte order mark: give its encoding with --encoding utf-16le\n"},
		{name: "workbook named .csv", input: hostileWriteWith("leads.csv", func(t *testing.T) []byte { return hostileWorkbook(t, hostileSheet, nil) }),
			code: 1, stderr: "Error: leads.csv" + hostileBinary},
		{name: "web page named .csv", input: hostileWrite("leads.csv", "<!DOCTYPE html>\n<html><body><table><tr><td>phone</td></tr></table></body></html>\n"),
			code: 1, stderr: "Error: leads.csv: a web page (HTML), not a list: an error page saved under this name?\n"},

		// Encodings.
		{name: "a lone 0xff: read as Windows-1252", input: hostileWrite("leads.csv", "name,phone\nAna\xff,"+hostileOptOut+"\nBea,"+hostileClean+"\n"),
			code: 0, stderr: hostileSummary("leads.csv", 2, 1, 1, "OPTED_OUT 1"),
			out: hostileOutputs("leads", "Bea,"+hostileCleanRow, hostileOptedOut("leads.csv", 2, "Anaÿ"))},
		{name: "invalid UTF-8 after 64 KiB of UTF-8", input: hostileWrite("leads.csv", hostileLeads+hostilePadding+"Cl\xe9a,"+hostileClean+"\n"),
			code: 1, stderr: "Error: leads.csv row 5, column 1 (\"name\")" + hostileNotUTF8},
		{name: "--encoding utf-8 on a Windows-1252 file", input: hostileWrite("leads.csv", "nombre,tel\xe9fono\nAna,"+hostileClean+"\n"), args: scrubArgs("--encoding", "utf-8"),
			code: 1, stderr: "Error: leads.csv row 1, column 2" + hostileNotUTF8},
		{name: "--encoding utf-16le on a UTF-8 file", input: hostileWrite("leads.csv", hostileLeads), args: scrubArgs("--encoding", "utf-16le"),
			code: 1, stderr: "Error: leads.csv: not UTF-16 text: it has no NUL bytes, which its delimiters and newlines would have: check --encoding\n"},
		{name: "--encoding unknown", input: hostileWrite("leads.csv", hostileLeads), args: scrubArgs("--encoding", "ebcdic"),
			code: 2, stderr: "Error: --encoding: unknown encoding \"ebcdic\" (want one of utf-8, utf-16le, utf-16be, gbk, gb18030, windows-1252, iso-8859-1, latin1, or empty to detect)\n" +
				"Run 'dncctl scrub --help' for usage.\n"},

		// Huge.
		{name: "one 50 MB line without a newline", input: hostileBig("leads.csv", "name,phone,notes\n", 50<<20, 'x', ""),
			code: 1, stderr: "Error: leads.csv row 2" + hostileTooLong, maxAlloc: 40},
		{name: "a 10 MB cell", input: hostileBig("leads.csv", "name,phone,notes\nAna,"+hostileClean+",", 10<<20, 'x', "\n"),
			code: 1, stderr: "Error: leads.csv row 2" + hostileTooLong, maxAlloc: 40},
		{name: "a quote never closed, 20 MB on", input: hostileBig("leads.csv", "name,phone,notes\nAna,"+hostileClean+",\"", 20<<20, '\n', ""),
			code: 1, stderr: "Error: leads.csv row 2" + hostileTooLong, maxAlloc: 40},
		{name: "100k columns", input: hostileWrite("leads.csv", "name,phone"+manyColumns+"\nAna,"+hostileClean+"\n"),
			code: 0, stderr: hostileSummary("leads.csv", 1, 1, 0),
			out: map[string]string{
				"leads.clean.csv":    "name,phone" + manyColumns + hostileCleanHeader[len("name,phone"):] + "Ana," + hostileClean + strings.Repeat(",", 100_000) + hostileCleanRow[len(hostileClean):],
				"leads.rejected.csv": strings.TrimSuffix(hostileRejectedHeader, "\n") + manyColumns + "\n",
			}},
		{name: "10k numbers in one cell", input: hostileWrite("leads.csv", "name,phone\nAna,"+manyNumbers+"\n"),
			code: 0, stderr: hostileSummary("leads.csv", 1, 0, 1, "INVALID_NUMBER 1"),
			out: hostileOutputs("leads", "", "leads.csv,2,phone,"+strings.TrimSpace(manyNumbers)+",,INVALID_NUMBER,too long to be a phone number,dropped,Ana,"+manyNumbers+"\n")},

		// Malformed rows.
		{name: "a row with more fields than the header", input: hostileWrite("leads.csv", hostileLeads+"Cla,"+hostileClean+",extra\n"),
			code: 0, stderr: hostileSummary("leads.csv", 3, 1, 2, "MALFORMED_ROW 1", "OPTED_OUT 1"),
			out: hostileOutputs("leads", "Bea,"+hostileCleanRow, hostileOptedOut("leads.csv", 2, "Ana")+
				"leads.csv,4,phone,"+hostileClean+",,MALFORMED_ROW,3 fields but the header has 2: columns may be shifted (a delimiter in an unquoted field?); fields beyond the header: extra,dropped,Cla,"+hostileClean+"\n")},
		{name: "unbalanced quotes", input: hostileWrite("leads.csv", "name,phone\nAna,\""+hostileClean+"\nBea,"+hostileOptOut+"\n"),
			code: 1, stderr: "Error: leads.csv: line 3, column 15 (in a row from line 2): extraneous or missing \" in quoted-field\n"},
		{name: "a stray quote in a field", input: hostileWrite("leads.csv", "name,phone\nA\"na,"+hostileClean+"\n"),
			code: 1, stderr: "Error: leads.csv: line 2, column 2: bare \" in non-quoted-field\n"},
		{name: "CRLF and LF mixed", input: hostileWrite("leads.csv", "name,phone\r\nAna,"+hostileOptOut+"\nBea,"+hostileClean+"\r\n"),
			code: 0, stderr: hostileSummary("leads.csv", 2, 1, 1, "OPTED_OUT 1"), out: hostileScrubbed("leads.csv")},
		// Formulas are not an error: the outputs neutralize them.
		{name: "formulas in the name and phone columns", input: hostileWrite("leads.csv", "name,phone\n"+
			"\"=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click\"\")\","+hostileClean+"\nBea,=1+"+hostileClean+"\n@SUM(1),"+hostileOptOut+"\n"),
			code: 0, stderr: hostileSummary("leads.csv", 3, 1, 2, "INVALID_NUMBER 1", "OPTED_OUT 1"),
			out: hostileOutputs("leads", "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click\"\")\","+hostileCleanRow,
				"leads.csv,3,phone,'=1+"+hostileClean+",,INVALID_NUMBER,not a phone number,dropped,Bea,'=1+"+hostileClean+"\n"+
					hostileOptedOut("leads.csv", 4, "'@SUM(1)"))},

		// Not what the name says.
		{name: "wrong extension", input: hostileWrite("leads.doc", hostileLeads),
			code: 2, stderr: "Error: leads.doc: unknown file type \".doc\" (want .csv, .tsv, .txt, .xlsx or .xlsm, or .csv.gz, .tsv.gz, .txt.gz)\nRun 'dncctl scrub --help' for usage.\n"},
		{name: "old .xls", input: hostileWrite("leads.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"+strings.Repeat("\x00", 504)),
			code: 2, stderr: "Error: leads.xls: old binary Excel (.xls) is not supported: save it as .xlsx or .csv\nRun 'dncctl scrub --help' for usage.\n"},
		{name: "CSV named .xlsx", input: hostileWrite("leads.xlsx", hostileLeads),
			code: 1, stderr: "Error: leads.xlsx: not an Excel workbook (or a damaged one)\n"},
		{name: "a zip that is not a workbook", input: hostileWriteWith("leads.xlsx", hostileZipNotWorkbook),
			code: 1, stderr: "Error: leads.xlsx: not an Excel workbook (or a damaged one)\n"},

		// Workbooks.
		{name: "xlsx zip bomb", input: hostileWriteWith("leads.xlsx", hostileZipBomb),
			code: 1, stderr: "Error: leads.xlsx" + hostileTooBig, maxAlloc: 64},
		{name: "xlsx zip bomb with lying sizes", input: hostileWriteWith("leads.xlsx", hostileZipBombLying),
			code: 1, stderr: "Error: leads.xlsx: not an Excel workbook (or a damaged one)\n", maxAlloc: 64},
		{name: "xlsx with external links", input: hostileExternalLinks, args: scrubArgs("--format", "csv"),
			code: 0, stderr: hostileSummary("leads.xlsx", 2, 1, 1, "OPTED_OUT 1"),
			// The cached values: the linked workbook holds another number.
			out: map[string]string{
				"leads.clean.csv": hostileCleanHeader + "Bea," + hostileCleanRow,
				"leads.rejected.csv": "source_file,source_sheet,source_row,phone_column,phone_raw,phone_e164,reason,detail,row_outcome,name,phone\n" +
					strings.Replace(hostileOptedOut("leads.xlsx", 2, "Ana"), "leads.xlsx,", "leads.xlsx,Leads,", 1),
			}},
		{name: "encrypted xlsx (OLE2)", input: hostileWrite("leads.xlsx", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"+strings.Repeat("\x00", 4088)),
			code: 1, stderr: "Error: leads.xlsx: the workbook is password-protected (encrypted), or an old .xls renamed: open it in Excel and save it as .xlsx without a password\n"},
		{name: "xlsx with only hidden sheets", input: hostileWriteWith("leads.xlsx", func(t *testing.T) []byte {
			return hostileWorkbook(t, hostileSheet, map[string]string{"state": "hidden"})
		}), code: 1, stderr: "Error: leads.xlsx: every sheet is hidden: name the one to read with --sheet (sheets: \"Leads\")\n"},
		{name: "xlsx with no rows", input: hostileWriteWith("leads.xlsx", func(t *testing.T) []byte {
			return hostileWorkbook(t, `<worksheet xmlns="`+hostileNSMain+`"><sheetData/></worksheet>`, nil)
		}), code: 1, stderr: "Error: leads.xlsx: file is empty: no header row\n"},
		{name: "truncated xlsx", input: hostileWriteWith("leads.xlsx", func(t *testing.T) []byte {
			b := hostileWorkbook(t, hostileSheet, nil)
			return b[:len(b)/2]
		}), code: 1, stderr: "Error: leads.xlsx: not an Excel workbook (or a damaged one)\n"},
		{name: "xlsx with a sheet cut short", input: hostileWriteWith("leads.xlsx", func(t *testing.T) []byte {
			return hostileWorkbook(t, hostileSheet[:strings.Index(hostileSheet, `<row r="3">`)+12], nil)
		}), code: 1, stderr: "Error: leads.xlsx: a damaged workbook: its sheet xl/worksheets/sheet1.xml is cut short\n"},
		{name: "xlsx whose XML breaks mid-sheet", input: hostileWriteWith("leads.xlsx", func(t *testing.T) []byte {
			return hostileWorkbook(t, strings.Replace(hostileSheet, `<c r="A2" t="inlineStr"><is><t>Ana</t></is></c>`, `<c r="A2" t="str"><v>Ana</c>`, 1), nil)
		}), code: 1, stderr: "Error: leads.xlsx: the sheet's XML is damaged, so the rows after the damage cannot be read: open the workbook in Excel, save it again, and scrub that copy (line 1 of xl/worksheets/sheet1.xml: element <v> closed by </c>)\n"},
		{name: "xlsx --sheet that is not there", input: hostileWriteWith("leads.xlsx", func(t *testing.T) []byte { return hostileWorkbook(t, hostileSheet, nil) }),
			args: scrubArgs("--sheet", "Hoja1"),
			code: 1, stderr: "Error: leads.xlsx: no sheet \"Hoja1\" (sheets: \"Leads\")\n"},

		// Compressed.
		{name: ".gz that is not gzip", input: hostileWrite("leads.csv.gz", hostileLeads),
			code: 1, stderr: "Error: leads.csv.gz: not a valid gzip file: gzip: invalid header\n"},
		{name: "truncated .gz", input: hostileWriteWith("leads.csv.gz", func(t *testing.T) []byte {
			b := hostileGzip(t, hostileLeads+hostilePadding)
			return b[:len(b)/2]
		}), code: 1, stderr: "Error: leads.csv.gz: not a valid gzip file: unexpected EOF\n"},
		{name: "gzip bomb of zeros", input: hostileWriteWith("leads.csv.gz", func(*testing.T) []byte { return hostileGzipBomb("", '\x00') }),
			code: 1, stderr: "Error: leads.csv.gz" + hostileBinary, maxAlloc: 64},
		{name: "gzip bomb of one line", input: hostileWriteWith("leads.csv.gz", func(*testing.T) []byte { return hostileGzipBomb("name,phone,notes\n", 'x') }),
			code: 1, stderr: "Error: leads.csv.gz row 2" + hostileTooLong, maxAlloc: 64},

		// Not a file.
		{name: "symlink to /dev/zero", input: hostileSymlink("/dev/zero", "leads.csv"),
			code: 1, stderr: "Error: leads.csv: is not a regular file\n"},
		{name: "symlink to /dev/zero named .xlsx", input: hostileSymlink("/dev/zero", "leads.xlsx"),
			code: 1, stderr: "Error: leads.xlsx: is not a regular file\n"},
		{name: "FIFO with no writer", input: hostileFIFO("leads.csv"),
			code: 1, stderr: "Error: leads.csv: is not a regular file\n"},
		{name: "directory", input: func(t *testing.T) string {
			if err := os.Mkdir("leads.csv", 0o700); err != nil {
				t.Fatal(err)
			}
			return "leads.csv"
		}, code: 1, stderr: "Error: leads.csv: is a directory, not a file\n"},
		{name: "file that does not exist", input: func(*testing.T) string { return "gone.csv" },
			code: 1, stderr: "Error: gone.csv: no such file or directory\n"},
		{name: "dangling symlink", input: hostileSymlink("gone.csv", "leads.csv"),
			code: 1, stderr: "Error: leads.csv: no such file or directory\n"},

		// Names.
		{name: "path with spaces and unicode", input: func(t *testing.T) string {
			if err := os.Mkdir("mis clientes ñ", 0o700); err != nil {
				t.Fatal(err)
			}
			return hostileWrite("mis clientes ñ/leads 電話 ñ.csv", hostileLeads)(t)
		}, code: 0, stderr: hostileSummary("mis clientes ñ/leads 電話 ñ.csv", 2, 1, 1, "OPTED_OUT 1"), out: hostileScrubbed("mis clientes ñ/leads 電話 ñ.csv")},
		{name: "file name too long", input: func(*testing.T) string { return strings.Repeat("n", 300) + ".csv" },
			code: 1, stderr: "Error: " + strings.Repeat("n", 300) + ".csv: file name too long\n"},
		{name: "file name too long for its outputs", input: hostileWrite(strings.Repeat("n", 245)+".csv", hostileLeads),
			code: 1, stderr: "Error: create out/" + strings.Repeat("n", 245) + ".clean.csv: file name too long\n"},
		{name: "very long path", input: func(t *testing.T) string {
			if err := os.MkdirAll(longDir, 0o700); err != nil {
				t.Fatal(err)
			}
			return hostileWrite(longDir+"leads.csv", hostileLeads)(t)
		}, code: 0, stderr: hostileSummary(longDir+"leads.csv", 2, 1, 1, "OPTED_OUT 1"), out: hostileScrubbed(longDir + "leads.csv")},

		// optout import reads through the same importers.
		{name: "import: empty .txt", input: hostileWrite("numbers.txt", ""), args: importArgs,
			code: 0, stderr: "", stdout: "numbers.txt: added 0, already present 0, refused 0\n", out: map[string]string{}},
		{name: "import: binary .txt", input: hostileWriteWith("numbers.txt", hostilePNG), args: importArgs,
			code: 1, stderr: "Error: numbers.txt" + hostileBinary},
		{name: "import: a 10 MB line in a .txt", input: hostileBig("numbers.txt", hostileClean+"\n", 10<<20, '7', "\n"), args: importArgs,
			code: 1, stderr: "Error: numbers.txt row 2: longer than 1 MiB: not a list of numbers\n", maxAlloc: 40},
		{name: "import: invalid UTF-8 after 64 KiB of a .txt", input: hostileWrite("numbers.txt", hostileClean+"\n# "+strings.Repeat("x", 70_000)+"\n6123\xff45679\n"), args: importArgs,
			code: 1, stderr: "Error: numbers.txt row 3" + hostileNotUTF8},
		{name: "import: NUL after 64 KiB of a CSV", input: hostileWrite("numbers.csv", hostileLeads+hostilePadding+"C\x00la,"+hostileClean+"\n"), args: importArgs,
			code: 1, stderr: "Error: numbers.csv row 5, column 1 (\"name\"): a NUL byte: binary data, not text\n"},
		{name: "import: symlink to /dev/zero", input: hostileSymlink("/dev/zero", "numbers.txt"), args: importArgs,
			code: 1, stderr: "Error: numbers.txt: is not a regular file\n"},
		{name: "import: FIFO with no writer", input: hostileFIFO("numbers.txt"), args: importArgs,
			code: 1, stderr: "Error: numbers.txt: is not a regular file\n"},
		{name: "import: xlsx zip bomb", input: hostileWriteWith("numbers.xlsx", hostileZipBomb), args: importArgs,
			code: 1, stderr: "Error: numbers.xlsx" + hostileTooBig, maxAlloc: 64},

		// So does registry import, its own way.
		{name: "registry: FIFO with no writer", input: hostileFIFO("es.txt"), args: registryArgs,
			code: 1, stderr: "Error: es.txt: is not a regular file\n"},
		{name: "registry: symlink to /dev/zero", input: hostileSymlink("/dev/zero", "es.txt"), args: registryArgs,
			code: 1, stderr: "Error: es.txt: is not a regular file\n"},
		{name: "registry: a 10 MB line", input: hostileBig("es.txt", hostileClean+"\n", 10<<20, '7', "\n"), args: registryArgs,
			code: 1, stderr: "Error: es.txt: a line longer than 1 MiB: not a registry list\n", maxAlloc: 40},
	}
	// Permission denied: root reads any file, so as root the file is read.
	perm := hostileCase{name: "permission denied", input: func(t *testing.T) string {
		name := hostileWrite("leads.csv", hostileLeads)(t)
		if err := os.Chmod(name, 0); err != nil {
			t.Fatal(err)
		}
		return name
	}, code: 1, stderr: "Error: leads.csv: permission denied\n"}
	if os.Geteuid() == 0 {
		perm.name += " (as root: read)"
		perm.code, perm.stderr, perm.out = 0, hostileSummary("leads.csv", 2, 1, 1, "OPTED_OUT 1"), hostileScrubbed("leads.csv")
	}
	return append(cases, perm)
}

// hostilePadding is a valid lead row of 70 KB: after it, a file is past
// the 64 KiB that encoding detection reads.
var hostilePadding = "Pad" + strings.Repeat("x", 70_000) + "," + hostileClean + "\n"

// hostileSheet is a worksheet holding hostileLeads.
const hostileSheet = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row>` +
	`<row r="2"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c><c r="B2" t="inlineStr"><is><t>` + hostileOptOut + `</t></is></c></row>` +
	`<row r="3"><c r="A3" t="inlineStr"><is><t>Bea</t></is></c><c r="B3" t="inlineStr"><is><t>` + hostileClean + `</t></is></c></row>` +
	`</sheetData></worksheet>`

func hostileUTF16LE(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteByte(byte(r))
		b.WriteByte(byte(r >> 8))
	}
	return b.String()
}

func hostilePNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hostileBig returns an input function that streams head, n bytes of fill
// and tail to name, without holding them in memory.
func hostileBig(name, head string, n int, fill byte, tail string) func(t *testing.T) string {
	return func(t *testing.T) string {
		t.Helper()
		f, err := os.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		chunk := bytes.Repeat([]byte{fill}, 1<<20)
		f.WriteString(head)
		for n > 0 {
			k := min(n, len(chunk))
			if _, err := f.Write(chunk[:k]); err != nil {
				t.Fatal(err)
			}
			n -= k
		}
		if _, err := f.WriteString(tail); err != nil {
			t.Fatal(err)
		}
		return name
	}
}

func hostileSymlink(target, name string) func(t *testing.T) string {
	return func(t *testing.T) string {
		if err := os.Symlink(target, name); err != nil {
			t.Fatal(err)
		}
		return name
	}
}

// hostileFIFO returns an input function that makes a named pipe nothing
// writes to: opening it to read would wait forever.
func hostileFIFO(name string) func(t *testing.T) string {
	return func(t *testing.T) string {
		if err := syscall.Mkfifo(name, 0o600); err != nil {
			t.Skipf("cannot make a named pipe here: %v", err)
		}
		return name
	}
}

// hostilePart is one file in a zip.
type hostilePart struct{ name, content string }

func hostileZip(t *testing.T, parts []hostilePart) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const (
	hostileNSMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	hostileNSRel  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	hostileNSPkg  = "http://schemas.openxmlformats.org/package/2006/relationships"
)

// hostileWorkbookParts are the parts of a minimal workbook with one sheet,
// whose sheet element takes attrs ("state": "hidden").
func hostileWorkbookParts(attrs map[string]string, extraWorkbook, extraRels string) []hostilePart {
	sheetAttrs := ""
	for _, k := range slices.Sorted(maps.Keys(attrs)) {
		sheetAttrs += fmt.Sprintf(` %s="%s"`, k, attrs[k])
	}
	return []hostilePart{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
			`</Types>`},
		{"_rels/.rels", `<Relationships xmlns="` + hostileNSPkg + `"><Relationship Id="rId1" Type="` + hostileNSRel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="` + hostileNSMain + `" xmlns:r="` + hostileNSRel + `"><sheets><sheet name="Leads" sheetId="1" r:id="rId1"` + sheetAttrs + `/></sheets>` + extraWorkbook + `</workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="` + hostileNSPkg + `"><Relationship Id="rId1" Type="` + hostileNSRel + `/worksheet" Target="worksheets/sheet1.xml"/>` + extraRels + `</Relationships>`},
	}
}

// hostileWorkbook is a minimal workbook with one sheet.
func hostileWorkbook(t *testing.T, sheet string, attrs map[string]string) []byte {
	return hostileZip(t, append(hostileWorkbookParts(attrs, "", ""), hostilePart{"xl/worksheets/sheet1.xml", sheet}))
}

func hostileZipNotWorkbook(t *testing.T) []byte {
	return hostileZip(t, []hostilePart{{"readme.txt", hostileLeads}, {"leads.csv", hostileLeads}})
}

// hostileExternalLinks writes a workbook whose phone cells are formulas
// reading another workbook, linked by URL: dncctl must take the values
// cached in the file and never fetch the link.
func hostileExternalLinks(t *testing.T) string {
	var fetched atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetched.Add(1)
		http.Error(w, "no", http.StatusTeapot)
	}))
	t.Cleanup(func() {
		srv.Close()
		if n := fetched.Load(); n > 0 {
			t.Errorf("the external link was fetched %d times", n)
		}
	})
	sheet := `<worksheet xmlns="` + hostileNSMain + `"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c><c r="B1" t="inlineStr"><is><t>phone</t></is></c></row>` +
		`<row r="2"><c r="A2" t="inlineStr"><is><t>Ana</t></is></c><c r="B2"><f>[1]Sheet1!A1</f><v>` + hostileOptOut + `</v></c></row>` +
		`<row r="3"><c r="A3" t="inlineStr"><is><t>Bea</t></is></c><c r="B3" t="str"><f>WEBSERVICE("` + srv.URL + `/ws")</f><v>` + hostileClean + `</v></c></row>` +
		`</sheetData></worksheet>`
	parts := hostileWorkbookParts(nil,
		`<externalReferences><externalReference r:id="rId2"/></externalReferences>`,
		`<Relationship Id="rId2" Type="`+hostileNSRel+`/externalLink" Target="externalLinks/externalLink1.xml"/>`)
	parts = append(parts,
		hostilePart{"xl/worksheets/sheet1.xml", sheet},
		hostilePart{"xl/externalLinks/externalLink1.xml", `<externalLink xmlns="` + hostileNSMain + `" xmlns:r="` + hostileNSRel + `"><externalBook r:id="rId1">` +
			`<sheetNames><sheetName val="Sheet1"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>` + hostileClean + `</v></cell></row></sheetData></sheetDataSet>` +
			`</externalBook></externalLink>`},
		hostilePart{"xl/externalLinks/_rels/externalLink1.xml.rels", `<Relationships xmlns="` + hostileNSPkg + `">` +
			`<Relationship Id="rId1" Type="` + hostileNSRel + `/externalLinkPath" Target="` + srv.URL + `/other.xlsx" TargetMode="External"/></Relationships>`},
	)
	return hostileWriteWith("leads.xlsx", func(t *testing.T) []byte { return hostileZip(t, parts) })(t)
}

// hostileDeflate compresses b alone, as raw deflate: flushed to a byte
// boundary, or ended when last. Pieces so made can be joined, and one
// repeated, into one stream: none refers to bytes before it.
func hostileDeflate(b []byte, last bool) []byte {
	var out bytes.Buffer
	fw, _ := flate.NewWriter(&out, flate.BestCompression) // a valid level
	fw.Write(b)
	if last {
		fw.Close()
	} else {
		fw.Flush()
	}
	return out.Bytes()
}

// hostileUnit is 1 MiB of one pattern, compressed.
type hostileUnit struct {
	size       int
	compressed []byte
}

var hostileUnits sync.Map // by pattern: each is compressed once

func hostileUnitOf(pattern string) hostileUnit {
	if u, ok := hostileUnits.Load(pattern); ok {
		return u.(hostileUnit)
	}
	raw := bytes.Repeat([]byte(pattern), (1<<20)/len(pattern))
	u := hostileUnit{size: len(raw), compressed: hostileDeflate(raw, false)}
	hostileUnits.Store(pattern, u)
	return u
}

// hostileBomb is a raw deflate stream of head, repeat units, and tail,
// made without compressing the whole, and its size inflated.
func hostileBomb(head string, u hostileUnit, repeat int, tail string) ([]byte, uint64) {
	var out bytes.Buffer
	out.Write(hostileDeflate([]byte(head), false))
	for range repeat {
		out.Write(u.compressed)
	}
	out.Write(hostileDeflate([]byte(tail), true))
	return out.Bytes(), uint64(len(head)+len(tail)) + uint64(repeat)*uint64(u.size)
}

// hostileZipBombSheet writes a workbook whose sheet inflates to 3 GiB of
// rows, in a file of 3 MB, and says so, or says declared.
func hostileZipBombSheet(t *testing.T, declared uint64) []byte {
	head := `<worksheet xmlns="` + hostileNSMain + `"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row>`
	row := `<row><c t="inlineStr"><is><t>` + hostileClean + `</t></is></c></row>`
	data, size := hostileBomb(head, hostileUnitOf(row), 3<<10, `</sheetData></worksheet>`)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range hostileWorkbookParts(nil, "", "") {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.content))
	}
	if declared == 0 {
		declared = size
	}
	// The checksum is left 0: nothing may read this far.
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: uint64(len(data)), UncompressedSize64: declared})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hostileZipBomb is a workbook whose sheet inflates to 3 GiB.
func hostileZipBomb(t *testing.T) []byte { return hostileZipBombSheet(t, 0) }

// hostileZipBombLying inflates to 3 GiB but says its sheet is 10 MB.
func hostileZipBombLying(t *testing.T) []byte { return hostileZipBombSheet(t, 10<<20) }

func hostileGzip(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hostileGzipBomb is a .gz of 2 MB that inflates to 2 GiB: head, then
// fill.
func hostileGzipBomb(head string, fill byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	data, _ := hostileBomb(head, hostileUnitOf(string(fill)), 2<<10, "")
	b.Write(data)
	b.Write(make([]byte, 8)) // checksum and size: nothing may read this far
	return b.Bytes()
}
