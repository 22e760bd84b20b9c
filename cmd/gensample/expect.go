package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The reasons, in the order dncctl's summaries print them.
var reasons = []string{"NO_PHONE", "INVALID_NUMBER", "BLACKLISTED", "OPTED_OUT", "DUPLICATE"}

// result is what a voice scrub must report, under the names of the
// --summary-json fields.
type result struct {
	RowsRead     int            `json:"rows_read"`
	RowsClean    int            `json:"rows_clean"`
	RowsRejected int            `json:"rows_rejected"`
	Reasons      map[string]int `json:"reasons"`
}

// verdicts works out, from what the generator put in each row, the reason
// each row of files gets ("" for clean) in one voice scrub of files in order,
// after the lists are imported. It applies dncctl's rules itself rather than
// running dncctl: the sample is there to check dncctl.
func (s *sample) verdicts(files ...[]row) [][]string {
	blacklisted := set(s.blacklist)
	optedOut := set(s.optOut) // SMS opt-outs do not apply to a voice campaign
	seen := map[string]bool{} // numbers already written clean in this run
	out := make([][]string, len(files))
	for i, rows := range files {
		for _, r := range rows {
			reason := ""
			switch {
			case r.e164 == "" && !r.junk:
				reason = "NO_PHONE"
			case r.junk:
				reason = "INVALID_NUMBER"
			case blacklisted[r.e164]: // before opt-outs: the blacklist wins
				reason = "BLACKLISTED"
			case optedOut[r.e164]: // every occurrence, and over the whitelist
				reason = "OPTED_OUT"
			case seen[r.e164]: // only a number already written clean is a duplicate
				reason = "DUPLICATE"
			default:
				seen[r.e164] = true
			}
			out[i] = append(out[i], reason)
		}
	}
	return out
}

// expect counts the verdicts of one run.
func (s *sample) expect(files ...[]row) result {
	res := result{Reasons: map[string]int{}}
	for _, r := range reasons {
		res.Reasons[r] = 0
	}
	for _, file := range s.verdicts(files...) {
		for _, reason := range file {
			res.RowsRead++
			if reason == "" {
				res.RowsClean++
				continue
			}
			res.RowsRejected++
			res.Reasons[reason]++
		}
	}
	return res
}

func set(ps []phone) map[string]bool {
	m := make(map[string]bool, len(ps))
	for _, p := range ps {
		m[p.e164()] = true
	}
	return m
}

// results are the expected results keyed as in expected.json.
func (s *sample) results() map[string]result {
	return map[string]result{
		"leads.csv":  s.expect(s.csv),
		"leads.xlsx": s.expect(s.xlsx),
		"combined":   s.expect(s.csv, s.xlsx),
	}
}

// expectedJSON is expected.json; encoding/json sorts map keys, so it is stable.
func (s *sample) expectedJSON() ([]byte, error) {
	b, err := json.MarshalIndent(s.results(), "", "  ")
	return append(b, '\n'), err
}

// readme is README.md, its table filled from the same results as expected.json.
func (s *sample) readme() string {
	res := s.results()
	var t strings.Builder
	t.WriteString("| | leads.csv | leads.xlsx | combined |\n|---|---:|---:|---:|\n")
	line := func(name string, get func(result) int) {
		fmt.Fprintf(&t, "| %s | %d | %d | %d |\n", name, get(res["leads.csv"]), get(res["leads.xlsx"]), get(res["combined"]))
	}
	line("rows_read", func(r result) int { return r.RowsRead })
	line("rows_clean", func(r result) int { return r.RowsClean })
	line("rows_rejected", func(r result) int { return r.RowsRejected })
	for _, reason := range reasons {
		line(reason, func(r result) int { return r.Reasons[reason] })
	}
	return strings.NewReplacer(
		"{{table}}", t.String(),
		"{{csv}}", fmt.Sprint(len(s.csv)), "{{xlsx}}", fmt.Sprint(len(s.xlsx)),
		"{{optout}}", fmt.Sprint(len(s.optOut)), "{{sms}}", fmt.Sprint(len(s.sms)),
		"{{black}}", fmt.Sprint(len(s.blacklist)), "{{white}}", fmt.Sprint(len(s.whitelist)),
		"{{numeric}}", fmt.Sprint(countNumeric(s.xlsx)), "{{cross}}", fmt.Sprint(crossFile),
	).Replace(readmeTemplate)
}

func countNumeric(rows []row) int {
	n := 0
	for _, r := range rows {
		if r.num != 0 {
			n++
		}
	}
	return n
}
