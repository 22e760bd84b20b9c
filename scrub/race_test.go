//go:build race

package scrub

// raceEnabled is true under the race detector, which makes scrubbing ten
// times slower: tests that scrub many rows scrub fewer.
const raceEnabled = true
