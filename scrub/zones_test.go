package scrub

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

// TestZonesDataIsNyarukas holds scrub/zones.gz to the data of the
// nyaruka/phonenumbers that go.mod requires: after an upgrade, run
// go generate ./cmd/genzones.
func TestZonesDataIsNyarukas(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/nyaruka/phonenumbers").Output()
	if err != nil {
		t.Fatalf("go list nyaruka/phonenumbers: %v", err)
	}
	want, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "data", "prefix_to_timezone.xml.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(zoneData, want) {
		t.Fatal("scrub/zones.gz is not nyaruka/phonenumbers' time zone data: go generate ./cmd/genzones")
	}
}

// TestZonesMatchNyaruka compares the trie with GetTimezonesForPrefix on
// every prefix of the data, on each of them with more digits after it, and
// on random numbers behind every calling code.
func TestZonesMatchNyaruka(t *testing.T) {
	z, err := zonesLoaded()
	if err != nil {
		t.Fatal(err)
	}
	var prefixes []string
	var walk func(node int32, prefix string)
	walk = func(node int32, prefix string) {
		if z.nodes[node].set != 0 {
			prefixes = append(prefixes, prefix)
		}
		for d, next := range z.nodes[node].next {
			if next != 0 {
				walk(next, prefix+strconv.Itoa(d))
			}
		}
	}
	walk(0, "")
	if len(prefixes) < 1000 {
		t.Fatalf("the trie holds %d prefixes; nyaruka's data has thousands", len(prefixes))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	randomDigits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	var numbers []string
	for _, p := range prefixes {
		numbers = append(numbers, p, p+"0", p+"9", p+randomDigits(3), p+randomDigits(8))
		if len(p) > 1 {
			numbers = append(numbers, p[:len(p)-1]+randomDigits(1)+randomDigits(6))
		}
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		for range 200 {
			numbers = append(numbers, strconv.Itoa(cc)+randomDigits(1+rng.IntN(14)))
		}
	}
	for _, n := range numbers {
		want, err := phonenumbers.GetTimezonesForPrefix("+" + n)
		if err != nil {
			t.Fatal(err)
		}
		if reflect.DeepEqual(want, []string{phonenumbers.UNKNOWN_TIMEZONE}) {
			want = nil
		}
		if got := z.lookup(n); !reflect.DeepEqual(got, want) {
			t.Errorf("+%s: zones %q, nyaruka says %q", n, got, want)
		}
	}
	t.Logf("%d prefixes in %d nodes; %d numbers compared", len(prefixes), len(z.nodes), len(numbers))
}
