package importers

import (
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The fast sheet reader is checked against the excelize reader it stands
// in for: the same workbook read by both must give the same header, rows,
// row numbers, stored values and errors, whether the fast reader reads it
// all, hands over to excelize part way, or leaves it to excelize.

// xlsxTrace is all a reader gives for a workbook.
type xlsxTrace struct {
	Open      string // the error opening it
	Header    []string
	HeaderRaw []string // RawFields after opening
	HeaderRow int
	Rows      []xlsxTraceRow
	End       string   // the error that ended reading: EOF at the end
	EndRaw    []string // RawFields then
}

type xlsxTraceRow struct {
	Num         int
	Fields, Raw []string
}

// xlsxRead is how the fast reader got on with a workbook.
type xlsxRead struct {
	fastRows   int  // rows it returned (the header's included)
	handedOver bool // excelize read on (or from the start)
}

func (r xlsxRead) String() string {
	switch {
	case !r.handedOver:
		return "read it all"
	case r.fastRows == 0:
		return "left it to excelize"
	}
	return fmt.Sprintf("handed over after %d rows", r.fastRows)
}

// traceXLSX reads path's first visible sheet with the fast reader or with
// excelize alone.
func traceXLSX(path string, fast bool) (tr xlsxTrace, read xlsxRead) {
	return traceSheet(path, "", fast)
}

// traceSheet reads a sheet of path ("" for the first visible one).
func traceSheet(path, sheet string, fast bool) (tr xlsxTrace, read xlsxRead) {
	x, err := openXLSXReader(path, sheet, fast)
	if err != nil {
		tr.Open = err.Error()
		return tr, read
	}
	defer x.Close()
	tr.Header, tr.HeaderRaw, tr.HeaderRow = x.Header(), x.RawFields(), x.HeaderRow()
	for {
		fields, num, err := x.Next()
		if err != nil {
			tr.End, tr.EndRaw = err.Error(), x.RawFields()
			if !errors.Is(err, io.EOF) {
				checkFileError(&tr, err, path)
			}
			break
		}
		tr.Rows = append(tr.Rows, xlsxTraceRow{num, fields, x.RawFields()})
	}
	return tr, xlsxRead{x.fastRows, x.fast == nil}
}

// checkFileError notes in the trace an error mid-sheet that is not a
// FileError naming the file.
func checkFileError(tr *xlsxTrace, err error, path string) {
	var fe *FileError
	if !errors.As(err, &fe) || fe.File != path {
		tr.End += " (not a FileError naming the file)"
	}
}

// diffXLSX reads path with both readers, and describes how they differ
// ("" if they do not).
func diffXLSX(path string) (string, xlsxRead) { return diffSheet(path, "") }

// diffSheet is diffXLSX for a sheet of path.
func diffSheet(path, sheet string) (string, xlsxRead) {
	want, _ := traceSheet(path, sheet, false)
	got, read := traceSheet(path, sheet, true)
	if reflect.DeepEqual(got, want) {
		return "", read
	}
	var b strings.Builder
	fmt.Fprintf(&b, "the fast reader (%s) differs from excelize's:\n", read)
	if got.Open != want.Open {
		fmt.Fprintf(&b, "open error %q, want %q\n", got.Open, want.Open)
	}
	if !reflect.DeepEqual([]any{got.Header, got.HeaderRaw, got.HeaderRow}, []any{want.Header, want.HeaderRaw, want.HeaderRow}) {
		fmt.Fprintf(&b, "header %q %q row %d, want %q %q row %d\n", got.Header, got.HeaderRaw, got.HeaderRow, want.Header, want.HeaderRaw, want.HeaderRow)
	}
	for i := 0; i < max(len(got.Rows), len(want.Rows)); i++ {
		var g, w xlsxTraceRow
		if i < len(got.Rows) {
			g = got.Rows[i]
		}
		if i < len(want.Rows) {
			w = want.Rows[i]
		}
		if !reflect.DeepEqual(g, w) {
			fmt.Fprintf(&b, "row %d: %q stored %q\nwant row %d: %q stored %q\n", g.Num, g.Fields, g.Raw, w.Num, w.Fields, w.Raw)
			break
		}
	}
	if got.End != want.End || !reflect.DeepEqual(got.EndRaw, want.EndRaw) {
		fmt.Fprintf(&b, "ended with %q (RawFields %q), want %q (%q)\n", got.End, got.EndRaw, want.End, want.EndRaw)
	}
	return b.String(), read
}

// tally counts how the fast reader got on with many workbooks.
type tally struct{ all, mid, none int }

func (c *tally) add(r xlsxRead) {
	switch {
	case !r.handedOver:
		c.all++
	case r.fastRows > 0:
		c.mid++
	default:
		c.none++
	}
}

// TestXLSXFastDifferentialExcelize compares the readers on random
// workbooks that excelize writes: shared strings, rich text, numbers,
// booleans, formulas, blank cells, gaps, and styles read here (General,
// Text) and not (dates, "0.00", custom formats) from the first row, a
// later one, or none.
func TestXLSXFastDifferentialExcelize(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	var c tally
	for i := range 150 {
		path := genExcelizeWorkbook(t, rng, dir, i%4 != 0)
		diff, read := diffXLSX(path)
		if diff != "" {
			t.Fatalf("workbook %d (%s):\n%s", i, path, diff)
		}
		c.add(read)
	}
	t.Logf("fast reader read %d workbooks all, handed over part way in %d, left %d to excelize", c.all, c.mid, c.none)
	if c.all < 50 || c.mid < 10 || c.none < 10 {
		t.Errorf("too few of some kind: %+v", c)
	}
}

// TestXLSXFastDifferentialRaw compares the readers on random workbooks
// written part by part, in the ways XML allows that excelize's writer
// does not use: prefixes, quotes, space, character references, CDATA,
// cells and rows without r, empty elements. Those with only what the fast
// reader reads must be read all by it; others hand over, or fail in
// excelize, at the first row, a later one, or never.
func TestXLSXFastDifferentialRaw(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	dir := t.TempDir()
	var clean, mixed, messy tally
	for i := range 600 {
		var path string
		switch i % 3 {
		case 0:
			path = genRawWorkbook(t, rng, dir, false, nativeStyleCount)
		case 1:
			path = genRawWorkbook(t, rng, dir, false, styleCount)
		case 2:
			path = genRawWorkbook(t, rng, dir, true, styleCount)
		}
		diff, read := diffXLSX(path)
		if diff != "" {
			t.Fatalf("workbook %d (%s):\n%s", i, path, diff)
		}
		switch i % 3 {
		case 0:
			if read.handedOver {
				if tr, _ := traceXLSX(path, false); tr.Open == "" {
					t.Errorf("workbook %d (%s): the fast reader %s, want it to read it all", i, path, read)
				}
			}
			clean.add(read)
		case 1:
			mixed.add(read)
		case 2:
			messy.add(read)
		}
	}
	t.Logf("read all, part way, none: clean %+v, mixed styles %+v, messy %+v", clean, mixed, messy)
	if mixed.all < 20 || mixed.mid < 20 || mixed.none < 20 || messy.mid < 20 || messy.none < 20 {
		t.Errorf("too few of some kind: mixed %+v, messy %+v", mixed, messy)
	}
}

const mainNS = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`

// sheetXML is a worksheet with the given sheetData content.
func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet ` + mainNS + `><dimension ref="A1"/><sheetData>` + rows + `</sheetData><pageMargins left="0.7"/></worksheet>`
}

