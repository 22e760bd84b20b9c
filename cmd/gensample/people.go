package main

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// person is the rest of a lead: who it is, where, and when it came in.
type person struct {
	name, city, email string
	created           time.Time
}

var (
	esFirst = []string{"María", "Lucía", "Carmen", "Ana", "Laura", "Marta", "Paula", "Elena", "Sofía", "Isabel",
		"José", "Antonio", "Manuel", "Francisco", "David", "Javier", "Daniel", "Carlos", "Jesús", "Álvaro", "Sergio", "Pablo"}
	esLast = []string{"García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
		"Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Ortega"}
	esCities = []string{"Madrid", "Barcelona", "Valencia", "Sevilla", "Zaragoza", "Málaga", "Murcia", "Palma",
		"Bilbao", "Alicante", "Córdoba", "Valladolid", "Vigo", "Gijón", "A Coruña", "Granada"}
	// Chinese names as {characters, pinyin}: leads come written either way.
	cnLast   = [][2]string{{"王", "Wang"}, {"李", "Li"}, {"张", "Zhang"}, {"刘", "Liu"}, {"陈", "Chen"}, {"杨", "Yang"}, {"黄", "Huang"}, {"赵", "Zhao"}, {"吴", "Wu"}, {"周", "Zhou"}}
	cnFirst  = [][2]string{{"伟", "Wei"}, {"芳", "Fang"}, {"娜", "Na"}, {"敏", "Min"}, {"静", "Jing"}, {"磊", "Lei"}, {"洋", "Yang"}, {"婷", "Ting"}, {"杰", "Jie"}, {"秀英", "Xiuying"}}
	cnCities = []string{"Shanghái", "Cantón", "Shenzhen", "Hangzhou", "Chengdu", "Wuhan", "Pekín"}
	usFirst  = []string{"James", "Mary", "Robert", "Jennifer", "Michael", "Linda", "David", "Emily", "John", "Sarah"}
	usLast   = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark"}
	domains  = []string{"example.com", "example.net", "example.org"}
)

// firstDay is the earliest sign-up date; leads spread over the 540 days after it.
var firstDay = time.Date(2025, time.January, 2, 0, 0, 0, 0, time.UTC)

// newPerson makes up the lead that gave number p.
func newPerson(rng *rand.Rand, p phone) person {
	var name, ascii, city string
	switch p.kind {
	case esMobile, esFixed:
		first, last1, last2 := pick(rng, esFirst), pick(rng, esLast), pick(rng, esLast)
		name, ascii = first+" "+last1, first+"."+last1
		if rng.IntN(2) == 0 {
			name += " " + last2 // most Spaniards carry two surnames; CRMs keep one or both
		}
		city = pick(rng, esCities)
		if p.kind == esFixed {
			city = map[string]string{"91": "Madrid", "93": "Barcelona"}[p.nsn[:2]]
		}
	case cnMobile, cnFixed:
		last, first := cnLast[rng.IntN(len(cnLast))], cnFirst[rng.IntN(len(cnFirst))]
		name, ascii = last[1]+" "+first[1], first[1]+"."+last[1]
		if rng.IntN(2) == 0 {
			name = last[0] + first[0]
		}
		city = pick(rng, cnCities)
		if p.kind == cnFixed {
			city = "Pekín"
		}
	default:
		first, last := pick(rng, usFirst), pick(rng, usLast)
		name, ascii = first+" "+last, first+"."+last
		for _, a := range usAreas {
			if a.code == p.nsn[:3] {
				city = a.city
			}
		}
	}
	email := ""
	if rng.IntN(100) < 85 {
		email = strings.ToLower(foldAccents(ascii))
		if rng.IntN(3) == 0 {
			email += strconv.Itoa(rng.IntN(100))
		}
		email += "@" + pick(rng, domains)
	}
	return person{name: name, city: city, email: email, created: firstDay.AddDate(0, 0, rng.IntN(540))}
}

var accents = strings.NewReplacer("á", "a", "é", "e", "í", "i", "ó", "o", "ú", "u", "ü", "u", "ñ", "n",
	"Á", "A", "É", "E", "Í", "I", "Ó", "O", "Ú", "U", "Ñ", "N")

// foldAccents makes a name usable in an e-mail address.
func foldAccents(s string) string { return accents.Replace(s) }
