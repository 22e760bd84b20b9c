package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dncctl/dncctl/scrub"
)

// spool keeps rows in an owner-only temporary file until they are replayed:
// the clean rows that --whitelist-first writes after the whitelisted ones,
// without holding them in memory.
type spool struct {
	f *os.File
	w *csv.Writer
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, ".dncctl-spool-*")
	if err != nil {
		return nil, fmt.Errorf("--whitelist-first: %w", err)
	}
	return &spool{f: f, w: csv.NewWriter(f)}, nil
}

func (s *spool) Write(fields []string) error { return s.w.Write(fields) }

// replayTo writes the spooled rows to sink, in order, and removes the spool.
func (s *spool) replayTo(sink scrub.Sink) error {
	defer s.remove()
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := csv.NewReader(s.f)
	r.FieldsPerRecord = -1
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := sink.Write(rec); err != nil {
			return err
		}
	}
}

func (s *spool) remove() {
	s.f.Close()
	os.Remove(s.f.Name())
}
