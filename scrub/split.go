package scrub

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// numberSeparators split a cell that holds several numbers:
// "138 0013 8000/139 0013 9000", "a; b", one per line, Chinese "、" and "，".
const numberSeparators = "/;,|\n\r、，；／"

// minDigitsPerNumber is how many digits each part of a split cell must have
// for the split to stand: "030/1234567" (Berlin, area code and number) is one
// number, not two.
const minDigitsPerNumber = 6

// cellPart is one value found in a phone cell.
type cellPart struct {
	raw string
	sep string // the separator that followed it in the cell ("" for the last)
}

// splitCell returns the values in a phone cell: several when it clearly holds
// several numbers, else the whole (trimmed) cell; none when it is empty.
func splitCell(cell string) []cellPart { return appendCellParts(nil, cell) }

// appendCellParts appends the parts splitCell finds in cell to parts.
func appendCellParts(parts []cellPart, cell string) []cellPart {
	cell = strings.TrimFunc(cell, isSpace)
	if cell == "" {
		return parts
	}
	if strings.IndexFunc(cell, isNumberSeparator) < 0 {
		return append(parts, cellPart{raw: cell}) // most cells: one number, nothing to split
	}
	return append(parts, splitAt(cell)...)
}

// splitAt splits a cell holding a separator, unless its parts are not all
// numbers.
func splitAt(cell string) []cellPart {
	var parts []cellPart
	start := 0
	for i, r := range cell {
		if isNumberSeparator(r) {
			parts = append(parts, cellPart{raw: cell[start:i], sep: string(r)})
			start = i + len(string(r))
		}
	}
	parts = append(parts, cellPart{raw: cell[start:]})
	kept := parts[:0]
	for _, p := range parts {
		if p.raw = strings.TrimFunc(p.raw, isSpace); p.raw != "" {
			kept = append(kept, p)
		}
	}
	if len(kept) < 2 {
		return []cellPart{{raw: cell}}
	}
	for _, p := range kept {
		if countDigits(p.raw) < minDigitsPerNumber {
			return []cellPart{{raw: cell}}
		}
	}
	return kept
}

// isNumberSeparator reports whether r is one of numberSeparators.
func isNumberSeparator(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSeparators[r]
	}
	return strings.ContainsRune(numberSeparators, r)
}

// asciiSeparators are numberSeparators' ASCII runes, looked up by rune:
// splitting was a twentieth of a scrub's time, most of it this test.
var asciiSeparators = func() (t [utf8.RuneSelf]bool) {
	for _, r := range numberSeparators {
		if r < utf8.RuneSelf {
			t[r] = true
		}
	}
	return t
}()

// joinParts rebuilds a cell from the parts kept in it.
func joinParts(parts []cellPart) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			sep := parts[i-1].sep
			if sep == "" || sep == "\n" || sep == "\r" {
				sep = "\n"
			} else {
				sep += " "
			}
			b.WriteString(sep)
		}
		b.WriteString(p.raw)
	}
	return b.String()
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// scientific matches a number Excel displayed (and a CSV then saved) in
// scientific notation: 8.61381E+12. Its last digits are gone.
var scientific = regexp.MustCompile(`^[+]?[0-9][.,][0-9]+\s*[eE][+]?[0-9]+$`)

// NumbersIn returns the values in a phone cell that may be numbers: the
// parts of a cell holding several, or the whole cell; never an empty one.
func NumbersIn(cell string) []string {
	parts := splitCell(cell)
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p.raw
	}
	return out
}