// testSharedStrings are the shared strings of the hand-written cases.
const testSharedStrings = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst ` + mainNS + ` count="7" uniqueCount="7">` +
	`<si><t>phone</t></si>` +
	`<si><t xml:space="preserve"> name </t></si>` +
	`<si><r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/><family val="2"/></rPr><t>Ana </t></r><r><t>P&amp;rez</t></r></si>` +
	`<si><t>a_x000D_b_x005F_x0041_</t></si>` +
	`<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1" type="noConversion"/></si>` +
	`<si/>` +
	`<si><t>&#x1F600;&#65;&lt;&gt;&quot;&apos;</t></si>` +
	`</sst>`

// TestXLSXFastCases compares the readers on sheets written by hand, for
// what random ones may miss; want says how far the fast reader must read
// each: "all", or "" where it may hand over.
func TestXLSXFastCases(t *testing.T) {
	header := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`
	tests := []struct {
		name, sheet, sst, styles, want string
	}{
		{"prefixes", `<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
			`<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c></x:row><x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>612</x:t></x:is></x:c></x:row>` +
			`</x:sheetData></x:worksheet>`, "", "", "all"},
		{"cells and rows without r", sheetXML(`<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row><c><v>612345678</v></c><c r="D2"><v>1</v></c><c><v>2</v></c></row>` +
			`<row r="5"><c><v>3</v></c></row><row><c t="str"><v>x</v></c></row>`), "", "", "all"},
		{"CDATA and references", sheetXML(header + `<row r="2"><c r="A2" t="str"><v><![CDATA[<a&b>]]>&#x41;&#66;&#xD800;&#13;&#10;</v></c>` +
			`<c r="B2" t="inlineStr"><is><t>x<![CDATA[ ]]]]>y</t></is></c></row>`), "", "", "all"},
		{"empty elements", sheetXML(header + `<row r="2"/><row r="3"><c r="A3"/><c r="B3"><v/></c><c r="C3" t="inlineStr"><is/></c><c r="D3"><f/></c></row>` +
			`<row r="4"><c r="A4"><f>A1</f><v></v></c><c r="B4" t="s"/><c r="C4" t="s"><v></v></c></row><row r="5"><c r="A5"><v>5</v><f/></c></row>` +
			`<row r="6"><c r="A6"><v>1</v></c><c r="C6"><f>X</f></c></row><row r="7"><c r=""><v>2</v></c><c r="C7"/><c r=""><v>3</v></c></row>`), "", "", "all"},
		{"quotes and space", sheetXML(header + "<row\n r = '2' ><c\tt='s'\nr=\"A2\" s = '0' ><v>6</v></c ><c r='B2'\n><v >12.50</v ></c></row\n>"), "", "", "all"},
		{"row and column gaps", sheetXML(`<row r="3"><c r="C3" t="s"><v>0</v></c><c r="F3" t="s"><v>2</v></c></row><row r="9"><c r="B9"><v>1</v></c></row><row r="10"><c r="A10" t="s"><v>5</v></c></row><row r="11"><c r="G11"><v>7</v></c></row>`), "", "", "all"},
		{"numbers", sheetXML(header + `<row r="2"><c r="A2"><v>8613812345678</v></c><c r="B2" s="1"><v>8613812345678</v></c><c r="C2" s="2"><v>8613812345678</v></c><c r="D2"><v>1.2345678901234567E+19</v></c>` +
			`<c r="E2" s="1"><v>0.30000000000000004</v></c><c r="F2"><v>1e+21</v></c><c r="G2" s="3"><v>-123456789012</v></c><c r="H2" t="n"><v> 7</v></c><c r="I2" t="e"><v>#N/A</v></c><c r="J2" s="99"><v>12345678901234</v></c></row>`), "", "", "all"},
		{"booleans and formulas", sheetXML(header + `<row r="2"><c r="A2" t="b"><v>1</v></c><c r="B2" t="b" s="1"><v>0</v></c><c r="C2" t="b"><v>true</v></c>` +
			`<c r="D2" t="str" s="4"><f t="shared" ref="D2:D3" si="0">A1&amp;"x"</f><v>2024-01-01</v></c><c r="E2"><f ca="1">RAND()</f><v>0.5</v></c></row>`), "", "", "all"},
		{"text format", sheetXML(header + `<row r="2"><c r="A2" s="2"><v>-8613812345678</v></c><c r="B2" s="2" t="s"><v>3</v></c><c r="C2" s="2" t="b"><v>1</v></c><c r="D2" s="2"><v>#REF!</v></c></row>`), "", "", "all"},
		{"leading comment and PI", `<?xml version="1.0" encoding="utf-8"?><!-- made by hand --><?mso-application progid="Excel.Sheet"?><worksheet ` + mainNS + `><sheetData>` + header + `</sheetData></worksheet>`, "", "", "all"},
		{"second sheetData", `<worksheet ` + mainNS + `><sheetData></sheetData><sheetData>` + header + `</sheetData></worksheet>`, "", "", "all"},
		{"byte order mark", "\ufeff" + sheetXML(header), "", "", "all"},
		{"shared strings with a prefix", sheetXML(header), `<s:sst xmlns:s="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><s:si><s:t>a</s:t></s:si><s:si><s:r><s:t>b</s:t></s:r></s:si></s:sst>`, "", "all"},
		{"no shared strings", sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row><row r="2"><c r="A2" t="s"><v></v></c><c r="B2"><v>1</v></c></row>`), "-", "", "all"},
		{"no styles", sheetXML(header + `<row r="2"><c r="A2" s="1"><v>8613812345678</v></c></row>`), "", "-", "all"},

		// What the fast reader leaves to excelize.
		{"date format", sheetXML(header + `<row r="2"><c r="A2" s="4"><v>45000</v></c></row>`), "", "", ""},
		{"ISO date cell", sheetXML(header + `<row r="2"><c r="A2" t="d"><v>2024-02-29T10:00:00Z</v></c></row>`), "", "", ""},
		{"custom General", sheetXML(header + `<row r="2"><c r="A2" s="1"><v>5</v></c><c r="B2" s="2"><v>6</v></c></row>`), "", testStylesOverride, ""},
		{"custom General unused", sheetXML(header + `<row r="2"><c r="A2"><v>5</v></c></row>`), "", testStylesOverride, "all"},
		{"comment in a row", sheetXML(header + `<row r="2"><c r="A2"><v>1</v></c><!-- x --></row>`), "", "", ""},
		{"text between rows", sheetXML(header + `x<row r="2"><c r="A2"><v>1</v></c></row>`), "", "", ""},
		{"cell between rows", sheetXML(header + `<c r="C1"><v>1</v></c><row r="2"><c r="A2"><v>1</v></c></row>`), "", "", ""},
		{"unknown element in a cell", sheetXML(header + `<row r="2"><c r="A2"><extLst><v>9</v></extLst><v>1</v></c></row>`), "", "", ""},
		{"row again", sheetXML(header + `<row r="2"><c r="A2"><v>1</v></c></row><row r="2"><c r="B2"><v>2</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>`), "", "", ""},
		{"rows out of order", sheetXML(header + `<row r="5"><c r="A5"><v>1</v></c></row><row r="3"><c r="A3"><v>3</v></c></row>`), "", "", ""},
		{"row past the last", sheetXML(header + `<row r="2"><c r="A2"><v>1</v></c></row><row r="1048577"><c r="A1048577"><v>3</v></c></row>`), "", "", ""},
		{"row zero", sheetXML(header + `<row r="0"><c r="A2"><v>1</v></c></row>`), "", "", ""},
		{"bad cell reference", sheetXML(header + `<row r="2"><c r="A0"><v>1</v></c></row>`), "", "", ""},
		{"absolute cell reference", sheetXML(header + `<row r="2"><c r="$B$2"><v>1</v></c></row>`), "", "", ""},
		{"cell columns back", sheetXML(header + `<row r="2"><c r="C2"><v>1</v></c><c r="A2"><v>2</v></c></row>`), "", "", "all"},
		{"namespace r on a cell", sheetXML(header + `<row r="2"><c xmlns:r="http://x" r="A2"><v>1</v></c></row>`), "", "", ""},
		{"bad style", sheetXML(header + `<row r="2"><c r="A2" s="x" t="s"><v>1</v></c></row>`), "", "", ""},
		{"bad formula attribute", sheetXML(header + `<row r="2"><c r="A2"><f ca="yes">A1</f><v>1</v></c></row>`), "", "", ""},
		{"shared string out of range", sheetXML(header + `<row r="2"><c r="A2" t="s"><v>70</v></c></row>`), "", "", ""},
		{"shared string index with space", sheetXML(header + `<row r="2"><c r="A2" t="s"><v> 1</v></c></row>`), "", "", ""},
		{"unknown entity", sheetXML(header + `<row r="2"><c r="A2" t="str"><v>&nbsp;</v></c></row>`), "", "", ""},
		{"]]> in text", sheetXML(header + `<row r="2"><c r="A2" t="str"><v>a]]>b</v></c></row>`), "", "", ""},
		{"control character", sheetXML(header + `<row r="2"><c r="A2" t="str"><v>a&#1;b</v></c></row>`), "", "", ""},
		{"invalid UTF-8", sheetXML(header + "<row r=\"2\"><c r=\"A2\" t=\"str\"><v>a\xffb</v></c></row>"), "", "", ""},
		{"mismatched end tag", sheetXML(header + `<row r="2"><c r="A2"><v>1</v></c></rox><row r="3"><c r="A3"><v>1</v></c></row>`), "", "", ""},
		{"row after sheetData", `<worksheet ` + mainNS + `><sheetData>` + header + `</sheetData><row r="5"><c r="A5"><v>5</v></c></row></worksheet>`, "", "", ""},
		{"DOCTYPE", `<!DOCTYPE worksheet><worksheet ` + mainNS + `><sheetData>` + header + `</sheetData></worksheet>`, "", "", ""},
		{"another encoding, UTF-8 bytes", `<?xml version="1.0" encoding="ISO-8859-1"?><worksheet ` + mainNS + "><sheetData><row r=\"1\"><c r=\"A1\" t=\"str\"><v>Jos\xc3\xa9</v></c></row></sheetData></worksheet>", "", "", ""},
		{"row before sheetData", `<worksheet ` + mainNS + `><row r="1"><c r="A1"><v>1</v></c></row><sheetData>` + header + `</sheetData></worksheet>`, "", "", ""},
		{"character out of range", sheetXML(header + `<row r="2"><c r="A2" t="str"><v>a&#xFFFE;b</v></c></row>`), "", "", ""},
		{"raw character out of range", sheetXML(header + "<row r=\"2\"><c r=\"A2\" t=\"str\"><v>a\uFFFEb</v></c></row>"), "", "", ""},
		{"character out of range in an attribute", sheetXML(header + "<row r=\"2\" x=\"\uFFFF\"><c r=\"A2\"><v>1</v></c></row>"), "", "", ""},
		{"type by reference", sheetXML(header + `<row r="2"><c r="A2" t="&#115;"><v>1</v></c></row>`), "", "", ""},
		{"strict namespace in a string", sheetXML(header), `<sst ` + mainNS + `><si><t>http://purl.oclc.org/ooxml/spreadsheetml/main</t></si><si><t>b</t></si></sst>`, "", ""},
		{"another encoding", `<?xml version="1.0" encoding="ISO-8859-1"?><worksheet ` + mainNS + "><sheetData><row r=\"1\"><c r=\"A1\" t=\"str\"><v>Jos\xe9</v></c></row></sheetData></worksheet>", "", "", ""},
		{"strict namespace strings", sheetXML(header), `<sst xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"><si><t>http://purl.oclc.org/ooxml/spreadsheetml/main</t></si><si><t>b</t></si></sst>`, "", ""},
		{"shared strings without namespace", sheetXML(header), `<sst><si><t>a</t></si><si><t>b</t></si></sst>`, "", ""},
		{"bad run property", sheetXML(header), `<sst ` + mainNS + `><si><r><rPr><sz val="big"/></rPr><t>a</t></r></si><si><t>b</t></si></sst>`, "", ""},
		{"two t in a string", sheetXML(header), `<sst ` + mainNS + `><si><t>a</t><t>c</t></si><si><t>b</t></si></sst>`, "", ""},
		{"bad inline run property", sheetXML(header + `<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b val="2"/></rPr><t>x</t></r></is></c><c r="B2"><v>1</v></c></row>`), "", "", ""},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sst, styles := tt.sst, tt.styles
			if sst == "" {
				sst = testSharedStrings
			} else if sst == "-" {
				sst = ""
			}
			if styles == "" {
				styles = testStyles
			} else if styles == "-" {
				styles = ""
			}
			path := writeParts(t, dir, fmt.Sprintf("case%d.xlsx", i), workbookParts(tt.sheet, sst, styles))
			diff, read := diffXLSX(path)
			if diff != "" {
				t.Fatal(diff)
			}
			tr, _ := traceXLSX(path, true)
			switch {
			case tr.Open != "":
				// Failed opening: diffXLSX holds the two readers' failures
				// alike; which of them read the first row is not asked.
			case tt.want == "all" && read.handedOver:
				t.Errorf("the fast reader %s, want it to read it all", read)
			case tt.want == "" && !read.handedOver:
				t.Errorf("the fast reader read it all, want it to hand over")
			}
			if testing.Verbose() {
				t.Logf("%s: %q %v, ended %s", read, tr.Header, tr.Rows, cmpOr(tr.Open, tr.End))
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestXLSXFastHandover checks that a hand-over mid-sheet leaves excelize
// where the fast reader stopped: the rows already returned are not
// returned again, none is skipped, and the numbers go on.
func TestXLSXFastHandover(t *testing.T) {
	// rows writes rows 1 to 100, the header and then a phone and a name,
	// with rows 40 to 44 missing and rows 45 to 47 blank, row at changed
	// by change.
	rows := func(at int, change func(n int) string) string {
		var b strings.Builder
		for n := 1; n <= 100; n++ {
			switch {
			case n == at:
				b.WriteString(change(n))
			case n >= 40 && n < 45:
			case n >= 45 && n < 48:
				fmt.Fprintf(&b, `<row r="%d"><c r="A%d"/><c r="C%d" t="s"><v></v></c></row>`, n, n, n)
			case n == 1:
				b.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
			default:
				fmt.Fprintf(&b, `<row r="%d"><c r="A%d"><v>6123456%02d</v></c><c r="B%d" t="inlineStr"><is><t>Lead %d</t></is></c></row>`, n, n, n, n, n)
			}
		}
		return sheetXML(b.String())
	}
	date := func(n int) string {
		return fmt.Sprintf(`<row r="%d"><c r="A%d" s="4"><v>45000</v></c></row>`, n, n)
	}
	comment := func(n int) string {
		return fmt.Sprintf(`<row r="%d"><c r="A%d"><v>1</v></c><!-- why --></row>`, n, n)
	}
	badNumber := func(n int) string { return fmt.Sprintf(`<row r="%dx"><c><v>1</v></c></row>`, n) }
	tests := []struct {
		name   string
		at     int
		change func(int) string
		fast   int    // the rows the fast reader returns, the header's included
		end    string // how reading ends
	}{
		{"header", 1, date, 0, "EOF"},
		{"first row", 2, date, 1, "EOF"},
		{"mid-sheet", 50, date, 50 - 1 - 8, "EOF"},
		{"after missing and blank rows", 48, date, 48 - 1 - 8, "EOF"},
		{"last row", 100, comment, 100 - 1 - 8, "EOF"},
		// A row is returned only once the next row's start tag is read:
		// excelize reads that far for it, and here fails it.
		{"start tag after", 60, badNumber, 60 - 2 - 8, `row 59: strconv.Atoi: parsing "60x"`},
		{"never", 0, nil, 100 - 8, "EOF"},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeParts(t, dir, fmt.Sprintf("handover%d.xlsx", i), workbookParts(rows(tt.at, tt.change), testSharedStrings, testStyles))
			diff, read := diffXLSX(path)
			if diff != "" {
				t.Fatal(diff)
			}
			if read.fastRows != tt.fast || read.handedOver != (tt.at > 0) {
				t.Errorf("the fast reader %s, want %d rows returned", read, tt.fast)
			}
			tr, _ := traceXLSX(path, true)
			if tr.Open != "" || !strings.Contains(tr.End, tt.end) || len(tr.Rows) < 40 {
				t.Fatalf("read %d rows, ended %q %q, want %q", len(tr.Rows), tr.Open, tr.End, tt.end)
			}
			last := tr.HeaderRow
			for _, r := range tr.Rows {
				if r.Num <= last || r.Num >= 40 && r.Num < 48 || r.Num > last+1 && r.Num != 48 && r.Num != tt.at+1 {
					t.Errorf("row %d after row %d", r.Num, last)
				}
				last = r.Num
			}
		})
	}
}

