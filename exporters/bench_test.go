package exporters

import (
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkCSVWrite writes and commits a 100k-row clean file.
func BenchmarkCSVWrite(b *testing.B) {
	row := []string{"12345", "Lead", "+34 612 345 678", "Madrid", "+34612345678", "mobile", "ES", ""}
	dir := b.TempDir()
	for b.Loop() {
		w, err := Create(filepath.Join(dir, "out.csv"), CSV, []string{"id", "name", "phone", "city", "phone_e164", "phone_type", "phone_region", "priority"}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 100_000; i++ {
			if err := w.Write(row); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkXLSXWrite writes and commits a 100k-row clean workbook.
func BenchmarkXLSXWrite(b *testing.B) {
	// Rows that differ, as leads do, so that the zip's compression costs
	// what it does on real outputs.
	rows := make([][]string, 1000)
	for i := range rows {
		n := strconv.Itoa(612000000 + i*7919%1000000)
		rows[i] = []string{strconv.Itoa(i), "Lead " + strconv.Itoa(i), n[:3] + " " + n[3:6] + " " + n[6:], "Madrid", "+34" + n, "mobile", "ES", "Europe/Madrid"}
	}
	dir := b.TempDir()
	for b.Loop() {
		w, err := Create(filepath.Join(dir, "out.xlsx"), XLSX, []string{"id", "name", "phone", "city", "phone_e164", "phone_type", "phone_region", "phone_timezones"}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < 100_000; i++ {
			if err := w.Write(rows[i%len(rows)]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}
