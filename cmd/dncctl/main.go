// Command dncctl scrubs lead files against do-not-call lists.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], systemIO()))
}
