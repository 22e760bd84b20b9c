package scrub

import (
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
)

// Row outcomes in the rejection report: a row is kept when at least one of
// its numbers may be called (the others are blanked in the clean row), and
// dropped otherwise.
const (
	OutcomeKept    = "kept"
	OutcomeDropped = "dropped"
)

// foundNumber is one number found in a row's phone cells.
type foundNumber struct {
	col, part int
	dec       Decision
	mismatch  bool
}

// rowVerdict is what becomes of one input row.
type rowVerdict struct {
	clean         []string   // the clean row, or nil when the row is dropped
	rejected      [][]string // one report line per number removed
	reasons       []Reason   // the reason of each report line
	removed       []Number   // the number of each report line: zero when not a valid number
	mismatches    int        // numbers in another country than the row's region
	extensions    int        // callable numbers written with an extension
	conflicts     int        // whitelisted numbers suppressed anyway
	pendingPassed int        // callable numbers in the review queue (--allow-pending)
	regions       []string   // the region of each callable number
	types         []string   // the type of each callable number
	whitelisted   bool       // a callable number of the row is whitelisted
	unknownRegion bool       // the row's region cell was not a country dncctl knows
}

// rowChecks are what checkRow found in a row.
type rowChecks struct {
	cells         [][]cellPart  // the values in each phone cell
	found         []foundNumber // the numbers among them, decided short of duplicates
	textCol       int           // the first phone column holding text with no digit, or -1
	text          string        // that text
	unknownRegion bool          // the row's region cell is not a country dncctl knows
	region        string        // the row's region, or the run's
	keyword       string        // the policy keyword found in the row, described; "" for none
}

// registryNumbers appends to numbers those of the row's numbers
// afterLists will look up on the registries.
func (c *rowChecks) registryNumbers(numbers []string) []string {
	for _, f := range c.found {
		if f.dec.Number.E164 != "" && needsRegistry(f.dec) {
			numbers = append(numbers, f.dec.Number.E164)
		}
	}
	return numbers
}

// checkRow checks every number in every phone cell of a row, short of
// duplicates (finishRow decides those). Cells holding several numbers are
// split; values with no digit at all ("call later") are not numbers, and
// make the row INVALID_NUMBER only if it has no number. It depends on no
// other row, so Scrub's workers run it for many rows at once, in its two
// halves: checkRowLists for a batch of rows, then afterListsRow for each
// with the registries read for the whole batch.
func (d *Decider) checkRow(in Input, fields []string) rowChecks {
	c := d.checkRowLists(in, fields, &rowArena{})
	d.afterListsRow(&c, d.registries(c.registryNumbers(nil)))
	return c
}

// afterListsRow completes checkRowLists's decisions with the registries
// (reg) and the run's rules.
func (d *Decider) afterListsRow(c *rowChecks, reg RegistryLookup) {
	for i := range c.found {
		f := &c.found[i]
		f.dec = d.afterLists(f.dec, c.region, c.keyword, f.mismatch, reg)
	}
}

// rowArena holds the cells, parts and numbers of a batch's rows: each row's
// slices are parts of the batch's arrays instead of three allocations a row.
// A row's slices stay good (and its own) when later rows grow the arrays.
type rowArena struct {
	cells [][]cellPart
	parts []cellPart
	found []foundNumber
}

func newRowArena(rows, phoneColumns int) *rowArena {
	return &rowArena{
		cells: make([][]cellPart, 0, rows*phoneColumns),
		parts: make([]cellPart, 0, rows*phoneColumns),
		found: make([]foundNumber, 0, rows*phoneColumns),
	}
}

