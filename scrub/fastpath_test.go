package scrub

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// fastPathSamples is how many generated numbers TestFastPathDifferential
// compares; DNCCTL_FASTPATH_N raises it (make verify-fast-path runs 10M).
func fastPathSamples(t *testing.T) int {
	n := 200_000
	if v := os.Getenv("DNCCTL_FASTPATH_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n <= 0 {
			t.Fatalf("DNCCTL_FASTPATH_N=%q: want a positive count", v)
		}
	}
	return n
}

const fastPathSeed = 20261207

// TestFastPathDifferential proves the fast path changes nothing: for
// generated numbers of every region libphonenumber knows, written in every
// notation lead files use, and for the fuzz corpus, Normalize with the fast
// path returns exactly what it returns without it (number, type, region,
// zones, extension, and the error text). It also checks that the fast
// path serves most well-formed numbers, so that it cannot pass by doing
// nothing.
func TestFastPathDifferential(t *testing.T) {
	total := fastPathSamples(t)
	gen := newNumberGen()
	normalizers := map[string][2]*Normalizer{}
	for _, region := range append([]string{""}, gen.regions...) {
		fastN, err := NewNormalizer(region)
		if err != nil {
			t.Fatal(err)
		}
		slowN := *fastN
		slowN.slowOnly = true
		normalizers[region] = [2]*Normalizer{fastN, &slowN}
	}

	type result struct{ compared, served, valid, servedInvalid int }
	workers := runtime.GOMAXPROCS(0)
	results := make([]result, workers)
	var failures sync.Map
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := &results[w]
			for i := w; i < total; i += workers {
				raw, region := gen.sample(uint64(i))
				pair := normalizers[region]
				served, valid := compareFastSlow(pair, raw, &failures)
				r.compared++
				switch {
				case served && valid:
					r.served++
				case served:
					r.servedInvalid++
				}
				if valid {
					r.valid++
				}
			}
		})
	}
	wg.Wait()
	for _, c := range fuzzCorpus(t, "FuzzNormalize") {
		for _, region := range []string{"", c[1]} {
			if pair, ok := normalizers[strings.ToUpper(strings.TrimSpace(region))]; ok {
				compareFastSlow(pair, c[0], &failures)
			}
		}
	}
	var sum result
	for _, r := range results {
		sum.compared += r.compared
		sum.served += r.served
		sum.valid += r.valid
		sum.servedInvalid += r.servedInvalid
	}
	n := 0
	failures.Range(func(k, v any) bool {
		if n++; n <= 20 {
			t.Errorf("%s: %s", k, v)
		}
		return true
	})
	if n > 20 {
		t.Errorf("... and %d more differences", n-20)
	}
	t.Logf("%d numbers compared (seed %d): %d valid, %d served by the fast path (%.1f%% of the valid ones); %d invalid ones served",
		sum.compared, fastPathSeed, sum.valid, sum.served, 100*float64(sum.served)/float64(max(sum.valid, 1)), sum.servedInvalid)
	// Well over half the generated numbers are valid and plainly written;
	// a fast path that served few of them would make the benchmark a lie.
	if sum.served < sum.valid/2 {
		t.Errorf("the fast path served %d of %d valid numbers: it is not being used", sum.served, sum.valid)
	}
	// The mutations make many plainly written invalid numbers (a digit
	// short or long, random digits): the fast path must answer for some.
	if sum.servedInvalid < (sum.compared-sum.valid)/10 {
		t.Errorf("the fast path served %d of %d invalid numbers: its invalid branch is not being used", sum.servedInvalid, sum.compared-sum.valid)
	}
}

// compareFastSlow normalizes raw with and without the fast path, records
// a difference in failures, and reports whether the fast path answered
// (for a valid or an invalid number) and whether the number is valid.
func compareFastSlow(pair [2]*Normalizer, raw string, failures *sync.Map) (served, valid bool) {
	fastNum, fastErr := pair[0].Normalize(raw)
	slowNum, slowErr := pair[1].Normalize(raw)
	key := fmt.Sprintf("Normalize(%q) with region %q", raw, pair[0].Region())
	switch {
	case (fastErr == nil) != (slowErr == nil) || (fastErr != nil && fastErr.Error() != slowErr.Error()):
		failures.Store(key, fmt.Sprintf("fast path error %v, slow path error %v", fastErr, slowErr))
	case !reflect.DeepEqual(fastNum, slowNum):
		failures.Store(key, fmt.Sprintf("fast path %+v, slow path %+v", fastNum, slowNum))
	}
	_, served, _ = pair[0].fastAnswer(raw, prepare(raw))
	return served, slowErr == nil
}

