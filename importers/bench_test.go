package importers

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
