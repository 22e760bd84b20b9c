package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Exit codes. Every command's help lists the ones it uses.
const (
	exitOK          = 0
	exitFailed      = 1
	exitUsage       = 2
	exitNotCallable = 3  // check: a number may not be called
	exitNothingToDo = 4  // nightly: no job had anything to do
	exitLocked      = 75 // nightly: another run holds the lock (EX_TEMPFAIL: try later)
	exitInterrupted = 130
	exitTerminated  = 143
)

// usageError is a mistake in how the command was called.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// exitError ends the command with code after it has said all it has to say.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// run executes the command line and turns its outcome into an exit code.
// It is the only place that decides exit codes.
func run(args []string, io *iostreams) (code int) {
	defer func() {
		// A bug must not show a user a stack trace; outputs are only ever
		// renamed into place after success, so nothing partial is left.
		if r := recover(); r != nil {
			fmt.Fprintf(io.ErrOut, "Error: internal error (a bug in dncctl %s, please report it): %v\n", version, r)
			code = exitFailed
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sigs)
	var caught atomic.Value
	go func() {
		if s, ok := <-sigs; ok {
			caught.Store(s)
			cancel()
		}
	}()

	root := newRootCmd(newFactory(io))
	root.SetArgs(args)
	result := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				result <- &internalError{r}
			}
		}()
		result <- root.ExecuteContext(ctx)
	}()
	var err error
	select {
	case err = <-result:
	case <-ctx.Done(): // a signal: the command stops at its next row
		select {
		case err = <-result:
		case <-time.After(stopGrace):
			// It is blocked, most likely reading a pipe that sends nothing.
			// Nothing is under a final name until the run succeeds, the store
			// rolls back what it had not committed, and its temporary files
			// are swept by the next run that writes the same names.
			s, _ := caught.Load().(os.Signal)
			fmt.Fprintf(io.ErrOut, "Interrupted (%v) while blocked (waiting for input?): stopped without cleaning up; nothing was written under a final name.\n", s)
			return signalCode(s)
		}
	}
	if err == nil {
		return exitOK
	}
	var internal *internalError
	if errors.As(err, &internal) {
		fmt.Fprintf(io.ErrOut, "Error: internal error (a bug in dncctl %s, please report it): %v\n", version, internal.v)
		return exitFailed
	}
	if s, ok := caught.Load().(os.Signal); ok {
		fmt.Fprintf(io.ErrOut, "Interrupted (%v): nothing was written under a final name.\n", s)
		return signalCode(s)
	}
	var exit *exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	if errors.Is(err, errLocked) {
		fmt.Fprintf(io.ErrOut, "Error: %s\n", maskNumbers(err.Error()))
		return exitLocked
	}
	var usage *usageError
	if errors.As(err, &usage) || isCobraUsageError(err) {
		fmt.Fprintf(io.ErrOut, "Error: %s\n", maskNumbers(err.Error()))
		fmt.Fprintf(io.ErrOut, "Run '%s --help' for usage.\n", commandPath(root, args))
		return exitUsage
	}
	fmt.Fprintf(io.ErrOut, "Error: %s\n", maskNumbers(err.Error()))
	return exitFailed
}

// stopGrace is how long a command has, after SIGINT or SIGTERM, to stop
// on its own and clean up before run gives up on it.
var stopGrace = 3 * time.Second

func signalCode(s os.Signal) int {
	if s == syscall.SIGTERM {
		return exitTerminated
	}
	return exitInterrupted
}

// internalError is a panic in a command, which run reports as a bug
// rather than a stack trace.
type internalError struct{ v any }

func (e *internalError) Error() string { return fmt.Sprint(e.v) }

// isCobraUsageError recognizes the errors cobra makes for a bad command line;
// it has no types for them.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "invalid argument", "flag needs an argument", "required flag", "accepts ", "requires at least", "bad flag syntax"} {
		if strings.HasPrefix(msg, prefix) {
			return true
		}
	}
	return false
}
