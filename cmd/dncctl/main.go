// Command dncctl scrubs lead files against do-not-call lists.
package main

import (
	"os"
	_ "time/tzdata" // calling windows need time zones, even where the system has none
)

func main() {
	os.Exit(run(os.Args[1:], systemIO()))
}