// checkRowLists is the half of checkRow that needs no registry. The row's
// slices come from a.
func (d *Decider) checkRowLists(in Input, fields []string, a *rowArena) rowChecks {
	c := rowChecks{textCol: -1}
	region := d.norm.Region()
	if in.RegionColumn != nil {
		if cell := fields[*in.RegionColumn]; strings.TrimFunc(cell, isSpace) != "" {
			if code, ok := ParseRegion(cell); ok {
				region = code
			} else {
				c.unknownRegion = true
			}
		}
	}
	c.region = region
	if kw, field := d.Policies.keywordIn(fields); kw != "" {
		c.keyword = fmt.Sprintf("keyword %q in %q", kw, field)
	}
	cellsAt, foundAt := len(a.cells), len(a.found)
	for _, col := range in.PhoneColumns {
		partsAt := len(a.parts)
		a.parts = appendCellParts(a.parts, fields[col])
		a.cells = append(a.cells, a.parts[partsAt:len(a.parts):len(a.parts)])
	}
	c.cells = a.cells[cellsAt:len(a.cells):len(a.cells)]
	for i, col := range in.PhoneColumns {
		for j, p := range c.cells[i] {
			if countDigits(p.raw) == 0 {
				if c.textCol < 0 {
					c.textCol, c.text = col, p.raw
				}
				continue
			}
			dec, mismatch := d.checkLists(p.raw, region)
			if c.unknownRegion && dec.Reason == ReasonInvalidNumber {
				dec.Detail += " (the row's region " + strconv.Quote(fields[*in.RegionColumn]) + " is not a country dncctl knows)"
			}
			a.found = append(a.found, foundNumber{col: i, part: j, dec: dec, mismatch: mismatch})
		}
	}
	if len(a.found) > foundAt {
		c.found = a.found[foundAt:len(a.found):len(a.found)]
	}
	return c
}

// removedAt reports whether the number in part j of phone column i was
// not clean.
func (c rowChecks) removedAt(i, j int) bool {
	for _, f := range c.found {
		if f.col == i && f.part == j && !f.dec.Clean() {
			return true
		}
	}
	return false
}

// finishRow is the half of decideRow that must see the rows in order: a
// callable number claims itself, and the same number in a later row (or
// later in this one) is a DUPLICATE. guess, when not nil, is the row's
// verdict made before (by a worker, with rowVerdict) on the guess that none
// of its numbers is a duplicate: it is the verdict unless one is.
func (d *Decider) finishRow(in Input, header []string, keep []int, fields []string, row int, c rowChecks, guess *rowVerdict) rowVerdict {
	if !d.claimDuplicates(in, row, &c) && guess != nil {
		return *guess
	}
	return d.rowVerdict(in, header, keep, fields, row, c)
}

// claimDuplicates decides which of the row's callable numbers are
// duplicates, each claiming itself in turn, and reports whether one was.
func (d *Decider) claimDuplicates(in Input, row int, c *rowChecks) (dup bool) {
	where := in.where()
	for i := range c.found {
		dec := d.decided(c.found[i].dec, where, row)
		dup = dup || dec.Reason != c.found[i].dec.Reason
		c.found[i].dec = dec
	}
	return dup
}

