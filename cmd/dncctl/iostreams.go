package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// iostreams are the streams a command uses; tests replace them with buffers.
type iostreams struct {
	In     io.Reader
	Out    io.Writer // data: lists, check results
	ErrOut io.Writer // messages: summaries, warnings, errors, progress
	// ErrTTY is true when ErrOut is a terminal: only then is a progress bar drawn.
	ErrTTY bool
}

func systemIO() *iostreams {
	return &iostreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, ErrTTY: term.IsTerminal(int(os.Stderr.Fd()))}
}
