// Package leadgen makes the benchmark's data, deterministically: a mixed-region
// lead file (ES, CN, US, GB, FR, DE, MX, IN, in the notations lead files
// use), the opt-out list that suppresses a tenth of its rows, and a US
// registry. The same arguments give the same bytes on every machine, and a
// longer lead file starts with the rows of a shorter one, so no data file
// needs to be in git (bench/genleads and bench/run write them to bench/data).
//
// Of the lead rows, InvalidPercent hold no valid number, DuplicatePercent
// repeat a clean number of an earlier row in another notation,
// OptedOutPercent hold a number on the opt-out list, and the rest a clean
// number seen nowhere else. Each row's country column is its number's
// region, so numbers written without a country code are read right with
// --region-col country.
package leadgen

import (
	"fmt"
	"math/rand/v2"
)

// The mix of lead rows, in percent (each row draws its kind independently,
// so a file's shares are these give or take sampling noise).
const (
	InvalidPercent   = 5
	DuplicatePercent = 3
	OptedOutPercent  = 10
)

// Kind is what a lead row's phone cell holds.
type Kind int

const (
	Clean     Kind = iota // a valid number on no list, not seen before
	OptedOut              // a valid number on the opt-out list
	Duplicate             // a clean number of an earlier row, written another way
	Invalid               // junk, or digits too few or too many
)

func (k Kind) String() string {
	return [...]string{"clean", "opted_out", "duplicate", "invalid"}[k]
}

// Row is one lead.
type Row struct {
	ID     int
	Phone  string // as a person wrote it
	Region string // the country column: the number's ISO region
	City   string
	Source string
	E164   string // the number it stands for; "" when Invalid
	Kind   Kind
}

// Regions are the ISO codes of the lead file's regions.
func Regions() []string {
	out := make([]string, len(plans))
	for i, p := range plans {
		out[i] = p.region
	}
	return out
}

var cities = map[string][]string{
	"ES": {"Madrid", "Sevilla", "Valencia"},
	"CN": {"Beijing", "上海", "Shenzhen"},
	"US": {"New York", "San Francisco", "Chicago"},
	"GB": {"London", "Manchester"},
	"FR": {"Paris", "Lyon"},
	"DE": {"Berlin", "München"},
	"MX": {"Ciudad de México", "Monterrey"},
	"IN": {"Mumbai", "Bengaluru"},
}

// recentCap is how many recent clean numbers a repeat is drawn from.
const recentCap = 1000

// Generator makes lead rows, one after another.
type Generator struct {
	rng    *rand.Rand
	next   []uint64 // the next lead number of each plan
	recent []seen   // recent clean numbers, for repeats
	id     int
}

type seen struct {
	plan     int
	k        uint64
	notation int
}

// New returns a generator at the first row. Every generator makes the same rows.
func New() *Generator {
	return &Generator{rng: rand.New(rand.NewPCG(7, 2026)), next: make([]uint64, len(plans))}
}

// Next returns the next row.
func (g *Generator) Next() Row {
	g.id++
	pi := g.rng.IntN(len(plans))
	p := plans[pi]
	row := Row{ID: g.id, Region: p.region, Source: fmt.Sprintf("vendor-%d", g.id%7)}
	row.City = cities[p.region][g.id%len(cities[p.region])]
	switch c := g.rng.IntN(100); {
	case c < InvalidPercent:
		row.Kind, row.Phone = Invalid, invalid(g.rng, p, g.take(pi))
	case c < InvalidPercent+DuplicatePercent && len(g.recent) > 0:
		s := g.recent[g.rng.IntN(len(g.recent))]
		rp := plans[s.plan]
		notation := (s.notation + 1 + g.rng.IntN(rp.notations-1)) % rp.notations
		nsn := rp.nsn(s.k)
		row.Kind, row.Region = Duplicate, rp.region
		row.Phone, row.E164 = rp.written(nsn, notation), "+"+rp.cc+nsn
		row.City = cities[rp.region][0]
	default:
		k, notation := g.take(pi), g.rng.IntN(p.notations)
		nsn := p.nsn(k)
		row.Phone, row.E164 = p.written(nsn, notation), "+"+p.cc+nsn
		if c < InvalidPercent+DuplicatePercent+OptedOutPercent {
			row.Kind = OptedOut
			break
		}
		row.Kind = Clean
		if s := (seen{pi, k, notation}); len(g.recent) < recentCap {
			g.recent = append(g.recent, s)
		} else {
			g.recent[g.rng.IntN(recentCap)] = s
		}
	}
	return row
}

// take returns plan pi's next lead number. Leads use the first half of
// each plan's block; opt-outs of no lead and registries use the rest.
func (g *Generator) take(pi int) uint64 {
	k := g.next[pi]
	if k >= plans[pi].size()/2 {
		panic(fmt.Sprintf("leadgen: more than %d %s leads", plans[pi].size()/2, plans[pi].region))
	}
	g.next[pi]++
	return k
}

// OtherOptOut is the j-th opt-out that matches no lead of any file: the
// lists hold many more people than one lead file.
func OtherOptOut(j int) string {
	p := plans[j%len(plans)]
	return "+" + p.cc + p.nsn(p.size()/2+uint64(j/len(plans)))
}

// RegistryNumber is the j-th number of the US registry, in the National
// DNC Registry's "areacode,number" form, and in E.164. It matches no lead
// and no opt-out, so a scrub with the registry decides every row as one
// without it, and the difference in time is the lookups alone.
func RegistryNumber(j int) (line, e164 string) {
	p := usPlan()
	nsn := p.nsn(p.size()*3/4 + uint64(j))
	return nsn[:3] + "," + nsn[3:], "+" + p.cc + nsn
}

// MaxRegistry is how many numbers RegistryNumber can give.
func MaxRegistry() int { return int(usPlan().size() / 4) }

func usPlan() *numberPlan {
	for _, p := range plans {
		if p.region == "US" {
			return p
		}
	}
	panic("leadgen: no US plan")
}
