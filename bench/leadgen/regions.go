package leadgen

import (
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"
)

// numberPlan is a block of valid numbers of one region: a national
// significant number is one of heads followed by free digits, so the block
// holds len(heads) × 10^free numbers, each valid for libphonenumber
// (bench/leadgen's tests check a sample of every block).
type numberPlan struct {
	region string // ISO code, written in the lead file's country column
	cc     string // country calling code
	heads  []string
	free   int
	// written returns the national significant number nsn as a person
	// might write it: notation picks one of the region's notations.
	written func(nsn string, notation int) string
	// notations is how many notations written knows.
	notations int
}

// size is how many numbers the block holds.
func (p *numberPlan) size() uint64 {
	return uint64(len(p.heads)) * pow10(p.free)
}

// nsn is the k-th number of the block (0 ≤ k < size), in an order that
// looks random: k is mapped through an affine bijection of [0, size), so
// distinct k give distinct numbers and nothing needs remembering.
func (p *numberPlan) nsn(k uint64) string {
	n := p.size()
	hi, lo := bits.Mul64(k%n, scatter)
	_, m := bits.Div64(hi%n, lo, n) // (k × scatter) mod n, without overflow
	m = (m + salt(p.region)) % n    // regions do not share their digits
	tail := strconv.FormatUint(m%pow10(p.free), 10)
	return p.heads[m/pow10(p.free)] + strings.Repeat("0", p.free-len(tail)) + tail
}

// scatter is a prime larger than every block, hence coprime with its size.
const scatter = 2654435761

