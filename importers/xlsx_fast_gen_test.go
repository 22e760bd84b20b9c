package importers

import (
	"archive/zip"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Random workbooks for the fast reader's differential tests: written part
// by part (xml below), for what excelize's writer never writes, and with
// excelize (genExcelizeWorkbook), for what it does.

// writeParts writes a workbook of the given parts (name: content).
func writeParts(t testing.TB, dir, name string, parts map[string]string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// workbookParts are a workbook's parts around a sheet: the shared strings
// and styles given ("" leaves a part out).
func workbookParts(sheet, sharedStrings, styles string) map[string]string {
	parts := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
			`<Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
			`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
			`<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
			`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
			`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": sheet,
	}
	if sharedStrings != "" {
		parts["xl/sharedStrings.xml"] = sharedStrings
	}
	if styles != "" {
		parts["xl/styles.xml"] = styles
	}
	return parts
}

// The cell formats of testStyles: those read here, then those handed over.
const (
	styleGeneral     = 1 // numFmtId 0, with a font: General for a style other than 0
	styleText        = 2 // 49, "@"
	styleNoNumFmt    = 3 // no numFmtId: General
	styleOutOfRange  = 99
	styleDate        = 4 // 14
	styleFixed       = 5 // 2, "0.00"
	stylePhone       = 6 // custom "000 000 0000"
	styleCustomText  = 7 // custom "@"
	styleHidden      = 8 // custom ";;;"
	nativeStyleCount = 4
	styleCount       = 9
)

const testStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<numFmts count="3"><numFmt numFmtId="164" formatCode="000 000 0000"/><numFmt numFmtId="165" formatCode="@"/><numFmt numFmtId="166" formatCode=";;;"/></numFmts>` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>` +
	`<fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
	`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`</cellXfs></styleSheet>`

// testStylesOverride has custom formats with the ids of General and Text:
// they win over the built-in ones.
var testStylesOverride = strings.Replace(testStyles, `<numFmts count="3">`,
	`<numFmts count="5"><numFmt numFmtId="0" formatCode="0.00"/><numFmt numFmtId="49" formatCode="#,##0"/>`, 1)

// xmlWriter writes XML with a random but consistent hand: quotes, space
// around =, attribute order, an element prefix.
type xmlWriter struct {
	rng    *rand.Rand
	prefix string // "" or e.g. "x:", for every element in sheetData
	b      strings.Builder
}

func (w *xmlWriter) space() string {
	return []string{"", "", "", " ", "\n", "\t", "\r\n "}[w.rng.Intn(7)]
}

// start writes a start tag; attrs are name, value pairs, values escaped.
func (w *xmlWriter) start(name string, empty bool, attrs ...string) {
	w.b.WriteString("<" + w.prefix + name)
	order := w.rng.Perm(len(attrs) / 2)
	if w.rng.Intn(3) > 0 {
		slices.Sort(order)
	}
	for _, i := range order {
		q := `"`
		if w.rng.Intn(4) == 0 {
			q = `'`
		}
		v := attrs[2*i+1]
		if q == `'` {
			v = strings.ReplaceAll(v, "'", "&apos;")
		} else {
			v = strings.ReplaceAll(v, `"`, "&quot;")
		}
		w.b.WriteString(" " + w.space() + attrs[2*i] + w.space() + "=" + w.space() + q + v + q)
	}
	w.b.WriteString(w.space())
	if empty {
		w.b.WriteString("/>")
	} else {
		w.b.WriteString(">")
	}
}

func (w *xmlWriter) end(name string) { w.b.WriteString("</" + w.prefix + name + w.space() + ">") }

// text writes s as character data, escaped in one of the ways XML allows.
func (w *xmlWriter) text(s string) { w.b.WriteString(escapeText(w.rng, s)) }

// escapeText escapes s at random: entities or character references for
// < & > and quotes, references for other characters, CDATA sections.
func escapeText(rng *rand.Rand, s string) string {
	if rng.Intn(6) == 0 && !strings.Contains(s, "]]>") && !strings.Contains(s, "\r") {
		return "<![CDATA[" + s + "]]>"
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString([]string{"&lt;", "&#60;", "&#x3c;", "&#x3C;"}[rng.Intn(4)])
		case r == '&':
			b.WriteString([]string{"&amp;", "&#38;", "&#x26;"}[rng.Intn(3)])
		case r == '>':
			b.WriteString([]string{">", "&gt;"}[rng.Intn(2)])
		case r == '"':
			b.WriteString([]string{`"`, "&quot;", "&#34;"}[rng.Intn(3)])
		case r == '\'':
			b.WriteString([]string{`'`, "&apos;"}[rng.Intn(2)])
		case r == '\r':
			b.WriteString([]string{"&#13;", "&#xD;", "\r"}[rng.Intn(3)])
		case r == '\n' || r == '\t':
			b.WriteString([]string{string(r), fmt.Sprintf("&#%d;", r)}[rng.Intn(2)])
		case r > 0x7f && rng.Intn(3) == 0:
			fmt.Fprintf(&b, "&#x%x;", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// textSamples are pieces of cell text: what CSV exports and people type.
var textSamples = []string{
	"Ana", "Luis Pérez", "上海", "😀", "ñandú", " lead ", "  ", "", "612 345 678", "+34 612 345 678",
	"a<b", "R&D", `"quoted"`, "it's", "x > y", "]]", "]", "tab\there", "line\nbreak", "cr\r\nlf", "cr\ronly",
	"_x000D_", "_x005F_x0041_", "_xD800_", "_x00e9_", "_x41_", "_x0041", "A_x0042_C", "0034612345678",
	"8613812345678", "1e5", "TRUE", "#N/A", "\u00a0nbsp", "Ω", "é",
}

func randText(rng *rand.Rand) string {
	n := rng.Intn(3) + 1
	var b strings.Builder
	for range n {
		b.WriteString(textSamples[rng.Intn(len(textSamples))])
	}
	return b.String()
}

// numberSamples are stored values of number cells, good and bad.
var numberSamples = []string{
	"0", "1", "-1", "42", "612345678", "8613812345678", "86138123456789", "123456789012", "12345678901",
	"1234567890123456", "12345678901234567890", "100000000000000000000", "0.1", "0.2", "0.30000000000000004",
	"1e+21", "1E+21", "1e21", "1e-7", "1.5e3", "-12.5", "-0", "3.14159265358979", "2.718281828459045",
	"1.0", "007", "+5", " 12", "12 ", "1_000", "0x1p-2", "NaN", "Inf", "-Inf", "infinity", "1e400", "",
	"abc", "#DIV/0!", "9007199254740993", "-123456789012345", "99999999999999999", "0.000001234567890123",
	"-8613812345678", "34612345678", "4.35", "1234567890.12345", "-0.5", "5e-324", "1.7976931348623157e308",
}

func randNumber(rng *rand.Rand) string {
	switch rng.Intn(4) {
	case 0:
		return numberSamples[rng.Intn(len(numberSamples))]
	case 1:
		digits := rng.Intn(20) + 1
		s := strconv.FormatInt(rng.Int63n(int64(math.Pow10(min(digits, 18)))), 10)
		if digits > 18 {
			s += strings.Repeat(strconv.Itoa(rng.Intn(10)), digits-18)
		}
		if rng.Intn(4) == 0 {
			s = "-" + s
		}
		return s
	case 2:
		v := rng.NormFloat64() * math.Pow10(rng.Intn(30)-10)
		return strconv.FormatFloat(v, "fgeE"[rng.Intn(4)], rng.Intn(20)-1, 64)
	}
	return strconv.FormatFloat(float64(rng.Intn(1000))/float64(rng.Intn(99)+1), 'f', -1, 64)
}

// sheetGen writes a random sheet. messy adds, now and then, what hands
// over to excelize, or what excelize fails on.
type sheetGen struct {
	rng      *rand.Rand
	shared   int // shared strings there are
	styles   int // cell formats to use from row switchAt on
	switchAt int // before it, only those read here
	messy    bool
	maxRows  int
}

func (g *sheetGen) sheet() string {
	rng := g.rng
	w := &xmlWriter{rng: rng}
	root := `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">`
	if rng.Intn(4) == 0 {
		w.prefix = "x:"
		root = `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	}
	if rng.Intn(3) > 0 {
		w.b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	}
	w.b.WriteString(root)
	if rng.Intn(2) == 0 {
		w.start("dimension", true, "ref", "A1:H20")
		w.start("sheetViews", false)
		w.start("sheetView", false, "workbookViewId", "0")
		w.start("selection", true, "activeCell", "B2", "sqref", "B2")
		w.end("sheetView")
		w.end("sheetViews")
		w.start("cols", false)
		w.start("col", true, "min", "1", "max", "3", "width", "12.5", "customWidth", "1")
		w.end("cols")
	}
	rows := rng.Intn(g.maxRows + 1)
	if rows == 0 && rng.Intn(2) == 0 {
		w.start("sheetData", true)
	} else {
		w.start("sheetData", false)
		num := 0
		for range rows {
			num += 1 + rng.Intn(3)/2 + rng.Intn(20)/19*rng.Intn(5)
			if g.messy && rng.Intn(60) == 0 {
				num -= rng.Intn(2) + 1 // a row again, or out of order
			}
			g.row(w, num)
			w.b.WriteString(w.space())
		}
		w.end("sheetData")
	}
	if rng.Intn(2) == 0 {
		w.b.WriteString(`<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>`)
	}
	if g.messy && rng.Intn(30) == 0 {
		w.start("row", false, "r", "9999")
		w.end("row")
	}
	if strings.HasPrefix(root, "<x:") {
		w.b.WriteString("</x:worksheet>")
	} else {
		w.b.WriteString("</worksheet>")
	}
	return w.b.String()
}

func (g *sheetGen) row(w *xmlWriter, num int) {
	rng := g.rng
	var attrs []string
	if num < 1 || rng.Intn(5) > 0 {
		attrs = append(attrs, "r", strconv.Itoa(num))
	}
	if rng.Intn(5) == 0 {
		attrs = append(attrs, "spans", "1:5", "ht", "15", "customHeight", "1")
	}
	cells := rng.Intn(8)
	if cells == 0 && rng.Intn(2) == 0 {
		w.start("row", true, attrs...)
		return
	}
	w.start("row", false, attrs...)
	col := 0
	for range cells {
		col += 1 + rng.Intn(4)/3*rng.Intn(4)
		g.cell(w, num, col)
		w.b.WriteString(w.space())
	}
	if g.messy && rng.Intn(40) == 0 {
		w.b.WriteString([]string{"<!-- note -->", "<?pi x?>", "<extLst/>", "text", `<c r="Z1"><v>1</v></c>`}[rng.Intn(5)])
	}
	w.end("row")
	if g.messy && rng.Intn(60) == 0 {
		w.b.WriteString([]string{"<!-- note -->", "junk", "<x/>", `<c r="Z9"><v>2</v></c>`, "&amp;"}[rng.Intn(5)])
	}
}

func (g *sheetGen) cell(w *xmlWriter, num, col int) {
	rng := g.rng
	var attrs []string
	ref, _ := excelize.CoordinatesToCellName(col, max(num, 1))
	if rng.Intn(6) == 0 {
		ref = strings.ToLower(ref)
	}
	if g.messy && rng.Intn(100) == 0 {
		ref = []string{"$" + ref, "A0", "ZZZZ1", "1A", ""}[rng.Intn(5)]
	}
	if rng.Intn(5) > 0 {
		attrs = append(attrs, "r", ref)
	}
	if rng.Intn(2) == 0 {
		styles := nativeStyleCount
		if num >= g.switchAt {
			styles = g.styles
		}
		style := rng.Intn(styles)
		if rng.Intn(30) == 0 {
			style = styleOutOfRange
		}
		attrs = append(attrs, "s", strconv.Itoa(style))
	}
	kind := rng.Intn(9)
	if g.messy && rng.Intn(40) == 0 {
		kind = 9
	}
	var v string
	hasV := rng.Intn(10) > 0
	formula := rng.Intn(8) == 0
	switch kind {
	case 0, 1: // a number, typed or not
		if kind == 1 {
			attrs = append(attrs, "t", "n")
		}
		v = randNumber(rng)
	case 2: // a shared string
		attrs = append(attrs, "t", "s")
		if g.shared > 0 {
			v = strconv.Itoa(rng.Intn(g.shared))
		}
		if g.messy && rng.Intn(20) == 0 {
			v = []string{strconv.Itoa(g.shared + 1), " 1", "+1", "x", "-1"}[rng.Intn(5)]
		}
	case 3: // a formula's string result
		attrs = append(attrs, "t", "str")
		v = randText(rng)
	case 4, 5: // an inline string
		attrs = append(attrs, "t", "inlineStr")
		if rng.Intn(5) == 0 {
			v = randText(rng)
		} else {
			hasV = false
		}
	case 6:
		attrs = append(attrs, "t", "b")
		v = []string{"1", "0", "true", "2", ""}[rng.Intn(5)]
	case 7:
		attrs = append(attrs, "t", "e")
		v = []string{"#DIV/0!", "#N/A", "#VALUE!"}[rng.Intn(3)]
	case 8:
		attrs = append(attrs, "t", []string{"", "x", "S", "inlinestr"}[rng.Intn(4)])
		v = randNumber(rng)
	case 9:
		attrs = append(attrs, "t", "d")
		v = "2024-02-29T10:30:00Z"
	}
	if formula && rng.Intn(3) == 0 {
		v = "" // a formula showing nothing
	}
	inline := kind == 4 || kind == 5
	if !hasV && !formula && !inline && rng.Intn(2) == 0 {
		w.start("c", true, attrs...)
		return
	}
	w.start("c", false, attrs...)
	if formula {
		fattrs := []string{}
		if rng.Intn(3) == 0 {
			fattrs = append(fattrs, "t", "shared", "ref", "A1:A3", "si", "0")
		}
		if g.messy && rng.Intn(20) == 0 {
			fattrs = append(fattrs, "ca", "maybe")
		}
		empty := rng.Intn(4) == 0
		w.start("f", empty, fattrs...)
		if !empty {
			w.text("SUM(A1:B2)&\"<x>\"")
			w.end("f")
		}
	}
	if inline && (hasV || rng.Intn(2) == 0) {
		g.richText(w, "is")
	}
	if hasV {
		if v == "" && rng.Intn(2) == 0 {
			w.start("v", true)
		} else {
			w.start("v", false)
			w.text(v)
			w.end("v")
		}
	}
	w.end("c")
}

// richText writes an si or is element: a t, runs, phonetic runs.
func (g *sheetGen) richText(w *xmlWriter, name string) {
	rng := g.rng
	if rng.Intn(10) == 0 {
		w.start(name, true)
		return
	}
	w.start(name, false)
	switch rng.Intn(4) {
	case 0, 1:
		if rng.Intn(8) == 0 {
			w.start("t", true)
			break
		}
		attrs := []string{}
		if rng.Intn(2) == 0 {
			attrs = append(attrs, "xml:space", "preserve")
		}
		w.start("t", false, attrs...)
		w.text(randText(rng))
		w.end("t")
	case 2:
		for range rng.Intn(4) + 1 {
			w.start("r", false)
			if rng.Intn(2) == 0 {
				w.start("rPr", false)
				w.start("b", true)
				w.start("sz", true, "val", []string{"11", "10.5", " 9 "}[rng.Intn(3)])
				w.start("color", true, []string{"rgb", "FF0000FF", "theme", "1", "indexed", "8"}[2*rng.Intn(3):][:2]...)
				w.start("rFont", true, "val", "Calibri")
				w.start("family", true, "val", "2")
				if g.messy && rng.Intn(30) == 0 {
					w.start("i", true, "val", "perhaps")
				}
				w.end("rPr")
			}
			w.start("t", false, "xml:space", "preserve")
			w.text(randText(rng))
			w.end("t")
			w.end("r")
		}
	case 3:
		w.start("t", false)
		w.text(randText(rng))
		w.end("t")
		w.start("rPh", false, "sb", "0", "eb", "1")
		w.start("t", false)
		w.text("カナ")
		w.end("t")
		w.end("rPh")
		w.start("phoneticPr", true, "fontId", "1", "type", "noConversion")
	}
	w.end(name)
}

// sharedStrings writes a shared strings table of n items.
func (g *sheetGen) sharedStrings(n int) string {
	w := &xmlWriter{rng: g.rng}
	w.b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	root, end := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="`+strconv.Itoa(n)+`" uniqueCount="`+strconv.Itoa(n)+`">`, "</sst>"
	if g.rng.Intn(5) == 0 {
		w.prefix = "s:"
		root, end = `<s:sst xmlns:s="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, "</s:sst>"
	}
	if g.messy && g.rng.Intn(30) == 0 {
		root = `<sst>`
	}
	w.b.WriteString(root)
	for range n {
		g.richText(w, "si")
		w.b.WriteString(w.space())
	}
	w.b.WriteString(end)
	return w.b.String()
}

// genRawWorkbook writes a random workbook part by part.
func genRawWorkbook(t testing.TB, rng *rand.Rand, dir string, messy bool, styles int) string {
	g := &sheetGen{rng: rng, shared: rng.Intn(12), styles: styles, messy: messy, maxRows: 40,
		switchAt: []int{1, 2 + rng.Intn(30), 1 << 30}[rng.Intn(3)]}
	sst := ""
	if g.shared > 0 || rng.Intn(2) == 0 {
		sst = g.sharedStrings(g.shared)
	}
	styleSheet := testStyles
	if messy && rng.Intn(4) == 0 {
		styleSheet = testStylesOverride
	}
	return writeParts(t, dir, fmt.Sprintf("raw%d.xlsx", rng.Int63()), workbookParts(g.sheet(), sst, styleSheet))
}

// genExcelizeWorkbook writes a random workbook with excelize: its writer,
// its shared strings, its styles.
func genExcelizeWorkbook(t testing.TB, rng *rand.Rand, dir string, styled bool) string {
	f := excelize.NewFile()
	defer f.Close()
	var styles []int
	if styled {
		bold := &excelize.Font{Bold: true}
		for _, s := range []*excelize.Style{
			{Font: bold}, {NumFmt: 49}, {NumFmt: 0, Font: bold}, {NumFmt: 14}, {NumFmt: 2},
			{CustomNumFmt: ptrTo("000 000 0000")}, {CustomNumFmt: ptrTo("0.00")}, {CustomNumFmt: ptrTo("@")},
		} {
			id, err := f.NewStyle(s)
			if err != nil {
				t.Fatal(err)
			}
			styles = append(styles, id)
		}
	}
	// Most workbooks use only styles read here; some switch to the others
	// at a row: the first, or one further down.
	native := min(3, len(styles))
	switchAt := []int{1, 2 + rng.Intn(20), 1 << 30, 1 << 30}[rng.Intn(4)]
	rows := rng.Intn(40)
	num := 0
	for range rows {
		num += 1 + rng.Intn(5)/4*rng.Intn(4)
		col := 0
		for range rng.Intn(7) {
			col += 1 + rng.Intn(5)/4
			cell, _ := excelize.CoordinatesToCellName(col, num)
			setRandomCell(t, f, rng, cell)
			if len(styles) > 0 && rng.Intn(3) == 0 {
				pick := styles[:native]
				if num >= switchAt {
					pick = styles
				}
				mustTB(t, f.SetCellStyle("Sheet1", cell, cell, pick[rng.Intn(len(pick))]))
			}
		}
	}
	path := filepath.Join(dir, fmt.Sprintf("excelize%d.xlsx", rng.Int63()))
	mustTB(t, f.SaveAs(path))
	return path
}

func ptrTo[T any](v T) *T { return &v }

func mustTB(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func setRandomCell(t testing.TB, f *excelize.File, rng *rand.Rand, cell string) {
	const sheet = "Sheet1"
	switch rng.Intn(11) {
	case 0:
		mustTB(t, f.SetCellValue(sheet, cell, rng.Int63n(1e15)))
	case 1:
		mustTB(t, f.SetCellValue(sheet, cell, []int64{8613812345678, 612345678, -1, 0, 12345678901234567}[rng.Intn(5)]))
	case 2:
		v, _ := strconv.ParseFloat(randNumber(rng), 64)
		if math.IsInf(v, 0) || math.IsNaN(v) {
			v = 0.1 + 0.2
		}
		mustTB(t, f.SetCellValue(sheet, cell, v))
	case 3, 4:
		mustTB(t, f.SetCellValue(sheet, cell, randText(rng)))
	case 5:
		mustTB(t, f.SetCellValue(sheet, cell, rng.Intn(2) == 0))
	case 6:
		mustTB(t, f.SetCellRichText(sheet, cell, []excelize.RichTextRun{
			{Text: randText(rng), Font: &excelize.Font{Bold: true, Color: "FF0000"}}, {Text: randText(rng)},
		}))
	case 7:
		mustTB(t, f.SetCellFormula(sheet, cell, "A1&B1"))
		if rng.Intn(2) == 0 {
			mustTB(t, f.SetCellValue(sheet, cell, randText(rng)))
		}
	case 8:
		mustTB(t, f.SetCellDefault(sheet, cell, []string{randText(rng), randNumber(rng)}[rng.Intn(2)]))
	case 9:
		mustTB(t, f.SetCellValue(sheet, cell, ""))
	case 10:
		mustTB(t, f.SetCellStr(sheet, cell, randText(rng)))
	}
}
