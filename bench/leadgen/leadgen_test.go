package leadgen

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dncctl/dncctl/scrub"
	"github.com/nyaruka/phonenumbers"
)

// sampleRows is how many rows the tests generate: enough for every
// region, kind and notation many times over.
const sampleRows = 8000

// The files are the same bytes on every machine and in every version of
// the generator that keeps Version: bench/data caches them under names
// with Version in them. A change to what the generator writes must bump
// Version and these pins. And a smaller lead file is the start of a larger
// one, as the 10M-row scrub's store relies on.
func TestDeterministicAndPrefixStable(t *testing.T) {
	dir := t.TempDir()
	read := func(name string, write func(string) error) []byte {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := write(path); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, pin := range []struct {
		name, sha256 string
		write        func(string) error
	}{
		{"leads", "27c2d17a64b8ca81f6d675513630a0500a81518f79b7acc18031b7c2cb132469", func(p string) error { return WriteLeads(p, 2000) }},
		{"optouts", "cce493b87f0c917b2488bc8cf7fa73865dc71a859b1e1be17229ce039d40c8d3", func(p string) error { return WriteOptOuts(p, 2000, 3000) }},
		{"registry", "b4d51548701dbf79c4481ae93b56ee018ccc3c7f2e0130903cad313ff209a8ff", func(p string) error { return WriteRegistry(p, 2000) }},
	} {
		if got := fmt.Sprintf("%x", sha256.Sum256(read(pin.name, pin.write))); got != pin.sha256 {
			t.Errorf("%s: sha256 %s, pinned %s: the generator writes other bytes (bump Version and the pins if meant)", pin.name, got, pin.sha256)
		}
	}
	small := read("small", func(p string) error { return WriteLeads(p, 1000) })
	large := read("large", func(p string) error { return WriteLeads(p, 2000) })
	if !bytes.HasPrefix(large, small) {
		t.Errorf("the 1,000-row lead file is not the start of the 2,000-row one")
	}
}

func TestKindsAreWhatTheySay(t *testing.T) {
	norms := map[string]*scrub.Normalizer{}
	for _, r := range Regions() {
		n, err := scrub.NewNormalizer(r)
		if err != nil {
			t.Fatal(err)
		}
		norms[r] = n
	}
	g := New()
	count := map[Kind]int{}
	fresh := map[string]int{}
	cleanSeen := map[string]bool{}
	for range sampleRows {
		r := g.Next()
		count[r.Kind]++
		num, err := norms[r.Region].Normalize(r.Phone)
		if r.Kind == Invalid {
			if err == nil {
				t.Errorf("row %d %q (%s): invalid row, but scrub reads %s", r.ID, r.Phone, r.Region, num.E164)
			}
			if baselineValid(r.Phone, r.Region) {
				t.Errorf("row %d %q (%s): invalid row, but nyaruka finds it valid", r.ID, r.Phone, r.Region)
			}
			continue
		}
		if err != nil || num.E164 != r.E164 {
			t.Errorf("row %d %q (%s): want %s, scrub reads %s (%v)", r.ID, r.Phone, r.Region, r.E164, num.E164, err)
		}
		if num.Region != r.Region {
			t.Errorf("row %d %q: number of %s in a %s row", r.ID, r.Phone, num.Region, r.Region)
		}
		switch r.Kind {
		case Duplicate:
			if !cleanSeen[r.E164] {
				t.Errorf("row %d %q: a repeat of no earlier clean row", r.ID, r.Phone)
			}
		default:
			if prev, ok := fresh[r.E164]; ok {
				t.Errorf("row %d %q: %s already in row %d", r.ID, r.Phone, r.E164, prev)
			}
			fresh[r.E164] = r.ID
			cleanSeen[r.E164] = r.Kind == Clean
		}
	}
	for kind, pct := range map[Kind]float64{Invalid: InvalidPercent, Duplicate: DuplicatePercent, OptedOut: OptedOutPercent} {
		got := 100 * float64(count[kind]) / sampleRows
		if math.Abs(got-pct) > 1 {
			t.Errorf("%s: %.2f%% of rows, want %v%%", kind, got, pct)
		}
	}
	for j := range 2000 {
		e164 := OtherOptOut(j)
		if _, ok := fresh[e164]; ok {
			t.Errorf("opt-out %s of no lead is a lead", e164)
		}
		if !baselineValid(e164, "") {
			t.Errorf("opt-out %s is not valid", e164)
		}
		line, e164 := RegistryNumber(j)
		if _, ok := fresh[e164]; ok {
			t.Errorf("registry number %s is a lead", e164)
		}
		// registry import reads "areacode,number" as the two joined
		if num, err := norms["US"].Normalize(strings.Replace(line, ",", "", 1)); err != nil || num.E164 != e164 {
			t.Errorf("registry line %q: want %s, scrub reads %s (%v)", line, e164, num.E164, err)
		}
	}
}

// TestUSAreaCodes checks every area code of the US block with the
// exchanges most likely to be special (N11, the ends of the range, around
// 555), which the sample above may miss.
func TestUSAreaCodes(t *testing.T) {
	for _, area := range usAreaCodes {
		for _, exch := range []string{"200", "211", "311", "411", "511", "554", "556", "611", "711", "811", "911", "999"} {
			num, err := phonenumbers.Parse(area+exch+"4567", "US")
			if err != nil || !phonenumbers.IsValidNumber(num) {
				t.Errorf("%s%s4567 is not a valid US number", area, exch)
			}
		}
	}
}

func baselineValid(phone, region string) bool {
	num, err := phonenumbers.Parse(phone, region)
	return err == nil && phonenumbers.IsValidNumber(num)
}
