package exporters

import (
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dncctl/dncctl/importers"
)

// TestRoundTrip reads what the writers write with the importers, as a
// clean list fed back into dncctl is: every field comes back as it was,
// but for a CSV value a spreadsheet would run as a formula, which comes
// back neutralized (an .xlsx cell is text, never a formula).
func TestRoundTrip(t *testing.T) {
	for _, format := range []Format{CSV, XLSX} {
		t.Run(string(format), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "clean"+format.Ext())
			writeAll(t, path, format, Options{TextColumns: []string{"phone"}})
			r, err := importers.Open(path, importers.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := r.Header(); !reflect.DeepEqual(got, header) {
				t.Errorf("header = %q, want %q", got, header)
			}
			var got [][]string
			var nums []int
			for {
				fields, n, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, fields)
				nums = append(nums, n)
			}
			want := rows
			if format == CSV {
				want = nil
				for _, r := range rows {
					want = append(want, neutralized(r))
				}
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("rows = %q\nwant %q", got, want)
			}
			if want := []int{2, 3, 4, 5, 6}; !reflect.DeepEqual(nums, want) {
				t.Errorf("row numbers = %v, want %v", nums, want)
			}
		})
	}
}
