// Command dncctl scrubs lead files against do-not-call lists.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"
	_ "time/tzdata" // calling windows need time zones, even where the system has none
)

func main() {
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