// salt is a number drawn from s (FNV-1a).
func salt(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := range len(s) {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h >> 8
}

func pow10(n int) uint64 {
	r := uint64(1)
	for range n {
		r *= 10
	}
	return r
}

// plans are the regions of the mixed lead file, in the order rows draw them.
var plans = []*numberPlan{
	{region: "ES", cc: "34", heads: []string{"6"}, free: 8, notations: 9, written: writtenES},
	{region: "CN", cc: "86", heads: []string{"13"}, free: 9, notations: 8, written: writtenCN},
	{region: "US", cc: "1", heads: usHeads(), free: 4, notations: 8, written: writtenUS},
	{region: "GB", cc: "44", heads: []string{"71", "72", "73"}, free: 8, notations: 7, written: writtenGB},
	{region: "FR", cc: "33", heads: []string{"60", "61", "62", "64", "65", "66", "67", "68"}, free: 7, notations: 7, written: writtenFR},
	{region: "DE", cc: "49", heads: []string{"170", "171", "172", "173", "174", "175", "176", "177", "178", "179"}, free: 7, notations: 7, written: writtenDE},
	{region: "MX", cc: "52", heads: []string{"55", "33", "81"}, free: 8, notations: 7, written: writtenMX},
	{region: "IN", cc: "91", heads: []string{"9"}, free: 9, notations: 7, written: writtenIN},
}

// usAreaCodes are area codes where every exchange 200-999 is valid.
var usAreaCodes = []string{
	"201", "202", "203", "205", "206", "207", "208", "209", "210", "212",
	"213", "214", "215", "216", "217", "218", "219", "224", "225", "228",
	"229", "231", "234", "239", "240", "248", "251", "252", "253", "254",
	"256", "260", "262", "267", "269", "270", "276", "281", "301", "302",
	"303", "304", "307", "308", "309", "310", "312", "313", "314", "315",
	"316", "317", "318", "319", "320", "321", "323", "330", "334", "336",
	"337", "339", "347", "351", "352", "360", "361", "385", "386", "401",
	"402", "404", "405", "406", "407", "408", "409", "410", "412", "413",
	"414", "415", "417", "419", "423", "424", "425", "430", "432", "434",
	"435", "440", "443", "469", "478", "479", "480", "484", "501", "502",
	"503", "504", "507", "508", "509", "510", "512", "513", "515", "516",
	"517", "518", "520", "530", "540", "541", "551", "559", "561", "562",
	"563", "567", "570", "571", "573", "574", "580", "585", "586", "601",
	"602", "603", "605", "606", "607", "608", "609", "610", "612", "614",
	"615", "616", "617", "618", "619", "620", "623", "626", "630", "631",
	"636", "641", "646", "650", "651", "660", "661", "662", "678", "682",
	"701", "702", "703", "704", "706", "707", "708", "712", "713", "714",
	"715", "716", "717", "718", "719", "720", "724", "727", "731", "732",
	"734", "740", "754", "757", "760", "763", "765", "770", "772", "773",
	"774", "775", "781", "785", "786", "801", "802", "803", "804", "805",
	"806", "808", "810", "812", "813", "814", "815", "816", "817", "818",
	"828", "830", "831", "832", "843", "845", "847", "848", "850", "856",
	"857", "858", "859", "860", "862", "863", "864", "865", "870", "878",
	"901", "903", "904", "906", "907", "908", "909", "910", "912", "913",
	"914", "915", "916", "917", "918", "919", "920", "925", "928", "931",
	"936", "937", "940", "941", "947", "949", "951", "952", "954", "956",
}

// usHeads are area code and exchange, 200-999 but 555 (fictional numbers).
func usHeads() []string {
	var heads []string
	for _, area := range usAreaCodes {
		for exch := 200; exch <= 999; exch++ {
			if exch != 555 {
				heads = append(heads, area+strconv.Itoa(exch))
			}
		}
	}
	return heads
}

func writtenES(s string, notation int) string { // 612345678
	switch notation {
	case 0:
		return s
	case 1:
		return s[:3] + " " + s[3:6] + " " + s[6:]
	case 2:
		return s[:3] + " " + s[3:5] + " " + s[5:7] + " " + s[7:]
	case 3:
		return s[:3] + "." + s[3:6] + "." + s[6:]
	case 4:
		return "+34 " + s[:3] + "-" + s[3:6] + "-" + s[6:]
	case 5:
		return "0034" + s
	case 6:
		return "(0034) " + s[:3] + " " + s[3:5] + " " + s[5:7] + " " + s[7:]
	case 7:
		return "tel:+34" + s
	default:
		return " " + s[:3] + "-" + s[3:6] + "-" + s[6:] + " "
	}
}

func writtenCN(s string, notation int) string { // 13812345678
	switch notation {
	case 0:
		return s
	case 1:
		return s[:3] + " " + s[3:7] + " " + s[7:]
	case 2:
		return s[:3] + "-" + s[3:7] + "-" + s[7:]
	case 3:
		return "+86 " + s[:3] + " " + s[3:7] + " " + s[7:]
	case 4:
		return "+86-" + s
	case 5:
		return "0086 " + s[:3] + " " + s[3:7] + " " + s[7:]
	case 6:
		return "(+86) " + s
	default:
		return "+86" + s
	}
}

func writtenUS(s string, notation int) string { // 2125550123
	switch notation {
	case 0:
		return "(" + s[:3] + ") " + s[3:6] + "-" + s[6:]
	case 1:
		return s[:3] + "-" + s[3:6] + "-" + s[6:]
	case 2:
		return s[:3] + "." + s[3:6] + "." + s[6:]
	case 3:
		return s
	case 4:
		return "+1 (" + s[:3] + ") " + s[3:6] + "-" + s[6:]
	case 5:
		return "+1 " + s[:3] + " " + s[3:6] + " " + s[6:]
	case 6:
		return "1-" + s[:3] + "-" + s[3:6] + "-" + s[6:]
	default:
		return "1 (" + s[:3] + ") " + s[3:6] + "-" + s[6:]
	}
}

func writtenGB(s string, notation int) string { // 7123456789
	switch notation {
	case 0:
		return "0" + s[:4] + " " + s[4:]
	case 1:
		return "0" + s[:4] + " " + s[4:7] + " " + s[7:]
	case 2:
		return "+44 " + s[:4] + " " + s[4:]
	case 3:
		return "+44 (0)" + s[:4] + " " + s[4:]
	case 4:
		return "0044 " + s[:4] + " " + s[4:]
	case 5:
		return "+44" + s
	default:
		return "0" + s[:4] + "-" + s[4:7] + "-" + s[7:]
	}
}

func writtenFR(s string, notation int) string { // 612345678
	pairs := s[:1] + " " + s[1:3] + " " + s[3:5] + " " + s[5:7] + " " + s[7:]
	switch notation {
	case 0:
		return "0" + pairs
	case 1:
		return "0" + strings.ReplaceAll(pairs, " ", ".")
	case 2:
		return "0" + s
	case 3:
		return "+33 " + pairs
	case 4:
		return "+33 (0)" + pairs
	case 5:
		return "0033 " + pairs
	default:
		return "+33" + s
	}
}

func writtenDE(s string, notation int) string { // 1711234567
	switch notation {
	case 0:
		return "0" + s[:3] + " " + s[3:]
	case 1:
		return "0" + s[:3] + "-" + s[3:]
	case 2:
		return "+49 " + s[:3] + " " + s[3:]
	case 3:
		return "+49 (0)" + s[:3] + " " + s[3:]
	case 4:
		return "0049 " + s[:3] + " " + s[3:]
	case 5:
		return "+49" + s
	default:
		return "(0" + s[:3] + ") " + s[3:6] + " " + s[6:]
	}
}

func writtenMX(s string, notation int) string { // 5512345678
	switch notation {
	case 0:
		return s[:2] + " " + s[2:6] + " " + s[6:]
	case 1:
		return "(" + s[:2] + ") " + s[2:6] + "-" + s[6:]
	case 2:
		return s[:2] + "-" + s[2:6] + "-" + s[6:]
	case 3:
		return "+52 " + s[:2] + " " + s[2:6] + " " + s[6:]
	case 4:
		return "+52 (" + s[:2] + ") " + s[2:6] + "-" + s[6:]
	case 5:
		return "0052 " + s[:2] + " " + s[2:6] + " " + s[6:]
	default:
		return "+52" + s
	}
}

func writtenIN(s string, notation int) string { // 9876543210
	switch notation {
	case 0:
		return s[:5] + " " + s[5:]
	case 1:
		return "0" + s
	case 2:
		return "+91 " + s[:5] + " " + s[5:]
	case 3:
		return "+91-" + s[:5] + "-" + s[5:]
	case 4:
		return "0091 " + s[:5] + " " + s[5:]
	case 5:
		return s
	default:
		return "+91 " + s[:4] + " " + s[4:7] + " " + s[7:]
	}
}

// junk are phone cells that hold no number at all.
var junk = []string{"n/a", "N/A", "call later", "no phone", "-", "?", "sin teléfono", "无", "unknown", "TBD"}

// invalid returns a value that is not a valid number of plan p: junk, a
// valid number cut short, or one with digits too many.
func invalid(rng *rand.Rand, p *numberPlan, k uint64) string {
	nsn := p.nsn(k)
	switch rng.IntN(3) {
	case 0:
		return junk[rng.IntN(len(junk))]
	case 1:
		return nsn[:len(nsn)-3] // too short
	default: // too long; with the country code, so that no digits are taken for one
		return "+" + p.cc + " " + nsn + strconv.Itoa(1000+rng.IntN(9000))
	}
}