// FuzzXLSXSheet reads arbitrary bytes as a workbook's sheet XML (with the
// shared strings and styles of the hand-written cases) with both readers:
// the fast reader must give what excelize gives, reading it or handing
// over, and never panic.
func FuzzXLSXSheet(f *testing.F) {
	header := `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`
	for _, s := range []string{
		sheetXML(header + `<row r="2"><c r="A2"><v>612345678</v></c><c r="B2" t="s"><v>2</v></c></row>`),
		sheetXML(header + `<row r="3"><c r="B3" s="1"><v>8613812345678</v></c><c t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c></row><row><c t="b"><v>1</v></c></row>`),
		sheetXML(header + `<row r='2' ><c r='A2' t='str'><f>A1</f><v><![CDATA[x&y]]>&#x41;</v></c><c r="C2" s="4"><v>45000</v></c></row>`),
		`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row><x:c t="s"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
		sheetXML(header + `<row r="2"/><row r="4"><c r="A4"/><c r="C4" s="2"><v>1e+21</v></c></row><row r="6"><c r="A6" t="e"><v>#N/A</v></c></row>`),
	} {
		f.Add([]byte(s))
	}
	rng := rand.New(rand.NewSource(3))
	for i := range 8 {
		g := &sheetGen{rng: rng, shared: 7, styles: styleCount, messy: i%2 == 1, maxRows: 6, switchAt: 3}
		f.Add([]byte(g.sheet()))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, sheet []byte) {
		path := writeParts(t, dir, "fuzz.xlsx", workbookParts(string(sheet), testSharedStrings, testStyles))
		if diff, _ := diffXLSX(path); diff != "" {
			t.Fatal(diff)
		}
	})
}

