package exporters

import (
	"bytes"
	"encoding/csv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// csvOracle is what the CSV writer must write for rows: encoding/csv's
// Writer, with every value neutralized.
func csvOracle(t testing.TB, header []string, rows [][]string, bom bool) []byte {
	var b bytes.Buffer
	if bom {
		b.WriteString("\ufeff")
	}
	w := csv.NewWriter(&b)
	for _, r := range append([][]string{header}, rows...) {
		if err := w.Write(neutralized(r)); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

func writeCSVFile(t testing.TB, header []string, rows [][]string, bom bool) []byte {
	path := filepath.Join(t.TempDir(), "out.csv")
	w, err := Create(path, CSV, header, Options{ExcelBOM: bom})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestCSVWriterMatchesEncodingCSV holds the CSV writer to encoding/csv's
// bytes on values made of what quoting and neutralizing look at: commas,
// quotes, CR, LF, spaces of every kind first, formula starts, `\.`, and
// enough rows to cross the writer's buffer many times.
func TestCSVWriterMatchesEncodingCSV(t *testing.T) {
	pieces := []string{"", "a", "Ana", "612 345 678", "+34 612", ",", "\"", "\r", "\n", "\r\n", " ", "\t", "\v", "\f",
		"\u0085", "\u00a0", "\u2028", "\u3000", "\ufeff", "=", "@", "+", "-", "|", "(", "SUM(", `\.`, `\`, ".", "é", "中",
		"\x00", "\xff", "\xe2\x80"}
	rng := rand.New(rand.NewPCG(7, 11))
	value := func() string {
		var b strings.Builder
		for range rng.IntN(5) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	header := []string{"id", " name", "phone,x", `\.`}
	var rows [][]string
	for range 60000 {
		r := make([]string, 1+rng.IntN(6))
		for i := range r {
			r[i] = value()
		}
		rows = append(rows, r)
	}
	for _, p := range pieces {
		rows = append(rows, []string{p}, []string{p, p})
	}
	for _, bom := range []bool{false, true} {
		got, want := writeCSVFile(t, header, rows, bom), csvOracle(t, header, rows, bom)
		if len(got) < csvFlushAt*2 {
			t.Fatalf("%d bytes written: the test no longer crosses the writer's buffer", len(got))
		}
		if !bytes.Equal(got, want) {
			i := 0
			for i < len(got) && i < len(want) && got[i] == want[i] {
				i++
			}
			t.Fatalf("bom %v: differs from encoding/csv at byte %d: %q, want %q", bom, i,
				got[max(0, i-20):min(len(got), i+20)], want[max(0, i-20):min(len(want), i+20)])
		}
	}
}

// FuzzCSVWriter holds the CSV writer to encoding/csv on any two values.
func FuzzCSVWriter(f *testing.F) {
	for _, s := range [][2]string{{"a", "b"}, {" x", "y,z"}, {`\.`, "\"q\""}, {"\u3000a", "=1+1"}, {"\r\n", ""}, {"\xff", "\u0085"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		rows := [][]string{{a, b}, {b}, {a}}
		if got, want := writeCSVFile(t, []string{"h"}, rows, false), csvOracle(t, []string{"h"}, rows, false); !bytes.Equal(got, want) {
			t.Fatalf("wrote %q, encoding/csv %q", got, want)
		}
	})
}
