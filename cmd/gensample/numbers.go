package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// kind is the sort of phone number a lead has.
type kind int

const (
	esMobile kind = iota
	esFixed
	cnMobile
	cnFixed
	usPhone
)

// phone is one number as the generator means it.
type phone struct {
	kind kind
	cc   string // country calling code: "34", "86", "1"
	nsn  string // national significant number: "612345678"
}

// e164 is the form every list is keyed by, and the one scrub must arrive at.
func (p phone) e164() string { return "+" + p.cc + p.nsn }

// The ranges below are chosen so that every number in them is valid for
// libphonenumber: the generator never needs to ask it (gensample_test does).
var (
	// cnMobilePrefixes are China Mobile, Unicom and Telecom blocks.
	cnMobilePrefixes = []string{"130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "186", "187", "188", "189"}
	// usAreas pairs real area codes with the city a lead would give.
	usAreas = []struct{ code, city string }{
		{"212", "Nueva York"}, {"646", "Nueva York"}, {"718", "Nueva York"}, {"917", "Nueva York"},
		{"415", "San Francisco"}, {"305", "Miami"}, {"312", "Chicago"}, {"617", "Boston"}, {"213", "Los Ángeles"},
	}
)

// phoneGen hands out random numbers, never the same one twice.
type phoneGen struct {
	rng  *rand.Rand
	used map[string]bool // only looked up, never ranged over: output order stays fixed
}

func (g *phoneGen) next(k kind) phone {
	for {
		p := randomPhone(g.rng, k)
		if !g.used[p.e164()] {
			g.used[p.e164()] = true
			return p
		}
	}
}

// many returns n new numbers of the mix a Spanish call center sees: mostly
// Spanish, some Chinese, a few American.
func (g *phoneGen) many(n int) []phone {
	out := make([]phone, n)
	for i := range out {
		out[i] = g.next(randomKind(g.rng))
	}
	return out
}

func randomKind(rng *rand.Rand) kind {
	switch r := rng.IntN(100); {
	case r < 62:
		return esMobile
	case r < 72:
		return esFixed
	case r < 85:
		return cnMobile
	case r < 89:
		return cnFixed
	}
	return usPhone
}

func randomPhone(rng *rand.Rand, k kind) phone {
	switch k {
	case esMobile:
		// 6xx xxx xxx, and 71x–74x: all of both ranges are mobile numbers.
		lead := "6"
		if rng.IntN(5) == 0 {
			lead = "7" + strconv.Itoa(1+rng.IntN(4))
		}
		return phone{k, "34", lead + digits(rng, 9-len(lead))}
	case esFixed:
		// Madrid (91) and Barcelona (93): two-digit area codes, seven digits after.
		return phone{k, "34", pick(rng, []string{"91", "93"}) + digits(rng, 7)}
	case cnMobile:
		return phone{k, "86", pick(rng, cnMobilePrefixes) + digits(rng, 8)}
	case cnFixed:
		// Beijing: area code 10, then eight digits that do not start with 0, 1 or 9.
		return phone{k, "86", "10" + strconv.Itoa(2+rng.IntN(7)) + digits(rng, 7)}
	}
	// US: the exchange starts 2–9 and is neither N11 (service codes) nor 555.
	for {
		ex := strconv.Itoa(2+rng.IntN(8)) + digits(rng, 2)
		if ex[1:] != "11" && ex != "555" {
			return phone{k, "1", usAreas[rng.IntN(len(usAreas))].code + ex + digits(rng, 4)}
		}
	}
}

func digits(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// split cuts s into groups of the given sizes.
func split(s string, sizes ...int) []string {
	out := make([]string, 0, len(sizes))
	for _, n := range sizes {
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

// national is p as written in its own country, digits grouped the usual way.
func (p phone) national(sep string) string {
	switch p.kind {
	case esMobile:
		return strings.Join(split(p.nsn, 3, 3, 3), sep)
	case esFixed:
		return strings.Join(split(p.nsn, 2, 3, 2, 2), sep)
	case cnMobile:
		return strings.Join(split(p.nsn, 3, 4, 4), sep)
	case cnFixed:
		return strings.Join(split(p.nsn, 2, 4, 4), sep)
	}
	return strings.Join(split(p.nsn, 3, 3, 4), sep)
}

// notations are the ways people write a number, per kind. Spanish numbers may
// go without country code (the demo scrubs with --region ES); every other
// number carries one, since without it it would be read as Spanish.
var notations = map[kind][]func(p phone) string{
	esMobile: {
		func(p phone) string { return p.national(" ") },
		func(p phone) string { return p.national("-") },
		func(p phone) string { return p.nsn },
		func(p phone) string { return strings.Join(split(p.nsn, 3, 2, 2, 2), " ") },
		func(p phone) string { return p.national(".") },
		func(p phone) string { return "+34 " + p.national(" ") },
		func(p phone) string { return "+34" + p.nsn },
		func(p phone) string { return "0034 " + p.nsn },
		func(p phone) string { return "0034 " + p.national(" ") },
		func(p phone) string { return "(+34) " + p.national(".") },
		func(p phone) string { return "+34 (0) " + p.national(" ") },
		func(p phone) string { return "+34-" + p.national("-") },
		func(p phone) string { return "34" + p.nsn },
	},
	esFixed: {
		func(p phone) string { return p.national(" ") },
		func(p phone) string { return strings.Join(split(p.nsn, 3, 3, 3), " ") },
		func(p phone) string { return p.nsn },
		func(p phone) string { return p.national("-") },
		func(p phone) string { return "+34 " + p.national(" ") },
		func(p phone) string { return "0034 " + p.national(" ") },
		func(p phone) string { return "+34 (0) " + p.national(" ") },
	},
	cnMobile: {
		func(p phone) string { return "+86 " + p.national(" ") },
		func(p phone) string { return "0086 " + p.national(" ") },
		func(p phone) string { return "+86-" + p.nsn },
		func(p phone) string { return "+86" + p.nsn },
		func(p phone) string { return "(+86) " + p.national("-") },
		func(p phone) string { return "0086-" + p.national("-") },
	},
	cnFixed: {
		func(p phone) string { return "+86 " + p.national(" ") },
		func(p phone) string { return "0086 10 " + p.nsn[2:] },
		func(p phone) string { return "+86-10-" + p.nsn[2:] },
		func(p phone) string { return "+86 (0)" + p.national(" ") },
	},
	usPhone: {
		func(p phone) string { return "+1 (" + p.nsn[:3] + ") " + p.nsn[3:6] + "-" + p.nsn[6:] },
		func(p phone) string { return "001 " + p.national(" ") },
		func(p phone) string { return "+1 " + p.national("-") },
		func(p phone) string { return "+1." + p.national(".") },
		func(p phone) string { return "+1" + p.nsn },
		func(p phone) string { return "001-" + p.national("-") },
	},
}

// write renders p in a random notation.
func (p phone) write(rng *rand.Rand) string {
	forms := notations[p.kind]
	return forms[rng.IntN(len(forms))](p)
}

// writeIntl renders p in a random notation that carries the country code, as
// list files do.
func (p phone) writeIntl(rng *rand.Rand) string {
	for {
		s := p.write(rng)
		if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "(+") || strings.HasPrefix(s, "00") {
			return s
		}
	}
}

// junkValues are phone cells with no valid number in them: what sales staff
// type when they have none, and Spanish numbers with a digit too few or too many.
var junkValues = []string{
	"n/a", "N/A", "-", "?", "0", "call later", "llamar tarde", "no tiene", "pendiente",
	"ver email", "tel. fijo", "xxx xxx xxx", "123", "61234567", "612 345 67", "6123456789",
	"613-45-678", "+34 6123 4567", "+34 612 345 6789", "999999999", "+86 138 0013",
	"+1 (415) 555-267", "+1 (212) 000-1234", "0034 612 34 56",
}
