package scrub

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// ReasonOutsideHours is a number whose calling window does not hold the
// time the list is for (--callable-at).
const ReasonOutsideHours Reason = "OUTSIDE_CALLING_HOURS"

// Hours is a daily calling window in local time, in minutes after midnight.
type Hours struct{ From, To int }

// ParseHours reads a window such as "09:00-21:00".
func ParseHours(s string) (Hours, error) {
	from, to, ok := strings.Cut(s, "-")
	a, err1 := time.Parse("15:04", strings.TrimSpace(from))
	b, err2 := time.Parse("15:04", strings.TrimSpace(to))
	if !ok || err1 != nil || err2 != nil || !a.Before(b) {
		return Hours{}, fmt.Errorf("%q is not a window such as 09:00-21:00", s)
	}
	return Hours{From: a.Hour()*60 + a.Minute(), To: b.Hour()*60 + b.Minute()}, nil
}

// Window is when a number may be called on one day: the calling hours in
// every time zone it may be in, intersected, in UTC. Empty when no hour of
// that day is legal in all of them.
type Window struct{ Start, End time.Time }

// Empty reports whether no time is in the window.
func (w Window) Empty() bool { return !w.Start.Before(w.End) }

// Contains reports whether t is in the window (its end excluded).
func (w Window) Contains(t time.Time) bool { return !t.Before(w.Start) && t.Before(w.End) }

// String is the window as an ISO 8601 interval in UTC, or "none".
func (w Window) String() string {
	if w.Empty() {
		return "none"
	}
	return w.Start.UTC().Format(time.RFC3339) + "/" + w.End.UTC().Format(time.RFC3339)
}

// CallWindow is the current or next window, from at, in which hours hold in
// every zone the number may be in, in UTC. Zones that cannot be loaded make
// it empty: when in doubt, do not call.
func CallWindow(hours Hours, zones []string, at time.Time) Window {
	locs := make([]*time.Location, len(zones))
	for i, name := range zones {
		loc, err := loadLocation(name)
		if err != nil {
			return Window{}
		}
		locs[i] = loc
	}
	if len(locs) == 0 {
		return Window{}
	}
	t := at
	// Zones a day apart meet within a few turns; give up after a week.
	for turn := 0; turn < 8; turn++ {
		w := Window{Start: t.AddDate(0, 0, -2), End: t.AddDate(0, 0, 3)}
		var first time.Time
		for _, loc := range locs {
			zw := nextWindow(hours, loc, t)
			if zw.Start.After(w.Start) {
				w.Start = zw.Start
			}
			if zw.End.Before(w.End) {
				w.End = zw.End
			}
			if first.IsZero() || zw.End.Before(first) {
				first = zw.End
			}
		}
		if !w.Empty() {
			return Window{Start: w.Start.UTC(), End: w.End.UTC()}
		}
		t = first
	}
	return Window{}
}

// nextWindow is the zone's first window of hours that ends after t.
func nextWindow(hours Hours, loc *time.Location, t time.Time) Window {
	local := t.In(loc)
	var w Window
	for d := -1; d <= 2; d++ {
		if w = dayWindow(hours, loc, local.Year(), local.Month(), local.Day()+d); w.End.After(t) {
			break
		}
	}
	return w
}

// dayWindow is the hours of one local day. The bounds are read off the
// wall clock, not added to midnight: on the days the clocks change, a day
// is 23 or 25 hours long and midnight plus 9h is 08:00 or 10:00.
func dayWindow(hours Hours, loc *time.Location, y int, m time.Month, d int) Window {
	return Window{
		Start: time.Date(y, m, d, hours.From/60, hours.From%60, 0, 0, loc),
		End:   time.Date(y, m, d, hours.To/60, hours.To%60, 0, 0, loc),
	}
}

// locations are the zones loaded, by name. time.LoadLocation reads and
// parses the zone's file on every call, a third of the cost of checking a
// number, and a scrub computes a window for every clean row on the one
// goroutine that writes the rows.
var locations sync.Map

// loadLocation is time.LoadLocation, once per zone.
func loadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}
