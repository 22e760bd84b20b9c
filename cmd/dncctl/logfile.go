package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"github.com/xuri/excelize/v2"

	"github.com/dncctl/dncctl/importers"
	"github.com/dncctl/dncctl/scrub"
)

// logColumn is a column of a log file (replies, call outcomes): the one
// its flag names, or the first header among the usual names.
type logColumn struct {
	what     string   // how errors call it: "message"
	flag     string   // the flag that names it: "message-col"
	spec     string   // the flag's value
	names    []string // the headers tried when spec is ""
	phone    bool     // fall back to the detected phone column
	optional bool
	index    int // 0-based; -1 when an optional column is absent
}

// logFile is a CSV or Excel log with a header row.
type logFile struct {
	name   string
	in     importers.Reader
	src    scrub.Source
	number *logColumn // the phone number column, read as scrub reads phones
}

// openLog opens a log and finds its columns.
func openLog(name string, opts importers.Options, cols ...*logColumn) (*logFile, error) {
	if name == "-" {
		return nil, usageErrorf("give the log as a file, not standard input")
	}
	in, err := importers.Open(name, opts)
	if err != nil {
		return nil, err
	}
	header := in.Header()
	for _, c := range cols {
		if err := c.find(header); err != nil {
			in.Close()
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	l := &logFile{name: name, in: in, src: in}
	for _, c := range cols {
		if c.phone {
			l.number = c
		}
	}
	return l, nil
}

func (c *logColumn) find(header []string) error {
	c.index = -1
	if c.spec != "" {
		i, err := scrub.FindColumn(header, c.spec)
		if err != nil {
			return fmt.Errorf("--%s: %w", c.flag, err)
		}
		c.index = i
		return nil
	}
	for _, n := range c.names {
		if i, err := scrub.FindColumn(header, n); err == nil {
			c.index = i
			return nil
		}
	}
	if c.phone {
		if cols, err := scrub.FindPhoneColumns(header, nil); err == nil {
			c.index = cols[0]
			return nil
		}
	}
	if c.optional {
		return nil
	}
	return fmt.Errorf("no %s column among %s: name it with --%s", c.what, quoteAll(header), c.flag)
}

// value is the column's cell in fields, "" when absent.
func (c *logColumn) value(fields []string) string {
	if c.index < 0 || c.index >= len(fields) {
		return ""
	}
	return strings.TrimSpace(fields[c.index])
}

// next returns the next row, its number column (if it has one) read from
// the value a workbook stores, as scrub reads it; io.EOF after the last.
func (l *logFile) next() ([]string, int, error) {
	fields, row, err := l.src.Next()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, fmt.Errorf("%s: %w", l.name, err)
	}
	if err == nil && l.number != nil && l.number.index >= 0 {
		fields = scrub.StoredPhones(l.src, fields, []int{l.number.index})
	}
	return fields, row, err
}

func (l *logFile) close() error { return l.in.Close() }

// time reads the time in column c of the row next returned: the cell as
// shown, or else, in a workbook, the date serial the cell stores (a date
// Excel shows as 11/20/26 14:03 is stored as 46346.585…).
func (l *logFile) time(c *logColumn, fields []string, loc *time.Location) (time.Time, error) {
	t, err := parseLogTime(c.value(fields), loc)
	if err == nil {
		return t, nil
	}
	if rs, ok := l.src.(scrub.RawSource); ok {
		if raw := rs.RawFields(); c.index >= 0 && c.index < len(raw) {
			if serial, perr := strconv.ParseFloat(raw[c.index], 64); perr == nil && serial > 1 && serial < 2958466 {
				if d, derr := excelize.ExcelDateToTime(serial, false); derr == nil {
					return time.Date(d.Year(), d.Month(), d.Day(), d.Hour(), d.Minute(), d.Second(), 0, loc), nil
				}
			}
		}
	}
	return time.Time{}, err
}

func quoteAll(header []string) string {
	q := make([]string, len(header))
	for i, h := range header {
		q[i] = strconv.Quote(h)
	}
	return strings.Join(q, ", ")
}

// logTimeLayouts are the time notations dialers and SMS gateways export.
var logTimeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02T15:04", "2006/01/02 15:04:05", "2006/01/02 15:04", "2006-01-02", "2006/01/02"}

// parseLogTime reads a log's time cell; a time without a zone is in loc.
func parseLogTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range logTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 1e9 && n < 1e10 {
		return time.Unix(n, 0), nil // Unix seconds, as some gateways write
	}
	return time.Time{}, fmt.Errorf("%q is not a time such as 2026-11-20 14:03:00 or 2026-11-20T14:03:00Z", s)
}

