package scrub

import (
	"fmt"
	"testing"
	"time"
)

// benchNumbers are lead-file notations of valid Spanish, Chinese and US numbers.
var benchNumbers = []string{
	"612 345 678", "+34 612-345-679", "0034612345670", "+86 138 0013 8000",
	"0086 139 0013 9000", "+1 (212) 555-0123", "612.345.671", "(0034) 699 111 222",
}

func BenchmarkNormalize(b *testing.B) {
	n, _ := NewNormalizer("ES")
	for i := 0; b.Loop(); i++ {
		if _, err := n.Normalize(benchNumbers[i%len(benchNumbers)]); err != nil {
			b.Fatal(err)
		}
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
