package main

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// row is one lead as written to a leads file, with what the generator meant
// its phone cell to be.
type row struct {
	id string
	person
	phone string // the phone cell as scrub reads it (a numeric cell's digits)
	num   int64  // leads.xlsx only: the phone cell is this number, not text
	e164  string // the number meant; "" for an empty or junk cell
	junk  bool   // holds no valid number
}

// sample is everything the generator writes.
type sample struct {
	optOut    []phone // opted out of all channels
	sms       []phone // opted out of SMS only: callable in a voice campaign
	blacklist []phone
	whitelist []phone
	csv, xlsx []row
	rng       *rand.Rand // the seeded source, carried on to write the list files
}

// plan says what goes into one leads file.
type plan struct {
	prefix      string  // lead ids are prefix + a running number
	clean       []phone // each written once, clean unless a duplicate repeats it
	optedOut    []phone // the first repeatOpt of them are written twice
	repeatOpt   int
	blacklisted []phone // the first repeatBlack of them are written twice
	repeatBlack int
	dups        int // rows repeating an earlier clean row of the file, in another notation
	junk, empty int
	numeric     int // leads.xlsx: how many Spanish phone cells are numbers
}

// slot is a row before it is written: the number it is about, or none.
type slot struct {
	p     *phone
	clean bool   // a first, clean occurrence that duplicates may repeat
	prev  string // a duplicate: the text of the row it repeats, not to be written again
	junk  bool
}

// build makes the whole sample from the fixed seed.
func build() *sample {
	rng := rand.New(rand.NewPCG(1, 2))
	g := &phoneGen{rng: rng, used: map[string]bool{}}
	s := &sample{rng: rng}
	s.optOut = g.many(44)
	// optOut[0] is also blacklisted (the blacklist wins); optOut[1] is also
	// whitelisted (the opt-out wins).
	s.blacklist = append(g.many(9), s.optOut[0])
	s.sms = g.many(6)
	s.whitelist = append(g.many(5), s.optOut[1])

	csvNew := g.many(215)
	s.csv = lay(rng, plan{
		prefix:   "L-",
		clean:    concat(csvNew, s.sms[:4], s.whitelist[:3]),
		optedOut: s.optOut[1:25], repeatOpt: 6,
		// The doubly listed number first, so it is one of those written twice.
		blacklisted: concat(s.blacklist[9:], s.blacklist[2:9]), repeatBlack: 4,
		dups: 15, junk: 15, empty: 6,
	})
	// crossFile leads of the fair came in through the CSV too: clean in a run of
	// leads.xlsx alone, duplicates when both files are scrubbed together.
	again := slices.Clone(csvNew)
	rng.Shuffle(len(again), func(i, j int) { again[i], again[j] = again[j], again[i] })
	s.xlsx = lay(rng, plan{
		prefix:   "F-",
		clean:    concat(g.many(136), s.sms[4:], s.whitelist[3:5], again[:crossFile]),
		optedOut: concat(s.optOut[1:2], s.optOut[16:31]), repeatOpt: 4,
		blacklisted: concat(s.blacklist[9:], s.blacklist[:5]), repeatBlack: 2,
		dups: 10, junk: 10, empty: 4,
		numeric: 66,
	})
	return s
}

// crossFile is how many of leads.csv's clean numbers leads.xlsx repeats.
const crossFile = 8

func concat(parts ...[]phone) []phone { return slices.Concat(parts...) }

// lay puts the rows of one file in a random order, duplicates after what
// they repeat, and writes each one's cells.
func lay(rng *rand.Rand, pl plan) []row {
	var slots []slot
	for i := range pl.clean {
		slots = append(slots, slot{p: &pl.clean[i], clean: true})
	}
	add := func(ps []phone, twice int) {
		for i := range ps {
			slots = append(slots, slot{p: &ps[i]})
			if i < twice {
				slots = append(slots, slot{p: &ps[i]})
			}
		}
	}
	add(pl.optedOut, pl.repeatOpt)
	add(pl.blacklisted, pl.repeatBlack)
	for range pl.junk {
		slots = append(slots, slot{junk: true})
	}
	for range pl.empty {
		slots = append(slots, slot{})
	}
	rng.Shuffle(len(slots), func(i, j int) { slots[i], slots[j] = slots[j], slots[i] })

	rows := make([]row, len(slots))
	for i, sl := range slots {
		rows[i] = writeRow(rng, sl)
	}
	junk := slices.Clone(junkValues)
	rng.Shuffle(len(junk), func(i, j int) { junk[i], junk[j] = junk[j], junk[i] })
	emptyCells := 0
	for i := range rows {
		switch {
		case rows[i].junk:
			rows[i].phone, junk = junk[0], junk[1:]
		case slots[i].p == nil:
			// One blank-looking cell holds spaces: still no phone.
			if emptyCells++; emptyCells == 1 {
				rows[i].phone = "   "
			}
		}
	}

	for range pl.dups {
		var firsts []int
		for i := range rows {
			if slots[i].clean {
				firsts = append(firsts, i)
			}
		}
		i := firsts[rng.IntN(len(firsts))]
		dup := writeRow(rng, slot{p: slots[i].p, prev: rows[i].phone})
		at := i + 1 + rng.IntN(len(rows)-i)
		rows = slices.Insert(rows, at, dup)
		slots = slices.Insert(slots, at, slot{p: slots[i].p})
	}
	makeNumeric(rng, rows, pl.numeric)
	for i := range rows {
		rows[i].id = pl.prefix + leftPad(strconv.Itoa(i+1), 4)
	}
	return rows
}

// writeRow makes up the lead of one slot. A duplicate is written in another
// notation than the row it repeats, as happens when two campaigns collect one person.
func writeRow(rng *rand.Rand, sl slot) row {
	if sl.p == nil {
		p := randomPhone(rng, randomKind(rng)) // only to give the lead a plausible name and city
		return row{person: newPerson(rng, p), junk: sl.junk}
	}
	text := sl.p.write(rng)
	for sl.prev != "" && text == sl.prev {
		text = sl.p.write(rng)
	}
	return row{person: newPerson(rng, *sl.p), phone: text, e164: sl.p.e164()}
}

// makeNumeric turns n Spanish phone cells into numbers, as Excel does to
// anything typed as digits: 612345678, or 34612345678 with the country code
// but no "+". Both still read as Spanish under --region ES; a Chinese or US
// number stored as a number would not, so none is.
func makeNumeric(rng *rand.Rand, rows []row, n int) {
	var spanish []int
	for i, r := range rows {
		if strings.HasPrefix(r.e164, "+34") {
			spanish = append(spanish, i)
		}
	}
	rng.Shuffle(len(spanish), func(i, j int) { spanish[i], spanish[j] = spanish[j], spanish[i] })
	for _, i := range spanish[:n] {
		digits := strings.TrimPrefix(rows[i].e164, "+34")
		if rng.IntN(4) == 0 {
			digits = "34" + digits
		}
		rows[i].num, _ = strconv.ParseInt(digits, 10, 64)
		rows[i].phone = digits
	}
}

func leftPad(s string, n int) string { return strings.Repeat("0", max(0, n-len(s))) + s }
