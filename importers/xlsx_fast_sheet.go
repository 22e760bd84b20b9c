package importers

import (
	"errors"
	"io"
	"strconv"
)

// errHandOver is the fast sheet reader meeting what it does not read
// exactly as excelize does: the rows from there on are excelize's to read.
var errHandOver = errors.New("xlsx: not read here: excelize reads on")

// Bounds of a worksheet, as excelize checks them.
const (
	maxSheetRows    = 1048576 // excelize.TotalRows
	maxSheetColumns = 16384   // excelize.MaxColumns
)

// sheetState is where in the worksheet the scanner is.
type sheetState uint8

const (
	beforeRows sheetState = iota // before the sheetData element's content
	inRows                       // a row's start tag read, its cells not
	afterRows                    // after the end of sheetData
	sheetEnd                     // no more rows
)

// sheetScanner reads a worksheet's rows, as excelize's Rows iterator
// gives them: each row element's cells shown and stored, by column.
type sheetScanner struct {
	x      *xmlScanner
	sst    *sharedStrings
	styles *cellStyles
	state  sheetState

	num   int  // the number of the row whose start tag was read
	empty bool // that start tag was self-closing

	cells   []cellValue
	spans   [][4]int // per cell, where its v and is texts are in text
	text    []byte   // the row's texts
	scratch []byte
	rt      richTextReader
}

func newSheetScanner(r io.Reader, sst *sharedStrings, styles *cellStyles) *sheetScanner {
	return &sheetScanner{x: newXMLScanner(r), sst: sst, styles: styles}
}

// row reads the next row element: its number, and the cells it shows and
// stores, as excelize's Rows.Columns gives them (without and with
// RawCellValue). Rows missing between row elements are blank, and not
// given. It returns io.EOF after the last row, and errHandOver for
// anything not read exactly as excelize reads it.
//
// A row is given only once what follows it up to the next row's start
// tag is read: excelize reads that far for a row, and it can change the
// row (a cell outside any row is the row's last; a next row numbered
// lower merges into it; one beyond the last row fails it).
func (p *sheetScanner) row() (int, []string, []string, error) {
	switch p.state {
	case beforeRows:
		if !p.prolog() {
			return 0, nil, nil, errHandOver
		}
		return p.row()
	case afterRows:
		return 0, nil, nil, p.epilog()
	case sheetEnd:
		return 0, nil, nil, io.EOF
	}
	num := p.num
	if !p.readCells() || !p.advance() {
		return 0, nil, nil, errHandOver
	}
	shown, raw, ok := p.values()
	if !ok {
		return 0, nil, nil, errHandOver
	}
	return num, shown, raw, nil
}

// prolog reads to the first row's start tag. excelize looks for a row
// start tag, or the end of sheetData, whatever comes before.
func (p *sheetScanner) prolog() bool {
	for {
		switch p.x.next() {
		case tokStart:
			switch string(p.x.local) {
			case "row":
				return false
			case "sheetData":
				if p.x.empty {
					p.state = sheetEnd
					return true
				}
				if !p.advance() {
					return false
				}
				if p.state == afterRows {
					// excelize stops at the end of a sheetData with no rows.
					p.state = sheetEnd
				}
				return true
			}
		case tokText, tokCDATA:
			if !p.checkText() {
				return false
			}
		case tokEOF:
			p.state = sheetEnd
			return true
		case tokEnd:
			if string(p.x.local) == "sheetData" {
				return false
			}
		case tokComment, tokPI:
		default:
			return false
		}
	}
}

// epilog reads what follows sheetData: excelize looks on for rows.
func (p *sheetScanner) epilog() error {
	for {
		switch p.x.next() {
		case tokStart:
			if string(p.x.local) == "row" {
				return errHandOver
			}
		case tokEnd:
			if string(p.x.local) == "sheetData" {
				p.state = sheetEnd
				return io.EOF
			}
		case tokText, tokCDATA:
			if !p.checkText() {
				return errHandOver
			}
		case tokComment, tokPI:
		case tokEOF:
			p.state = sheetEnd
			return io.EOF
		default:
			return errHandOver
		}
	}
}

// checkText checks text or CDATA that excelize skips, which its decoder
// still reads (and fails on if it is not XML).
func (p *sheetScanner) checkText() bool {
	mode := textData
	if p.x.kind == tokCDATA {
		mode = textCDATA
	}
	var ok bool
	p.scratch, ok = appendXMLText(p.scratch[:0], p.x.text, mode)
	return ok
}

// advance reads, within sheetData, to the next row's start tag or the end
// of sheetData. Only space may come between rows.
func (p *sheetScanner) advance() bool {
	for {
		switch p.x.next() {
		case tokText:
			if !isSpaceText(p.x.text) {
				return false
			}
		case tokStart:
			if string(p.x.local) != "row" {
				return false
			}
			num, ok := p.rowNumber()
			if !ok {
				return false
			}
			p.num, p.empty, p.state = num, p.x.empty, inRows
			return true
		case tokEnd:
			// Only rows were read within sheetData, so this end is its own.
			p.state = afterRows
			return true
		default:
			return false
		}
	}
}

// rowNumber is the number of the row whose start tag was just read: its r
// attribute, or the last row's number and one. excelize reads r (by local
// name) with strconv.Atoi, fails a row beyond the sheet's last and merges
// a row numbered no higher than the last into it: only a higher number,
// in plain digits, is read here.
func (p *sheetScanner) rowNumber() (int, bool) {
	num, seen := p.num+1, false
	for _, a := range p.x.attrs {
		if string(a.local) != "r" {
			continue
		}
		if seen || !a.plain {
			return 0, false
		}
		seen = true
		n, ok := digits(a.value, 7)
		if !ok || n <= p.num {
			return 0, false
		}
		num = n
	}
	return num, num <= maxSheetRows
}

