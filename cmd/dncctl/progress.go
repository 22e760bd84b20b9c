package main

import (
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/dncctl/dncctl/importers"
)

// progressMinBytes is the input size above which a progress bar is worth drawing.
const progressMinBytes = 8 << 20

// progress draws a bar on a terminal for a large input; otherwise (cron, a
// pipe, a small file) it does nothing.
type progress struct {
	bar  *progressbar.ProgressBar
	src  importers.Progress
	rows int
}

func newProgress(io *iostreams, name string, in importers.Reader) *progress {
	p := &progress{}
	if !io.ErrTTY {
		return p
	}
	src, ok := in.(importers.Progress)
	if ok && src.Total() >= progressMinBytes {
		p.src = src
		p.bar = progressbar.NewOptions64(src.Total(),
			progressbar.OptionSetWriter(io.ErrOut), progressbar.OptionSetDescription(name),
			progressbar.OptionShowBytes(true), progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish())
		return p
	}
	if st, err := os.Stat(name); err == nil && st.Size() >= progressMinBytes/4 {
		// A workbook's size says little about its rows: count them instead.
		p.bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(io.ErrOut),
			progressbar.OptionSetDescription(name+" (rows)"), progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionClearOnFinish())
	}
	return p
}

func (p *progress) tick() {
	if p.bar == nil {
		return
	}
	p.rows++
	if p.rows%4096 != 0 {
		return
	}
	if p.src != nil {
		p.bar.Set64(p.src.Done())
	} else {
		p.bar.Add(4096)
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
