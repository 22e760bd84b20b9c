package exporters

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

// An xlsx output's header has filter buttons (an Excel table) when its names
// allow one: unique and non-empty.
func TestXLSXHeaderFilter(t *testing.T) {
	for _, tc := range []struct {
		header []string
		rows   int
		want   int
	}{
		{[]string{"name", "phone"}, 2, 1},
		{[]string{"name", "phone"}, 0, 0},        // a table needs a data row
		{[]string{"priority", "Priority"}, 2, 0}, // Excel's names are case-blind
		{[]string{"name", ""}, 2, 0},
	} {
		path := filepath.Join(t.TempDir(), "out.xlsx")
		w, err := Create(path, XLSX, tc.header, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < tc.rows; i++ {
			if err := w.Write([]string{"a", "612345678"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := f.GetTables(sheetName)
		f.Close()
		if err != nil || len(tables) != tc.want {
			t.Errorf("header %q with %d rows: %d tables (%v), want %d", tc.header, tc.rows, len(tables), err, tc.want)
		}
	}
}