// readCells reads a row's cells to its end tag.
func (p *sheetScanner) readCells() bool {
	p.cells, p.spans, p.text = p.cells[:0], p.spans[:0], p.text[:0]
	if p.empty {
		return true
	}
	col := 0
	for {
		switch p.x.next() {
		case tokText:
			if !isSpaceText(p.x.text) {
				return false
			}
		case tokEnd:
			return true
		case tokStart:
			if string(p.x.local) != "c" || !p.readCell(&col) {
				return false
			}
		default:
			return false
		}
	}
}

// readCell reads a c element, its start tag just read. col is the last
// cell's column: excelize takes the next one for a cell without r.
func (p *sheetScanner) readCell(col *int) bool {
	c := cellValue{}
	*col++
	// excelize reads r, s and t by local name, the last of each, and stops
	// at an s strconv.ParseInt fails, skipping the cell's content. A second
	// one, or an r or t written with references, is not read here.
	var seenR, seenS, seenT bool
	for _, a := range p.x.attrs {
		var ok bool
		switch string(a.local) {
		case "r":
			ok, seenR = !seenR, true
			if ok && len(a.value) > 0 {
				*col, ok = cellColumn(a)
			}
		case "s":
			ok, seenS = !seenS, true
			if ok {
				c.style, ok = cellStyle(a)
			}
		case "t":
			ok, seenT = !seenT && a.plain, true
			c.typ = cellTypeOf(a.value)
		default:
			ok = true
		}
		if !ok {
			return false
		}
	}
	c.col = *col
	span := [4]int{len(p.text), len(p.text), len(p.text), len(p.text)}
	if !p.x.empty {
		// Twice in a cell, excelize keeps the last v, and decodes an f or
		// an is into what the first left: not read here.
		hasV := false
		for done := false; !done; {
			ok := true
			switch p.x.next() {
			case tokText:
				ok = isSpaceText(p.x.text)
			case tokEnd:
				done = true
			case tokStart:
				switch string(p.x.local) {
				case "v":
					ok, hasV = !hasV, true
					span[0] = len(p.text)
					if ok {
						p.text, ok = readText(p.x, p.text)
					}
					span[1] = len(p.text)
				case "f":
					ok, c.hasF = !c.hasF, true
					if ok {
						ok = checkAttrs(p.x, formulaAttrs)
					}
					if ok {
						p.scratch, ok = readText(p.x, p.scratch[:0])
					}
				case "is":
					ok, c.hasIS = !c.hasIS, true
					span[2] = len(p.text)
					if ok {
						p.text, ok = p.rt.read(p.x, p.text)
					}
					span[3] = len(p.text)
				default:
					ok = false
				}
			default:
				ok = false
			}
			if !ok {
				return false
			}
		}
	}
	p.cells = append(p.cells, c)
	p.spans = append(p.spans, span)
	return true
}

// values gives the row's cells shown and stored, as excelize's
// rowXMLHandler collects them: a cell with nothing to show (or store),
// and no formula, is left out; a cell after a gap is padded to its column.
func (p *sheetScanner) values() (shown, raw []string, ok bool) {
	text := string(p.text)
	for i := range p.cells {
		c := &p.cells[i]
		span := p.spans[i]
		c.v, c.is = text[span[0]:span[1]], text[span[2]:span[3]]
		s, r, ok := c.values(p.sst, p.styles)
		if !ok {
			return nil, nil, false
		}
		if s != "" || c.hasF {
			if shown == nil {
				shown = make([]string, 0, p.cells[len(p.cells)-1].col)
			}
			shown = append(appendSpace(c.col-len(shown), shown), s)
		}
		if r != "" || c.hasF {
			if raw == nil {
				raw = make([]string, 0, p.cells[len(p.cells)-1].col)
			}
			raw = append(appendSpace(c.col-len(raw), raw), r)
		}
	}
	return shown, raw, true
}

// appendSpace is copied from excelize: l-1 empty cells.
func appendSpace(l int, s []string) []string {
	for i := 1; i < l; i++ {
		s = append(s, "")
	}
	return s
}

// cellColumn is the column of a cell's r attribute, as excelize's
// CellNameToCoordinates reads it, for plain references (A1, not $A$1).
func cellColumn(a xmlAttr) (int, bool) {
	if !a.plain {
		return 0, false
	}
	ref := a.value
	i := 0
	for i < len(ref) && i < 4 && ('A' <= ref[i] && ref[i] <= 'Z' || 'a' <= ref[i] && ref[i] <= 'z') {
		i++
	}
	row, ok := digits(ref[i:], 7)
	if i == 0 || i > 3 || !ok || row < 1 || row > maxSheetRows {
		return 0, false
	}
	col := 0
	for _, c := range ref[:i] {
		col = col*26 + int(c|0x20-'a') + 1 // c|0x20 is c in lower case
	}
	return col, col <= maxSheetColumns
}

// cellStyle is a cell's s attribute as excelize reads it:
// strconv.ParseInt, failing the cell on an error.
func cellStyle(a xmlAttr) (int, bool) {
	if a.plain {
		if n, ok := digits(a.value, 18); ok {
			return n, true
		}
	}
	n, err := strconv.ParseInt(attrValue(a), 10, 64)
	return int(n), err == nil
}

// digits reads b as a decimal number of 1 to most digits.
func digits[T string | []byte](b T, most int) (int, bool) {
	if len(b) == 0 || len(b) > most {
		return 0, false
	}
	n := 0
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