// FuzzXLSXSharedStrings reads arbitrary bytes as a workbook's shared
// strings, for a sheet that shows them in each way, with both readers.
func FuzzXLSXSharedStrings(f *testing.F) {
	f.Add([]byte(testSharedStrings))
	f.Add([]byte(`<sst ` + mainNS + `><si><t>a</t></si><si><r><rPr><b/></rPr><t>b</t></r></si></sst>`))
	rng := rand.New(rand.NewSource(4))
	for i := range 6 {
		g := &sheetGen{rng: rng, messy: i%2 == 1}
		f.Add([]byte(g.sharedStrings(1 + rng.Intn(6))))
	}
	var b strings.Builder
	b.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>`)
	for n := 2; n < 10; n++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s" s="%d"><v>%d</v></c></row>`, n, n, n, n, n%4, n-2)
	}
	sheet := sheetXML(b.String())
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, sst []byte) {
		path := writeParts(t, dir, "fuzz.xlsx", workbookParts(sheet, string(sst), testStyles))
		if diff, _ := diffXLSX(path); diff != "" {
			t.Fatal(diff)
		}
	})
}

// TestXLSXFastLargeSharedStrings compares the readers on a workbook whose
// shared strings unpack to more than excelize holds in memory: excelize
// then reads them from a temporary file, by its other code path.
func TestXLSXFastLargeSharedStrings(t *testing.T) {
	if testing.Short() {
		t.Skip("a 17 MiB shared strings table")
	}
	var sst, rows strings.Builder
	const n = 140_000
	sst.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst ` + mainNS + `>`)
	for i := range n {
		fmt.Fprintf(&sst, `<si><t xml:space="preserve">Lead %d, Calle Mayor %d &amp; Hijos _x00e9_ %s </t></si>`, i, i%500, strings.Repeat("x", i%80))
		if i%7 == 0 {
			fmt.Fprintf(&sst, `<si><r><rPr><b/></rPr><t>6%08d</t></r><r><t> ext</t></r></si>`, i)
		}
	}
	sst.WriteString(`</sst>`)
	if sst.Len() <= xmlInMemory {
		t.Fatalf("the shared strings are %d bytes, not over %d", sst.Len(), xmlInMemory)
	}
	rng := rand.New(rand.NewSource(5))
	rows.WriteString(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>`)
	for r := 2; r < 3000; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d" t="s"><v>%d</v></c><c r="B%d" t="s" s="1"><v>%d</v></c></row>`, r, r, rng.Intn(n), r, rng.Intn(n))
	}
	path := writeParts(t, t.TempDir(), "big.xlsx", workbookParts(sheetXML(rows.String()), sst.String(), testStyles))
	diff, read := diffXLSX(path)
	if diff != "" {
		t.Fatal(diff)
	}
	if read.handedOver {
		t.Errorf("the fast reader %s, want it to read it all", read)
	}
}

