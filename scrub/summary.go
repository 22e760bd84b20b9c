package scrub

// Counts are what a run, or one file of it, did. RowsRead is always
// RowsClean + RowsRejected. Reasons counts the lines of the rejection
// reports: one per number removed, from dropped rows and (NumbersRemoved of
// them) from kept rows.
type Counts struct {
	RowsRead       int            `json:"rows_read"`
	RowsClean      int            `json:"rows_clean"`
	RowsRejected   int            `json:"rows_rejected"`
	NumbersRemoved int            `json:"numbers_removed_from_kept_rows"`
	Reasons        map[Reason]int `json:"reasons"`
	// RegionMismatches are callable numbers in another country than their
	// row's region (--region or --region-col): rejected with --strict-region.
	RegionMismatches int `json:"region_mismatches"`
	// UnknownRegions are rows whose region cell is not a known country.
	UnknownRegions int `json:"unknown_region_values"`
	// Extensions are callable numbers written with an extension: it is not
	// in phone_e164 (the phone cell keeps it).
	Extensions int `json:"numbers_with_extension"`
	// WhitelistConflicts are whitelisted numbers suppressed anyway (opted
	// out or blacklisted): someone should look at why.
	WhitelistConflicts int `json:"whitelist_conflicts"`
	// PendingAllowed are callable numbers still in the review queue, let
	// through because the run allowed pending reviews (--allow-pending).
	PendingAllowed int `json:"pending_review_allowed"`
	// CleanByRegion counts the callable numbers of each region.
	CleanByRegion map[string]int `json:"clean_numbers_by_region"`
	// CleanByType counts the callable numbers of each number type (mobile,
	// fixed_line…).
	CleanByType map[string]int `json:"clean_numbers_by_type,omitempty"`
	// RejectedByRegion and RejectedByType count the numbers removed (the
	// report's lines) by the region and type of the number: a value that is
	// not a valid number has neither, and is counted under "".
	RejectedByRegion map[string]int `json:"rejected_numbers_by_region,omitempty"`
	RejectedByType   map[string]int `json:"rejected_numbers_by_type,omitempty"`
}

// Summary counts what a run did, in all and file by file.
type Summary struct {
	Counts
	Files []*FileSummary `json:"files"`
}

// FileSummary counts what a run did with one input file.
type FileSummary struct {
	Input        string   `json:"input"`
	PhoneColumns []string `json:"phone_columns"`
	// Sheets are the workbook sheets scrubbed, in order.
	Sheets []string `json:"sheets,omitempty"`
	// TitleRowsSkipped are rows above the header: titles, not leads.
	TitleRowsSkipped int    `json:"title_rows_skipped"`
	Clean            string `json:"clean,omitempty"`
	Rejected         string `json:"rejected,omitempty"`
	Counts
}

// NewSummary returns a summary with every reason at zero, so reports list
// them all.
func NewSummary() *Summary {
	return &Summary{Counts: Counts{Reasons: zeroReasons()}, Files: []*FileSummary{}}
}

func zeroReasons() map[Reason]int {
	m := make(map[Reason]int, len(Reasons))
	for _, r := range Reasons {
		m[r] = 0
	}
	return m
}

// file returns the summary of the named input, adding it if it is new.
func (s *Summary) file(name string) *FileSummary {
	if f := s.File(name); f != nil {
		return f
	}
	f := &FileSummary{Input: name, Counts: Counts{Reasons: zeroReasons()}}
	s.Files = append(s.Files, f)
	return f
}

// File returns the summary of the named input, or nil.
func (s *Summary) File(name string) *FileSummary {
	for _, f := range s.Files {
		if f.Input == name {
			return f
		}
	}
	return nil
}

func (c *Counts) count(v rowVerdict) {
	c.RowsRead++
	if v.clean != nil {
		c.RowsClean++
		c.NumbersRemoved += len(v.reasons)
	} else {
		c.RowsRejected++
	}
	for _, r := range v.reasons {
		c.Reasons[r]++
	}
	c.Extensions += v.extensions
	c.WhitelistConflicts += v.conflicts
	c.PendingAllowed += v.pendingPassed
	c.RegionMismatches += v.mismatches
	if v.unknownRegion {
		c.UnknownRegions++
	}
	if len(v.regions) > 0 && c.CleanByRegion == nil {
		c.CleanByRegion = map[string]int{}
	}
	for _, r := range v.regions {
		c.CleanByRegion[r]++
	}
	tally(&c.CleanByType, v.types, func(t string) string { return t })
	tally(&c.RejectedByRegion, v.removed, func(n Number) string { return n.Region })
	tally(&c.RejectedByType, v.removed, func(n Number) string { return n.Type })
}

// tally adds one to *m for the key of each item, making the map on first
// use: a run with nothing to count keeps it nil, and out of the JSON.
func tally[T any](m *map[string]int, items []T, key func(T) string) {
	if len(items) > 0 && *m == nil {
		*m = map[string]int{}
	}
	for _, it := range items {
		(*m)[key(it)]++
	}
}