// parseCallDuration reads a call's length: seconds ("37", "37.5", "37s")
// or a clock ("0:37", "00:00:37").
func parseCallDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a duration such as 37, 37s or 0:37", s)
	if s == "" {
		return 0, bad
	}
	if parts := strings.Split(s, ":"); len(parts) > 1 {
		if len(parts) > 3 {
			return 0, bad
		}
		var total float64
		for _, p := range parts {
			v, err := strconv.ParseFloat(p, 64)
			if err != nil || !sane(v) {
				return 0, bad
			}
			total = total*60 + v
		}
		if !sane(total) {
			return 0, bad
		}
		return time.Duration(total * float64(time.Second)), nil
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64)
	if err != nil || !sane(v) {
		return 0, bad
	}
	return time.Duration(v * float64(time.Second)), nil
}

// sane is a call's length in seconds a log can mean: not negative, not NaN
// or infinite, and under a year (a Duration overflows at 292 years).
func sane(seconds float64) bool {
	return seconds >= 0 && seconds < 366*24*3600 && !math.IsNaN(seconds)
}

// logFlags are the flags import-replies and outcomes import share.
type logFlags struct {
	Region    string
	Channel   string
	NumberCol string
	TimeCol   string
	TimeZone  string
	Encoding  string
	Delimiter string
}

// register adds the flags; channel is the default channel, number says
// what the number column holds.
func (l *logFlags) register(fl *pflag.FlagSet, channel, number string) {
	fl.StringVar(&l.Region, "region", "", "default region (ISO code) for numbers without a country code")
	fl.StringVar(&l.Channel, "channel", channel, "the channel opted out of: voice, sms, whatsapp, email, all")
	fl.StringVar(&l.NumberCol, "number-col", "", number+" column: header name or 1-based number (default: detected)")
	fl.StringVar(&l.TimeCol, "time-col", "", "the time column (default: detected)")
	fl.StringVar(&l.TimeZone, "tz", "UTC", "time zone of times written without one (IANA name, e.g. Europe/Madrid)")
	fl.StringVar(&l.Encoding, "encoding", "", "text encoding of a CSV log (default: detected)")
	fl.StringVar(&l.Delimiter, "delimiter", "", "CSV delimiter: , ; tab | (default: detected)")
	bindConfig(fl, "region")
}

// parsedLogFlags are what the flags say, checked.
type parsedLogFlags struct {
	channel scrub.Channel
	norm    *scrub.Normalizer
	loc     *time.Location
	read    importers.Options
}

func (l *logFlags) parse() (parsedLogFlags, error) {
	var p parsedLogFlags
	var err error
	if p.channel, err = scrub.ParseOptOutChannel(l.Channel); err != nil {
		return p, &usageError{err: fmt.Errorf("--channel: %w", err)}
	}
	if p.norm, err = scrub.NewNormalizer(l.Region); err != nil {
		return p, &usageError{err: fmt.Errorf("--region: %w", err)}
	}
	if p.loc, err = time.LoadLocation(l.TimeZone); err != nil {
		return p, usageErrorf("--tz: %q is not a time zone such as Europe/Madrid", l.TimeZone)
	}
	enc, err := importers.ParseEncoding(l.Encoding)
	if err != nil {
		return p, &usageError{err: fmt.Errorf("--encoding: %w", err)}
	}
	delim, err := importers.ParseDelimiter(l.Delimiter)
	if err != nil {
		return p, &usageError{err: fmt.Errorf("--delimiter: %w", err)}
	}
	p.read = importers.Options{Encoding: enc, Delimiter: delim}
	return p, nil
}
