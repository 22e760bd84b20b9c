// Command dncctl scrubs lead files against do-not-call lists.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	_ "time/tzdata" // calling windows need time zones, even where the system has none
)

func main() {
	if os.Getenv("GOGC") == "" {
		// A scrub's large structures (the index, the duplicate set) hold no
		// pointers, so a collection costs little whatever their size: collect
		// at 40% growth rather than 100%, and peak at 180 MB instead of 250
		// for a million rows against a million opt-outs, in the same time.
		debug.SetGCPercent(40)
	}
	os.Exit(profiled(os.Getenv("DNCCTL_CPUPROFILE"), func() int { return run(os.Args[1:], systemIO()) }))
}

// profiled runs fn, writing a CPU profile to path when it is not "": how
// docs/performance.md finds where a run's time goes.
func profiled(path string, fn func() int) int {
	if path == "" {
		return fn()
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error: DNCCTL_CPUPROFILE:", err)
		return exitFailed
	}
	defer f.Close()
	defer pprof.StopCPUProfile()
	return fn()
}
