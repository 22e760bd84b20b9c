package scrub

import (
	"errors"
	"io"
	"reflect"
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
