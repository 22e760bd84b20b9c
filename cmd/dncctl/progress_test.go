package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// fakeInput is an importers.Reader that also reports progress.
type fakeInput struct{ total int64 }

func (f *fakeInput) Header() []string             { return []string{"phone"} }
func (f *fakeInput) Next() ([]string, int, error) { return nil, 0, io.EOF }
func (f *fakeInput) Close() error                 { return nil }
func (f *fakeInput) Done() int64                  { return f.total / 2 }
func (f *fakeInput) Total() int64                 { return f.total }

func TestProgressOnlyOnTerminalForLargeInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tty   bool
		total int64
		want  bool
	}{
		{"cron, large file", false, 1 << 30, false},
		{"terminal, small file", true, 1 << 10, false},
		{"terminal, large file", true, 1 << 30, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errOut bytes.Buffer
			p := newProgress(&iostreams{ErrOut: &errOut, ErrTTY: tc.tty}, "leads.csv", &fakeInput{total: tc.total})
			for i := 0; i < 10000; i++ {
				p.tick()
			}
			p.finish()
			if got := p.bar != nil; got != tc.want {
				t.Fatalf("bar drawn: %v, want %v", got, tc.want)
			}
			if !tc.want && errOut.Len() != 0 {
				t.Fatalf("wrote to stderr without a bar: %q", errOut.String())
			}
			if tc.want && !strings.Contains(errOut.String(), "leads.csv") {
				t.Fatalf("bar does not name the file: %q", errOut.String())
			}
		})
	}
}
