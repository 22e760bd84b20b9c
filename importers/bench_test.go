package importers

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// BenchmarkCSVRead reads a 100k-row lead file, detection and decoding included.
func BenchmarkCSVRead(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,name,phone,city\n")
	for i := 0; i < 100_000; i++ {
		fmt.Fprintf(&sb, "%d,Lead %d,+34 6%08d,Madrid\n", i, i, i)
	}
	path := filepath.Join(b.TempDir(), "leads.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, _, err := r.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
}

// BenchmarkXLSXRead reads a 100k-row workbook, written as excelize's
// stream writer writes one (inline strings, numbers), with the fast
// reader and with excelize alone.
func BenchmarkXLSXRead(b *testing.B) {
	path := filepath.Join(b.TempDir(), "leads.xlsx")
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"id", "name", "phone", "country", "city", "vendor"}); err != nil {
		b.Fatal(err)
	}
	cities := []string{"Madrid", "Berlin", "上海", "Paris", "Mumbai"}
	for i := 1; i <= 100_000; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := []any{i, fmt.Sprintf("Lead %d", i), fmt.Sprintf("+34 6%08d", i), "ES", cities[i%len(cities)], 612000000 + i}
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		b.Fatal(err)
	}
	f.Close()
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, fast := range []bool{true, false} {
		name := map[bool]string{true: "fast", false: "excelize"}[fast]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(info.Size())
			for b.Loop() {
				if n := readXLSXRows(b, path, fast); n != 100_000 {
					b.Fatalf("%d rows", n)
				}
			}
		})
	}
}

// BenchmarkXLSXReadFile reads the workbook DNCCTL_XLSX_BENCH names (such
// as bench/data/leads-v2-1000000.xlsx) with the fast reader, with the
// excelize reader, and with one excelize Rows pass (the bench's baseline).
func BenchmarkXLSXReadFile(b *testing.B) {
	path := os.Getenv("DNCCTL_XLSX_BENCH")
	if path == "" {
		b.Skip("DNCCTL_XLSX_BENCH names no workbook")
	}
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			readXLSXRows(b, path, true)
		}
	})
	b.Run("excelize", func(b *testing.B) {
		for b.Loop() {
			readXLSXRows(b, path, false)
		}
	})
	b.Run("excelize-one-pass", func(b *testing.B) {
		for b.Loop() {
			f, err := excelize.OpenFile(path)
			if err != nil {
				b.Fatal(err)
			}
			rows, err := f.Rows(f.GetSheetName(0))
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				if _, err := rows.Columns(); err != nil {
					b.Fatal(err)
				}
			}
			rows.Close()
			f.Close()
		}
	})
}

// readXLSXRows opens path, reads it to the end and returns the rows read.
func readXLSXRows(b *testing.B, path string, fast bool) int {
	x, err := openXLSXReader(path, "", fast)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	n := 0
	for {
		if _, _, err := x.Next(); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if fast && x.fast == nil {
		b.Fatalf("the fast reader handed over after %d rows", x.fastRows)
	}
	return n
}
