package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// row is one line of the table.
type row struct {
	what    string
	items   int // rows or numbers; 0 for none
	use     *usage
	rate    float64 // items a second; 0 for none
	figure  string  // the measured ratio or figure the target is about
	target  string
	verdict string // MET, NOT MET, reference, skipped (…)
}

func verdict(met bool) string {
	if met {
		return "MET"
	}
	return "NOT MET"
}

// header describes the run: when, what was measured, on what.
func header(w io.Writer, repo, name, bin, flags, sizes string) {
	fmt.Fprintf(w, "dncctl benchmark, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(w, "- commit:  %s (git describe --always --dirty)\n", gitDescribe(repo))
	fmt.Fprintf(w, "- binary:  %s (%s)\n", name, binVersion(bin))
	fmt.Fprintf(w, "- go:      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(w, "- machine: %s, %d cores, %s RAM, Linux %s; load average at start %s\n", cpuModel(), runtime.NumCPU(), memTotal(), kernel(), loadAverage())
	fmt.Fprintf(w, "- command: go run ./bench/run %s\n", flags)
	fmt.Fprintf(w, "- sizes:   %s\n\n", sizes)
}

func gitDescribe(repo string) string {
	out, err := exec.Command("git", "-C", repo, "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func binVersion(bin string) string {
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "version unknown"
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func cpuModel() string {
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		return v
	}
	return "unknown CPU"
}

func memTotal() string {
	v := strings.Fields(procField("/proc/meminfo", "MemTotal"))
	if len(v) == 0 {
		return "unknown"
	}
	kb, err := strconv.ParseFloat(v[0], 64)
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%.1f GiB", kb/(1<<20))
}

// loadAverage is the 1-minute load average: other work on a 2-core
// machine shows in every figure of the table.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "unknown"
}

func kernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// procField is the value of the first "key : value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// table prints the rows as a Markdown table, aligned for the terminal.
func table(w io.Writer, rows []row) {
	cells := [][]string{{"what", "rows/items", "wall", "CPU", "rows/s", "peak RSS MB", "measured", "target", "verdict"}}
	for _, r := range rows {
		c := []string{r.what, "–", "–", "–", "–", "–", r.figure, r.target, r.verdict}
		if r.items > 0 {
			c[1] = thousands(r.items)
		}
		if r.use != nil {
			c[2] = seconds(r.use.wall)
			if r.use.cpu > 0 {
				c[3] = seconds(r.use.cpu)
			}
			if r.use.rssKB > 0 {
				c[5] = strconv.FormatInt(r.use.rssKB/1024, 10)
			}
		}
		if r.rate > 0 {
			c[4] = thousands(int(r.rate + 0.5))
		}
		if c[6] == "" {
			c[6] = "–"
		}
		cells = append(cells, c)
	}
	width := make([]int, len(cells[0]))
	for _, c := range cells {
		for i, s := range c {
			width[i] = max(width[i], utf8.RuneCountInString(s))
		}
	}
	right := map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true}
	line := func(c []string) {
		var b strings.Builder
		b.WriteString("|")
		for i, s := range c {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(s))
			if right[i] {
				b.WriteString(" " + pad + s + " |")
			} else {
				b.WriteString(" " + s + pad + " |")
			}
		}
		fmt.Fprintln(w, b.String())
	}
	line(cells[0])
	sep := make([]string, len(width))
	for i, n := range width {
		sep[i] = strings.Repeat("-", n)
		if right[i] {
			sep[i] = sep[i][1:] + ":"
		}
	}
	line(sep)
	for _, c := range cells[1:] {
		line(c)
	}
}

func seconds(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	case d < 100*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.0f s", d.Seconds())
}

// thousands writes n with comma separators: 1,000,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
