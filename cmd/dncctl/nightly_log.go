package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// nightlyLog writes what a nightly run does, one line an event, as text
// for people or JSON for log collectors. Every text is masked: a number
// never appears whole in a log.
type nightlyLog struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
	now  func() time.Time
}

// event logs one thing that happened; fields are written after the message
// in a stable order.
func (l *nightlyLog) event(level, job, event, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	at := l.now().UTC().Format(time.RFC3339)
	msg = maskNumbers(msg)
	if l.json { // JSON escapes control characters itself
		rec := map[string]any{"time": at, "level": level, "event": event, "msg": msg}
		if job != "" {
			rec["job"] = job
		}
		for k, v := range fields {
			if s, ok := v.(string); ok {
				v = maskNumbers(s)
			}
			rec[k] = v
		}
		b, _ := json.Marshal(rec)
		fmt.Fprintf(l.w, "%s\n", b)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-5s", at, strings.ToUpper(level))
	if job != "" {
		fmt.Fprintf(&b, " [%s]", job)
	}
	// A file name with a newline must not forge a line of its own.
	fmt.Fprintf(&b, " %s: %s", event, controls.Replace(msg))
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := fmt.Sprint(fields[k])
		if strings.ContainsAny(v, " \t\"\n\r") {
			v = fmt.Sprintf("%q", v)
		}
		fmt.Fprintf(&b, " %s=%s", k, maskNumbers(v))
	}
	fmt.Fprintln(l.w, b.String())
}

// controls are written escaped in a text log.
var controls = strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`)

func (l *nightlyLog) info(job, event, msg string, fields map[string]any) {
	l.event("info", job, event, msg, fields)
}

func (l *nightlyLog) warn(job, event, msg string, fields map[string]any) {
	l.event("warn", job, event, msg, fields)
}

func (l *nightlyLog) error(job, event, msg string, fields map[string]any) {
	l.event("error", job, event, msg, fields)
}
