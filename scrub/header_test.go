package scrub

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestLocateHeader(t *testing.T) {
	for _, tc := range []struct {
		name        string
		rows        [][]string // the first is what the importer took for the header
		headerRow   int
		wantHeader  []string
		wantSkipped int
		wantFirst   []string
	}{
		{"first row", [][]string{{"name", "phone"}, {"Ana", "612345678"}}, 0, []string{"name", "phone"}, 0, []string{"Ana", "612345678"}},
		{"title rows", [][]string{{"Leads November", "", ""}, {"", "", ""}, {"name", "phone", "city"}, {"Ana", "612345678", "Lugo"}}, 0, []string{"name", "phone", "city"}, 2, []string{"Ana", "612345678", "Lugo"}},
		{"title naming phones", [][]string{{"Lista de teléfonos", ""}, {"nombre", "móvil"}, {"Ana", "612345678"}}, 0, []string{"nombre", "móvil"}, 1, []string{"Ana", "612345678"}},
		{"single column", [][]string{{"phone"}, {"612345678"}}, 0, []string{"phone"}, 0, []string{"612345678"}},
		{"--header-row", [][]string{{"x", "y"}, {"a", "tel"}, {"1", "612345678"}}, 2, []string{"a", "tel"}, 1, []string{"1", "612345678"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, skipped, err := LocateHeader(newSource(tc.rows[0], tc.rows[1:]...), nil, tc.headerRow)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(src.Header(), tc.wantHeader) || skipped != tc.wantSkipped {
				t.Errorf("header %q skipped %d, want %q %d", src.Header(), skipped, tc.wantHeader, tc.wantSkipped)
			}
			first, _, err := src.Next()
			if err != nil || !reflect.DeepEqual(first, tc.wantFirst) {
				t.Errorf("first row %q, %v; want %q", first, err, tc.wantFirst)
			}
			for {
				if _, _, err := src.Next(); errors.Is(err, io.EOF) {
					break
				}
			}
		})
	}
	_, _, err := LocateHeader(newSource([]string{"name", "email"}, []string{"Ana", "a@b"}), nil, 0)
	var ce *ColumnError
	if !errors.As(err, &ce) || !reflect.DeepEqual(ce.Header, []string{"name", "email"}) {
		t.Errorf("no phone column anywhere: err = %v, want a ColumnError with the first row", err)
	}
	if _, _, err := LocateHeader(newSource([]string{"a"}), nil, 5); err == nil {
		t.Error("--header-row past the end: no error")
	}
}

// numberedSource gives its rows with the row numbers a reader that skips
// blank lines gives them.
type numberedSource struct {
	header  []string
	rows    [][]string
	numbers []int
	next    int
}

func (s *numberedSource) Header() []string { return s.header }

func (s *numberedSource) Next() ([]string, int, error) {
	if s.next >= len(s.rows) {
		return nil, 0, io.EOF
	}
	s.next++
	return s.rows[s.next-1], s.numbers[s.next-1], nil
}

// --header-row is the row number a spreadsheet shows, blank rows counted,
// as in the rest of dncctl's messages; not the count of rows read.
func TestLocateHeaderRowNumber(t *testing.T) {
	leads := func() *numberedSource {
		// Leads / (blank) / name,phone / ann / bob
		return &numberedSource{header: []string{"Leads"},
			rows:    [][]string{{"name", "phone"}, {"ann", "612345671"}, {"bob", "612345672"}},
			numbers: []int{3, 4, 5}}
	}
	src, skipped, err := LocateHeader(leads(), nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(src.Header(), []string{"name", "phone"}) || skipped != 1 {
		t.Errorf("header %q, %d skipped; want name,phone and 1", src.Header(), skipped)
	}
	if first, n, err := src.Next(); err != nil || n != 4 || first[0] != "ann" {
		t.Errorf("first row %q (row %d), %v; want ann's, row 4", first, n, err)
	}
	for row, want := range map[int]string{
		2: "header row 2 is blank",
		6: "header row 6: the file has fewer rows",
	} {
		if _, _, err := LocateHeader(leads(), nil, row); err == nil || err.Error() != want {
			t.Errorf("--header-row %d: err = %v, want %q", row, err, want)
		}
	}
	// A workbook whose header has blank rows above it says which row it is.
	sheet := func() Source {
		return headerOnRow{&numberedSource{header: []string{"phone"}, rows: [][]string{{"612345671"}}, numbers: []int{4}}, 3}
	}
	if src, _, err := LocateHeader(sheet(), nil, 3); err != nil || !reflect.DeepEqual(src.Header(), []string{"phone"}) {
		t.Errorf("--header-row 3 of a sheet whose header is row 3: %v", err)
	}
	if _, _, err := LocateHeader(sheet(), nil, 1); err == nil || err.Error() != "header row 1 is blank" {
		t.Errorf("--header-row 1 of a sheet whose header is row 3: err = %v", err)
	}
}

type headerOnRow struct {
	*numberedSource
	row int
}

func (h headerOnRow) HeaderRow() int { return h.row }

// A row is skipped on the way to the header only if it looks like a title:
// a data row whose other columns happen to name a phone column must never
// become the header, its own number unchecked.
func TestLocateHeaderSkipsOnlyTitles(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows [][]string
	}{
		{"data row naming a type", [][]string{{"name", "contacto", "tipo", "otro"}, {"Ann", "612345671", "Mobile", "x"}, {"Bob", "612345672", "Fixed", "y"}}},
		{"two columns", [][]string{{"nombre", "contacto"}, {"Mobile", "612345671"}}},
		{"after a title", [][]string{{"Leads", ""}, {"Ann", "612345671"}, {"Bob", "Mobile"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, _, err := LocateHeader(newSource(tc.rows[0], tc.rows[1:]...), nil, 0)
			var ce *ColumnError
			if !errors.As(err, &ce) || !reflect.DeepEqual(ce.Header, tc.rows[0]) {
				header := []string(nil)
				if src != nil {
					header = src.Header()
				}
				t.Errorf("header %q, err = %v; want a ColumnError with the first row", header, err)
			}
		})
	}
	// --phone-col 2 on a file without a header: its first lead is no header.
	src, _, err := LocateHeader(newSource([]string{"Ann", "612345671"}, []string{"Bob", "612345672"}), []string{"2"}, 0)
	if err == nil || !strings.Contains(err.Error(), "no header row found") {
		t.Errorf("no header, --phone-col 2: err = %v (header %v), want no header row found", err, src)
	}
}
