package scrub

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// genLeads is a lead file made up for the tests and benchmarks that need
// many rows: two phone columns and a country column, with what real files
// hold (numbers written every way, repeats across rows and columns, several
// numbers in a cell, extensions, Excel's scientific notation, junk, empty
// cells, unknown countries, keywords, short and overlong rows) and list and
// registry entries for some of its numbers. It is the same for the same n.
type genLeads struct {
	header   []string
	rows     [][]string
	entries  []Entry
	pending  []Pending
	registry genRegistry
}

// The columns of a genLeads file.
var genPhoneColumns, genRegionColumn = []int{2, 3}, 4

func generateLeads(n int) genLeads {
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	g := genLeads{
		header:   []string{"id", "name", "phone", "mobile", "country", "notes"},
		registry: genRegistry{},
	}
	var recent []string
	// number is a new valid number, sometimes put on a list or a registry.
	number := func() string {
		e164, written := genNumber(rng)
		switch p := rng.IntN(100); {
		case p < 6:
			g.entries = append(g.entries, Entry{List: ListOptOut, E164: e164, Channel: ChannelAll, Reason: "asked", AddedAt: day1})
		case p < 8:
			g.entries = append(g.entries, Entry{List: ListOptOut, E164: e164, Channel: ChannelSMS, Reason: "STOP", AddedAt: day1})
		case p < 10:
			g.entries = append(g.entries, Entry{List: ListBlacklist, E164: e164, Reason: "fraud", AddedAt: day1})
		case p < 12:
			g.entries = append(g.entries, Entry{List: ListWhitelist, E164: e164, Tag: "vip", AddedAt: day1})
		case p < 13:
			// Whitelisted and opted out: a conflict.
			g.entries = append(g.entries,
				Entry{List: ListWhitelist, E164: e164, AddedAt: day1},
				Entry{List: ListOptOut, E164: e164, Channel: ChannelVoice, AddedAt: day1})
		case p < 14:
			g.pending = append(g.pending, Pending{ID: int64(len(g.pending) + 1), E164: e164, Channel: ChannelAll, Reason: "replied STOP", FlaggedAt: day1})
		case p < 16:
			g.registry[e164] = "es-robinson"
		case p < 17:
			g.registry[e164] = "" // the lookup fails
		}
		if len(recent) < 500 {
			recent = append(recent, written)
		} else {
			recent[rng.IntN(len(recent))] = written
		}
		return written
	}
	repeat := func() string {
		if len(recent) == 0 {
			return number()
		}
		return recent[rng.IntN(len(recent))]
	}
	junk := []string{"n/a", "call later", "12345", "+34 6123", "0000000", "llamar tarde", "8.61381E+12", "612 345 678 ext. 1234567"}
	countries := []string{"ES", "Spain", "España", "CN", "China", "USA", "us", "Narnia", "西班牙"}
	for i := 1; i <= n; i++ {
		var phone string
		switch p := rng.IntN(100); {
		case p < 3:
			phone = ""
		case p < 4:
			phone = "   "
		case p < 8:
			phone = junk[rng.IntN(len(junk))]
		case p < 16:
			phone = repeat()
		case p < 19:
			phone = number() + []string{" / ", "; ", ", ", "\n"}[rng.IntN(4)] + repeat()
		case p < 21:
			phone = number() + " ext. " + fmt.Sprint(10+rng.IntN(90))
		default:
			phone = number()
		}
		var mobile string
		switch p := rng.IntN(100); {
		case p < 55:
		case p < 65:
			mobile = repeat()
		case p < 68:
			mobile = junk[rng.IntN(len(junk))]
		default:
			mobile = number()
		}
		country := ""
		if rng.IntN(10) < 4 {
			country = countries[rng.IntN(len(countries))]
		}
		notes := ""
		switch rng.IntN(50) {
		case 0:
			notes = "Fallecido en 2024"
		case 1:
			notes = "do not call"
		case 2:
			notes = "prefers mornings"
		}
		row := []string{fmt.Sprint(i), fmt.Sprintf("Lead %d", i), phone, mobile, country, notes}
		switch rng.IntN(200) {
		case 0:
			row = append(row, "shifted", "by a comma") // MALFORMED_ROW
		case 1:
			row = append(row, "", "") // empty extra fields: not malformed
		case 2, 3:
			row = row[:3+rng.IntN(3)] // a short row, padded
		}
		g.rows = append(g.rows, row)
	}
	return g
}

// genNumber is a valid Spanish, Chinese or US number, in E.164 and as
// people write it.
func genNumber(rng *rand.Rand) (e164, written string) {
	switch rng.IntN(10) {
	case 0, 1, 2, 3, 4, 5:
		n := fmt.Sprint(600000000 + rng.IntN(40000000))
		e164 = "+34" + n
		written = []string{n, n[:3] + " " + n[3:6] + " " + n[6:], "+34 " + n[:3] + "-" + n[3:6] + "-" + n[6:], "0034" + n, "+34 (0) " + n}[rng.IntN(5)]
	case 6, 7, 8:
		n := fmt.Sprint([]int{138, 139, 150, 186}[rng.IntN(4)]*100000000 + rng.IntN(100000000))
		e164 = "+86" + n
		written = []string{"+86 " + n[:3] + " " + n[3:7] + " " + n[7:], "0086" + n, "+86-" + n, n}[rng.IntN(4)]
	default:
		area := []int{212, 415, 646, 718}[rng.IntN(4)]
		exch := 200 + rng.IntN(700)
		if exch == 555 {
			exch = 556
		}
		line := rng.IntN(10000)
		e164 = fmt.Sprintf("+1%d%d%04d", area, exch, line)
		written = fmt.Sprintf("+1 (%d) %d-%04d", area, exch, line)
	}
	return e164, written
}

// genRegistry is a registry in memory: a number with an empty name is one
// whose lookup fails. It is read-only once made, so safe for concurrent use.
type genRegistry map[string]string

func (r genRegistry) Find(e164 string) (string, string, error) {
	name, ok := r[e164]
	switch {
	case !ok:
		return "", "", nil
	case name == "":
		return "", "", errors.New("disk I/O error")
	}
	return name, "2026-01-05T00:00:00Z", nil
}

// index is an index of the file's list entries.
func (g genLeads) index() *Index {
	idx := NewIndex(ChannelVoice)
	for _, e := range g.entries {
		if err := idx.Add(e); err != nil {
			panic(err)
		}
	}
	for _, p := range g.pending {
		idx.AddPending(p)
	}
	return idx
}

// genPolicies are rules that every kind of row of a genLeads file meets
// somewhere: keywords, a blocked prefix, types and regions not allowed,
// calling hours (Madrid's afternoon is Beijing's night).
func genPolicies() *Policies {
	return &Policies{
		Default:  RegionPolicy{CallingHours: &Hours{From: 9 * 60, To: 21 * 60}},
		Regions:  map[string]RegionPolicy{"CN": {BlockPrefixes: []string{"+86150"}}, "US": {AllowTypes: []string{"mobile"}}},
		Keywords: []string{"fallecido", "DO NOT CALL"},
	}
}

// genAt is a run's time: afternoon in Spain, night in China.
var genAt = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// source is the file's rows as a Source. Each row is copied, because Scrub
// may rewrite a phone cell in place.
func (g genLeads) source() *sliceSource {
	rows := make([][]string, len(g.rows))
	for i, r := range g.rows {
		rows[i] = append([]string(nil), r...)
	}
	return newSource(g.header, rows...)
}
