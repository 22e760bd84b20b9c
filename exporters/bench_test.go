package exporters

import (
	"path/filepath"
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
