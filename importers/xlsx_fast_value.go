package importers

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// What a cell shows and stores, by excelize's rules (v2.11.1: cell.go's
// getValueFrom, getCellDefault, getCellBool, formattedValue; lib.go's
// isNumeric, bstrUnmarshal; numfmt.go's format for "general" and "@").
// Functions marked as copied are excelize's, BSD-3-Clause, Copyright
// 2016 - 2026 The excelize Authors. What these rules cannot show exactly
// (a number format other than General or Text, an ISO date cell) reports
// ok false, and the reader hands over to excelize.

// cellType is the branch of getValueFrom a cell's t attribute takes.
type cellType uint8

const (
	cellNumber  cellType = iota // no t, "n", "e", or anything unknown
	cellBool                    // "b"
	cellDate                    // "d": not read here
	cellShared                  // "s"
	cellFormula                 // "str": a formula's string result
	cellInline                  // "inlineStr"
)

func cellTypeOf(t []byte) cellType {
	switch string(t) {
	case "b":
		return cellBool
	case "d":
		return cellDate
	case "s":
		return cellShared
	case "str":
		return cellFormula
	case "inlineStr":
		return cellInline
	}
	return cellNumber
}

// formatKind is the excelize CellType formattedValue is given.
type formatKind uint8

const (
	formatNumber formatKind = iota
	formatText              // shared strings, inline strings and booleans
)

// cellValue holds what a cell element says: its style, type, value (<v>),
// rich text (<is>) and whether it has a formula.
type cellValue struct {
	style int
	typ   cellType
	v     string
	is    string
	hasIS bool
	hasF  bool
	col   int // its column, 1 for A
}

// values returns what excelize's getValueFrom gives for the cell shown
// and stored (RawCellValue), or ok false if the rules here cannot tell.
func (c *cellValue) values(sst *sharedStrings, st *cellStyles) (shown, raw string, ok bool) {
	switch c.typ {
	case cellBool:
		if c.v == "1" {
			return "TRUE", c.v, true
		}
		if c.v == "0" {
			return "FALSE", c.v, true
		}
		shown, ok = st.format(c.v, c.style, formatText)
		return shown, c.v, ok
	case cellDate:
		return "", "", false
	case cellShared:
		if c.v == "" {
			shown, ok = st.format("", c.style, formatText)
			return shown, "", ok
		}
		s, ok := sst.at(c.v)
		if !ok {
			return "", "", false
		}
		shown, ok = st.format(s, c.style, formatText)
		return shown, s, ok
	case cellFormula:
		return c.v, c.v, true
	case cellInline:
		s := c.v
		if c.hasIS {
			s = c.is
		}
		shown, ok = st.format(s, c.style, formatText)
		return shown, s, ok
	}
	shown, ok = st.format(defaultValue(c.v), c.style, formatNumber)
	return shown, c.v, ok
}

// defaultValue is excelize's getCellDefault (copied): a number shown with
// at most 15 significant digits, as Excel holds it.
func defaultValue(v string) string {
	if isNum, prec, decimal := isNumeric(v); isNum {
		if prec > 15 && !isNumWithinPrecision(v) {
			return strconv.FormatFloat(decimal, 'G', 15, 64)
		}
		return strconv.FormatFloat(decimal, 'f', -1, 64)
	}
	return v
}

// isNumWithinPrecision is copied from excelize: integers zero-filled
// after Excel's 15 significant digit limit.
func isNumWithinPrecision(str string) bool {
	if strings.ContainsAny(str, ".Ee") {
		return false
	}
	str = strings.TrimLeft(str, "+-0")
	return len(strings.TrimRight(str, "0")) <= 15
}

// isNumeric is copied from excelize: whether s is a number, and its
// precision as excelize counts it (the sign counts; the point does not).
func isNumeric(s string) (bool, int, float64) {
	if strings.Contains(s, "_") {
		return false, 0, 0
	}
	flt, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return false, 0, 0
	}
	noScientificNotation := strconv.FormatFloat(flt, 'f', -1, 64)
	return true, len(noScientificNotation) - strings.Count(noScientificNotation, "."), flt
}

// cellStyles is what formattedValue needs of the workbook's styles: the
// number format of each cell format (cellXfs), and which formats are
// custom (numFmts), which win over the built-in ones of the same id.
type cellStyles struct {
	hasXfs bool  // the styles have a cellXfs element
	numFmt []int // numFmtId by cell format index, 0 where absent
	custom map[int]bool
}

// stylesOf takes the styles excelize read when it opened the workbook:
// the same ones its formattedValue uses.
func stylesOf(f *excelize.File) *cellStyles {
	st := &cellStyles{custom: map[int]bool{}}
	if f.Styles.CellXfs != nil {
		st.hasXfs = true
		for _, xf := range f.Styles.CellXfs.Xf {
			id := 0
			if xf.NumFmtID != nil {
				id = *xf.NumFmtID
			}
			st.numFmt = append(st.numFmt, id)
		}
	}
	if f.Styles.NumFmts != nil {
		for _, nf := range f.Styles.NumFmts.NumFmt {
			if nf != nil {
				st.custom[nf.NumFmtID] = true
			}
		}
	}
	return st
}

// format is excelize's formattedValue for the formats read here: General
// (built-in 0) and Text (built-in 49, "@"). Every other format reports ok
// false.
func (st *cellStyles) format(v string, style int, kind formatKind) (string, bool) {
	if style == 0 || !st.hasXfs || style < 0 || style >= len(st.numFmt) {
		return v, true
	}
	id := st.numFmt[style]
	if st.custom[id] {
		return "", false
	}
	switch id {
	case 0:
		return general(v, kind), true
	case 49:
		// "@" has one section, for text: a number takes none and shows as
		// it is; text fills the placeholder, which is all there is.
		return v, true
	}
	return "", false
}

// general is excelize's format(v, "general", …): text, and numbers with
// at most 11 digits, show as they are; a longer number shows with 10
// significant digits (positiveHandler's TokenTypeGeneral case; a negative
// number takes that section too, there being no negative one).
func general(v string, kind formatKind) string {
	if kind != formatNumber {
		return v
	}
	isNum, precision, number := isNumeric(v)
	if isNum && precision > 11 {
		return strconv.FormatFloat(number, 'G', 10, 64)
	}
	return v
}

var bstrExp = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// bstrUnmarshal is copied from excelize: it reads the _xHHHH_ escapes of
// characters XML cannot hold (and _x005F_ for a literal _). A surrogate's
// escape reads as nothing, as strconv.Unquote fails on it.
func bstrUnmarshal(s string) (result string) {
	if !strings.Contains(s, "_x") {
		return s
	}
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	for _, match := range matches {
		result += s[cursor:match[0]]
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			result += "_"
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			v, _ := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`)
			result += v
		}
	}
	if cursor < l {
		result += s[cursor:]
	}
	return result
}