// fuzzCorpus reads the two-string entries of a fuzz target's corpus.
func fuzzCorpus(t *testing.T, target string) [][2]string {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", target, "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var vals []string
		for _, line := range strings.Split(string(data), "\n")[1:] {
			if inner, ok := strings.CutPrefix(line, "string("); ok {
				if v, err := strconv.Unquote(strings.TrimSuffix(inner, ")")); err == nil {
					vals = append(vals, v)
				}
			}
		}
		if len(vals) == 2 {
			out = append(out, [2]string{vals[0], vals[1]})
		}
	}
	return out
}

// numberGen writes phone numbers the way lead files do: numbers near the
// example numbers of every region and type, and random digits, in every
// notation, with every default region. Sample i depends only on i and the
// seed, so any worker count gives the same set.
type numberGen struct {
	regions  []string // every supported region, sorted
	examples []genExample
	byRegion map[string][]int // indexes into examples
}

type genExample struct {
	region string // "001" for the non-geographic calling codes
	cc     int
	nsn    string
	ndd    string // national prefix
}

func newNumberGen() *numberGen {
	g := &numberGen{}
	for r := range phonenumbers.GetSupportedRegions() {
		g.regions = append(g.regions, r)
	}
	slices.Sort(g.regions)
	types := []phonenumbers.PhoneNumberType{
		phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE,
		phonenumbers.SHARED_COST, phonenumbers.VOIP, phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER,
		phonenumbers.UAN, phonenumbers.VOICEMAIL,
	}
	for _, r := range g.regions {
		for _, typ := range types {
			if ex := phonenumbers.GetExampleNumberForType(r, typ); ex != nil {
				g.examples = append(g.examples, genExample{r, int(ex.GetCountryCode()),
					phonenumbers.GetNationalSignificantNumber(ex), phonenumbers.GetNddPrefixForRegion(r, true)})
			}
		}
	}
	var nonGeo []int
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		nonGeo = append(nonGeo, cc)
	}
	slices.Sort(nonGeo)
	for _, cc := range nonGeo {
		if ex := phonenumbers.GetExampleNumberForNonGeoEntity(cc); ex != nil {
			g.examples = append(g.examples, genExample{"001", cc, phonenumbers.GetNationalSignificantNumber(ex), ""})
		}
	}
	g.byRegion = map[string][]int{}
	for i, e := range g.examples {
		g.byRegion[e.region] = append(g.byRegion[e.region], i)
	}
	return g
}

// benchRegions are the regions of issue 7's lead mix; they get extra weight.
var benchRegions = []string{"ES", "CN", "US", "GB", "FR", "DE", "MX", "IN"}

func (g *numberGen) sample(i uint64) (raw, region string) {
	rng := rand.New(rand.NewPCG(fastPathSeed, i))
	ex := g.examples[rng.IntN(len(g.examples))]
	if rng.IntN(3) == 0 {
		of := g.byRegion[benchRegions[rng.IntN(len(benchRegions))]]
		ex = g.examples[of[rng.IntN(len(of))]]
	}
	switch rng.IntN(10) {
	case 0, 1, 2, 3: // the number's own region
		region = ex.region
	case 4, 5:
		region = benchRegions[rng.IntN(len(benchRegions))]
	case 6:
		region = ""
	default:
		region = g.regions[rng.IntN(len(g.regions))]
	}
	if region == "001" {
		region = ""
	}
	return g.write(rng, mutate(rng, ex.nsn), ex), region
}

// mutate changes a national number the way real lists differ from the
// examples: other subscriber digits, a digit too many or too few, or
// anything at all.
func mutate(rng *rand.Rand, nsn string) string {
	b := []byte(nsn)
	switch rng.IntN(10) {
	case 0: // as it is
	case 1: // one digit short
		if len(b) > 1 {
			b = b[:len(b)-1]
		}
	case 2: // one digit long
		b = append(b, byte('0'+rng.IntN(10)))
	case 3: // random digits of a random length
		b = b[:0]
		for range 1 + rng.IntN(16) {
			b = append(b, byte('0'+rng.IntN(10)))
		}
	case 4: // a different prefix digit
		b[0] = byte('0' + rng.IntN(10))
	default: // other subscriber digits
		keep := min(len(b), 1+rng.IntN(4))
		for j := keep; j < len(b); j++ {
			b[j] = byte('0' + rng.IntN(10))
		}
	}
	return string(b)
}