// rowVerdict is what the row's checks make of it: its clean line, its
// lines in the rejection report and its counts. It depends on nothing but
// its arguments and the Decider's settings (not on the duplicate set), so
// that workers can make it ahead of finishRow.
func (d *Decider) rowVerdict(in Input, header []string, keep []int, fields []string, row int, c rowChecks) rowVerdict {
	v := rowVerdict{unknownRegion: c.unknownRegion}
	report := func(col int, raw string, dec Decision, outcome string) {
		line := reportLine(in, row, len(keep))
		line = append(line, ColumnName(header, col), raw, dec.Number.E164, string(dec.Reason), dec.Detail, outcome)
		for _, k := range keep {
			line = append(line, fields[k])
		}
		v.rejected = append(v.rejected, line)
		v.reasons = append(v.reasons, dec.Reason)
		v.removed = append(v.removed, dec.Number)
	}
	if len(c.found) == 0 {
		col, dec := in.PhoneColumns[0], Decision{Reason: ReasonNoPhone, Detail: "phone cell is empty"}
		if c.textCol >= 0 {
			col, dec = c.textCol, Decision{Reason: ReasonInvalidNumber, Detail: "not a phone number"}
		}
		report(col, c.text, dec, OutcomeDropped)
		return v
	}
	var first *Decision
	priority := ""
	for i := range c.found {
		if dec := &c.found[i].dec; dec.Clean() {
			if first == nil {
				first = dec
			}
			if priority == "" {
				priority = dec.Priority
			}
		}
	}
	outcome := OutcomeDropped
	if first != nil {
		outcome = OutcomeKept
	}
	removed := false
	for _, f := range c.found {
		if f.dec.Conflict() {
			v.conflicts++
		}
		if !f.dec.Clean() {
			col := in.PhoneColumns[f.col]
			report(col, c.cells[f.col][f.part].raw, f.dec, outcome)
			removed = true
		}
	}
	if first == nil {
		return v
	}
	callable := 0
	for _, f := range c.found {
		if f.dec.Clean() {
			callable++
		}
	}
	// The clean line, and the region and type of each callable number, in
	// one allocation: a million rows made three million of them.
	n := callable
	buf := make([]string, 2*n, 2*n+len(keep)+len(cleanColumns))
	v.regions, v.types, v.clean = buf[:n:n], buf[n:2*n:2*n], buf[2*n:]
	callable = 0
	for _, f := range c.found {
		if f.dec.Clean() && f.mismatch {
			v.mismatches++
		}
		if f.dec.Clean() && f.dec.Number.Extension != "" {
			v.extensions++
		}
		if f.dec.Clean() && f.dec.PendingAllowed {
			v.pendingPassed++
		}
		if f.dec.Clean() {
			v.regions[callable], v.types[callable] = f.dec.Number.Region, f.dec.Number.Type
			callable++
			v.whitelisted = v.whitelisted || f.dec.Whitelisted
		}
	}
	// The phone cells without the numbers removed from them, by column;
	// most rows have none.
	var phone map[int]string
	if removed {
		phone = make(map[int]string, len(in.PhoneColumns))
		for i, col := range in.PhoneColumns {
			var left []cellPart
			for j, p := range c.cells[i] {
				if !c.removedAt(i, j) {
					left = append(left, p)
				}
			}
			if len(left) < len(c.cells[i]) {
				phone[col] = joinParts(left)
			}
		}
	}
	for _, k := range keep {
		if cell, changed := phone[k]; changed {
			v.clean = append(v.clean, cell)
		} else {
			v.clean = append(v.clean, fields[k])
		}
	}
	window := ""
	if w, limited := d.Policies.window(first.Number, d.at()); limited {
		window = w.String()
	}
	v.clean = append(v.clean, first.Number.E164, first.Number.Type, first.Number.Region, priority,
		strings.Join(first.Number.Timezones, " "), window)
	return v
}

// malformedRow reports a row with more fields than the header. Its columns
// may be shifted, so none of its numbers is trusted: the row is dropped, and
// its fields beyond the header are kept in the detail so nothing is lost.
func malformedRow(in Input, header []string, keep []int, fields []string, row int) rowVerdict {
	var extra strings.Builder
	w := csv.NewWriter(&extra)
	w.Write(fields[len(header):])
	w.Flush()
	col := in.PhoneColumns[0]
	dec := Decision{
		Reason: ReasonMalformedRow,
		Detail: fmt.Sprintf("%d fields but the header has %d: columns may be shifted (a delimiter in an unquoted field?); fields beyond the header: %s",
			len(fields), len(header), strings.TrimRight(extra.String(), "\n")),
	}
	line := reportLine(in, row, len(keep))
	line = append(line, ColumnName(header, col), fields[col], "", string(dec.Reason), dec.Detail, OutcomeDropped)
	for _, k := range keep {
		line = append(line, fields[k])
	}
	return rowVerdict{rejected: [][]string{line}, reasons: []Reason{dec.Reason}, removed: []Number{{}}}
}

// reportLine starts a rejection report line: where the row came from.
func reportLine(in Input, row, inputColumns int) []string {
	line := make([]string, 0, len(rejectedColumns)+1+inputColumns)
	line = append(line, in.Name)
	if in.Sheet != "" {
		line = append(line, in.Sheet)
	}
	return append(line, strconv.Itoa(row))
}

// where names the input in a duplicate's detail.
func (in Input) where() string {
	if in.Sheet == "" {
		return in.Name
	}
	return in.Name + " sheet " + in.Sheet
}

// ColumnName names a column in reports: its header, with its number when
// the header is empty or names another column too.
func ColumnName(header []string, col int) string {
	name := strings.TrimSpace(header[col])
	if name == "" {
		return "column " + strconv.Itoa(col+1)
	}
	for i, h := range header {
		if i != col && strings.TrimSpace(h) == name {
			return fmt.Sprintf("%s (column %d)", header[col], col+1)
		}
	}
	return header[col]
}
