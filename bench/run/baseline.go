package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"

	"github.com/nyaruka/phonenumbers"
	"github.com/xuri/excelize/v2"
)

// lead is what the nyaruka loop needs of a lead row.
type lead struct{ phone, region string }

// readLeads loads the phone and country columns of a generated lead file
// (before the clock starts: the loop is timed on normalization alone).
func readLeads(path string) ([]lead, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	phone, country := slices.Index(header, "phone"), slices.Index(header, "country")
	if phone < 0 || country < 0 {
		return nil, fmt.Errorf("%s: no phone or country column", path)
	}
	var leads []lead
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return leads, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		leads = append(leads, lead{rec[phone], rec[country]})
	}
}

// nyarukaLoop is the straightforward scrub issue 7 measures against: one
// goroutine, and for each row libphonenumber's Parse with the row's region,
// IsValidNumber, GetNumberType and E.164 formatting. It returns how many
// numbers were valid.
func nyarukaLoop(leads []lead) int {
	valid := 0
	for _, l := range leads {
		num, err := phonenumbers.Parse(l.phone, l.region)
		if err != nil || !phonenumbers.IsValidNumber(num) {
			continue
		}
		if phonenumbers.GetNumberType(num) != phonenumbers.UNKNOWN && phonenumbers.Format(num, phonenumbers.E164) != "" {
			valid++
		}
	}
	return valid
}

// excelizeRead is excelize's own streaming read of a workbook: the Rows
// iterator over its first sheet, every cell of every row, as Excel shows
// them. It returns the rows read (header included) and the bytes of the
// cells.
func excelizeRead(path string) (int, int, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return 0, 0, err
	}
	n, size := 0, 0
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			return 0, 0, err
		}
		for _, c := range cols {
			size += len(c)
		}
		n++
	}
	if err := rows.Close(); err != nil {
		return 0, 0, err
	}
	return n, size, rows.Error()
}

// settle collects garbage left by the steps before, so that a timed loop
// does not pay for it.
func settle() {
	runtime.GC()
	debug.FreeOSMemory()
}
