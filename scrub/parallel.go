package scrub

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
)

// defaultBatchRows is how many rows a worker checks at a time: enough that
// handing a batch over costs nothing next to checking it (tens of
// microseconds a number), few enough that the workers finish a file together.
const defaultBatchRows = 256

// workers is how many goroutines Scrub checks numbers on.
func (d *Decider) workers() int {
	if d.Workers > 0 {
		return d.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// batch is consecutive rows of the input, checked by one worker.
type batch struct {
	rows []leadRow
	done chan struct{} // closed when the worker is through with the rows
	// panicked is what checking the rows panicked with: the writer panics
	// with it again, so that the caller can recover it as without workers
	// (the CLI turns a bug into an error message, not a stack trace).
	panicked any
}

// parallel is Scrub with the rows' numbers checked on workers goroutines,
// a batch of rows at a time. The caller's goroutine reads the batches,
// then finishes and writes their rows in input order: duplicates depend on
// which row came first, and the Source, the sinks and progress are used
// from that goroutine alone, as when there are no workers. At most a fixed
// number of batches are read ahead of the writing, so memory is bounded.
func (s *scrubber) parallel(ctx context.Context, workers, batchRows int) error {
	// A batch being written, and for each worker one being checked and one
	// waiting, so that no worker waits on the writer.
	inFlight := 2*workers + 1
	work, stop := context.WithCancel(ctx)
	jobs := make(chan *batch, inFlight)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range jobs {
				s.checkBatch(work, b)
			}
		})
	}
	defer func() {
		stop()
		close(jobs)
		wg.Wait()
	}()
	var queue []*batch // read and not yet written, in input order
	var readErr error  // what ended the reading: io.EOF, or the Source's error after the rows queued
	for {
		for readErr == nil && len(queue) < inFlight {
			if err := ctx.Err(); err != nil {
				return err
			}
			b := &batch{done: make(chan struct{})}
			b.rows, readErr = s.readBatch(batchRows)
			if len(b.rows) > 0 {
				queue = append(queue, b)
				jobs <- b
			}
		}
		if len(queue) == 0 {
			if errors.Is(readErr, io.EOF) {
				return nil
			}
			return readErr
		}
		b := queue[0]
		queue = queue[1:]
		select {
		case <-b.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if b.panicked != nil {
			panic(b.panicked)
		}
		for i := range b.rows {
			// A worker stops checking only once ctx is done: a batch it
			// left unfinished is never written.
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.finish(&b.rows[i]); err != nil {
				return err
			}
		}
	}
}

// readBatch reads up to n rows. The error is what stopped it short: io.EOF
// or the Source's, to be returned once the rows before it are written.
func (s *scrubber) readBatch(n int) ([]leadRow, error) {
	rows := make([]leadRow, 0, n)
	// A Source may reuse its slice for the next row (encoding/csv's
	// ReuseRecord), and this row is kept until its batch is written: its
	// fields are copied, into one array for the batch's rows.
	var fields []string
	for len(rows) < n {
		r, err := s.read()
		if err != nil {
			return rows, err
		}
		if len(fields)+len(r.fields) > cap(fields) {
			fields = make([]string, 0, max(len(r.fields)*(n-len(rows)), len(r.fields)))
		}
		start := len(fields)
		fields = append(fields, r.fields...)
		r.fields = fields[start:len(fields):len(fields)]
		rows = append(rows, r)
	}
	return rows, nil
}

// checkBatch checks the batch's rows, unless ctx is done first: against
// the lists row by row, then against the registries, read for the whole
// batch at once.
func (s *scrubber) checkBatch(ctx context.Context, b *batch) {
	defer func() {
		b.panicked = recover()
		close(b.done)
	}()
	_, batching := s.d.Registries.(RegistryBatcher)
	var numbers []string
	arena := newRowArena(len(b.rows), len(s.in.PhoneColumns))
	for i := range b.rows {
		if ctx.Err() != nil {
			return
		}
		if r := &b.rows[i]; !r.malformed {
			r.checks = s.d.checkRowLists(s.in, r.fields, arena)
			if batching {
				numbers = r.checks.registryNumbers(numbers)
			}
		}
	}
	reg := s.d.registries(numbers)
	for i := range b.rows {
		if ctx.Err() != nil {
			return // a lookup on a slow disk may take milliseconds
		}
		if r := &b.rows[i]; !r.malformed {
			s.d.afterListsRow(&r.checks, reg)
			// Most rows hold no duplicate: their verdict is made here, off
			// the goroutine that must write the rows one after the other.
			r.guess, r.guessed = s.d.rowVerdict(s.in, s.header, s.keep, r.fields, r.row, r.checks), true
		}
	}
}
