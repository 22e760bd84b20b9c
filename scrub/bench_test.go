package scrub

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"
)

// benchNumbers are lead-file notations of valid Spanish, Chinese and US numbers.
var benchNumbers = []string{
	"612 345 678", "+34 612-345-679", "0034612345670", "+86 138 0013 8000",
	"0086 139 0013 9000", "+1 (212) 555-0123", "612.345.671", "(0034) 699 111 222",
}

// BenchmarkNormalize compares the fast path with the slow one it stands in
// for (nyaruka's Parse, IsValidNumber, GetNumberType, GetRegionCodeForNumber).
func BenchmarkNormalize(b *testing.B) {
	for _, slow := range []bool{false, true} {
		b.Run(map[bool]string{false: "fast", true: "slow"}[slow], func(b *testing.B) {
			n, _ := NewNormalizer("ES")
			n.slowOnly = slow
			for i := 0; b.Loop(); i++ {
				if _, err := n.Normalize(benchNumbers[i%len(benchNumbers)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheck is Normalize plus the lookups, against an index of 100k opt-outs.
func BenchmarkCheck(b *testing.B) {
	n, _ := NewNormalizer("ES")
	idx := NewIndex(ChannelVoice)
	for i := 0; i < 100_000; i++ {
		idx.Add(Entry{List: ListOptOut, E164: fmt.Sprintf("+3461%07d", i), Channel: ChannelAll, AddedAt: time.Unix(0, 0)})
	}
	for i := 0; b.Loop(); i++ {
		Check(n, idx, benchNumbers[i%len(benchNumbers)])
	}
}

// BenchmarkScrub scrubs 10,000 generated rows (see generateLeads) on one
// goroutine and on every CPU, without and with the run's rules (policies,
// calling hours, a registry), and reports rows/s.
func BenchmarkScrub(b *testing.B) {
	g := generateLeads(10_000)
	idx := g.index()
	n := mustNormalizer(b, "ES")
	for _, rules := range []bool{false, true} {
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			name := fmt.Sprintf("rules=%t/workers=%d", rules, workers)
			b.Run(name, func(b *testing.B) {
				rows := 0
				for b.Loop() {
					b.StopTimer()
					src := g.source()
					d := NewDecider(n, idx)
					d.Workers = workers
					if rules {
						d.Policies, d.At, d.CallableAt, d.Registries = genPolicies(), genAt, true, g.registry
					}
					b.StartTimer()
					in := Input{Name: "leads.csv", Source: src, PhoneColumns: genPhoneColumns, RegionColumn: &genRegionColumn}
					if err := d.Scrub(context.Background(), in, discard{}, discard{}, NewSummary(), nil); err != nil {
						b.Fatal(err)
					}
					rows += len(g.rows)
				}
				b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// discard is a Sink that keeps nothing.
type discard struct{}

func (discard) Write([]string) error { return nil }