// write renders the number in one of the notations lead files use.
func (g *numberGen) write(rng *rand.Rand, nsn string, ex genExample) string {
	cc := strconv.Itoa(ex.cc)
	group := func(s string) string { return groupDigits(rng, s) }
	switch rng.IntN(24) {
	case 0, 1, 2:
		return "+" + cc + nsn
	case 3, 4:
		return "+" + cc + " " + group(nsn)
	case 5:
		return "00" + cc + " " + group(nsn)
	case 6:
		return "011 " + cc + " " + group(nsn)
	case 7:
		return cc + nsn
	case 8, 9:
		return ex.ndd + group(nsn)
	case 10, 11:
		return group(nsn)
	case 12:
		if len(nsn) > 3 {
			return "(" + nsn[:3] + ") " + group(nsn[3:])
		}
		return "(" + nsn + ")"
	case 13:
		return "+" + cc + " (0) " + group(nsn)
	case 14:
		return "tel:+" + cc + "-" + nsn
	case 15:
		return group(nsn) + [...]string{" x123", " ext. 45", " #7", ";ext=9", " 转 8", ", 612345678"}[rng.IntN(6)]
	case 16:
		return toFullWidth("+" + cc + nsn)
	case 17:
		return [...]string{" ", "\u00a0", "\t", "\ufeff"}[rng.IntN(4)] + "+" + cc + " " + group(nsn) + " "
	case 18:
		return "+" + cc + "/" + nsn
	case 19:
		if len(nsn) > 4 {
			return nsn[:1] + "." + nsn[1:4] + "E+" + strconv.Itoa(len(nsn)-1)
		}
		return nsn + "E+1"
	case 20: // a stray letter, symbol or second plus
		pos := rng.IntN(len(nsn) + 1)
		return "+" + cc + nsn[:pos] + [...]string{"a", "O", "+", "*", "#", ":", "_", "ー"}[rng.IntN(8)] + nsn[pos:]
	case 21:
		return "++" + cc + nsn
	case 22:
		return "(+" + cc + ") " + group(nsn)
	default:
		return "0" + ex.ndd + nsn
	}
}

func groupDigits(rng *rand.Rand, s string) string {
	sep := [...]string{" ", "-", ".", " - ", "/", ""}[rng.IntN(6)]
	var b strings.Builder
	for len(s) > 0 {
		n := min(len(s), 2+rng.IntN(3))
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(s[:n])
		s = s[n:]
	}
	return b.String()
}

func toFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r - '0' + '０'
		case r == '+':
			return '＋'
		}
		return r
	}, s)
}

// FuzzFastPath holds the fast path to the slow one on any input.
func FuzzFastPath(f *testing.F) {
	for _, seed := range []struct{ raw, region string }{
		{"612 345 678", "ES"}, {"+86 138 0013 8000", ""}, {"0086 13800138000", "US"},
		{"(212) 555-0100", "US"}, {"020 7946 0018", "GB"}, {"34612345678", "ES"},
		// Invalid ones the fast path answers, and ones it leaves to the
		// slow path's second tries ("00" fallback, "(0)" kept).
		{"612 345", "ES"}, {"+34 6123456789012", ""}, {"(+34) 512 345 678", "ES"},
		{"0034 512 345 678", "US"}, {"+39 (0)6 1234 5", "IT"}, {"5308968", "US"},
	} {
		f.Add(seed.raw, seed.region)
	}
	f.Fuzz(func(t *testing.T, raw, region string) {
		fastN, err := NewNormalizer(region)
		if err != nil {
			return
		}
		slowN := *fastN
		slowN.slowOnly = true
		var failures sync.Map
		compareFastSlow([2]*Normalizer{fastN, &slowN}, raw, &failures)
		failures.Range(func(k, v any) bool {
			t.Errorf("%s: %s", k, v)
			return true
		})
	})
}

// Every region libphonenumber knows compiles for the fast path: a region
// that did not would silently go to the slow path. The log gives the
// automata's size and how long compiling them all takes (docs/performance.md).
func TestCompileAllRegions(t *testing.T) {
	start := time.Now()
	states := 0
	for id, lr := range fastTablesLoaded().regions {
		r := lr.get()
		if r == nil {
			t.Errorf("region %s does not compile for the fast path", id)
			continue
		}
		states += len(r.types.next)
	}
	t.Logf("%d regions, %d DFA states, compiled in %v", len(fast.regions), states, time.Since(start))
}