// TestXLSXFastSheets compares the readers on workbooks of several sheets,
// and with parts where excelize's writer does not put them: the fast
// reader must find the part excelize reads.
func TestXLSXFastSheets(t *testing.T) {
	dir := t.TempDir()
	several := writeWorkbook(t, "sheets.xlsx", func(f *excelize.File) {
		setRow(t, f, "Sheet1", 1, "hidden")
		for _, name := range []string{"Leads", "Other"} {
			_, err := f.NewSheet(name)
			must(t, err)
			setRow(t, f, name, 1, "phone", "sheet")
			setRow(t, f, name, 2, 612345678, name)
		}
		must(t, f.SetSheetVisible("Sheet1", false))
	})
	moved := workbookParts(sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>phone</t></is></c></row><row r="2"><c r="A2"><v>612345678</v></c></row>`), testSharedStrings, testStyles)
	moved["xl/ws/leads.xml"] = moved["xl/worksheets/sheet1.xml"]
	moved["xl/worksheets/sheet1.xml"] = sheetXML(`<row r="1"><c r="A1" t="inlineStr"><is><t>not this one</t></is></c></row>`)
	moved["xl/_rels/workbook.xml.rels"] = strings.Replace(moved["xl/_rels/workbook.xml.rels"], `Target="worksheets/sheet1.xml"`, `Target="/xl/ws/../ws/leads.xml"`, 1)
	tests := []struct{ name, path, sheet string }{
		{"first visible", several, ""},
		{"named", several, "Other"},
		{"hidden, named", several, "Sheet1"},
		{"absolute target", writeParts(t, dir, "moved.xlsx", moved), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff, read := diffSheet(tt.path, tt.sheet)
			if diff != "" {
				t.Fatal(diff)
			}
			if read.handedOver {
				t.Errorf("the fast reader %s, want it to read it all", read)
			}
			if tr, _ := traceSheet(tt.path, tt.sheet, true); strings.Contains(fmt.Sprint(tr.Header), "not this one") {
				t.Errorf("read the wrong part: %q", tr.Header)
			}
		})
	}
}
