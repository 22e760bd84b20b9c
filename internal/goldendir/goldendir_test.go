package goldendir

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// recorder keeps the failures Check reports instead of failing the test.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func write(t *testing.T, dir string, files map[string]string) {
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCheck(t *testing.T) {
	fresh, committed := t.TempDir(), t.TempDir()
	write(t, fresh, map[string]string{"a.csv": "1", "man/b.1": "2", "c.txt": "3"})
	write(t, committed, map[string]string{"a.csv": "1", "man/b.1": "edited by hand", "stray.csv": "x"})
	r := &recorder{TB: t}
	Check(r, fresh, committed, "regenerate")
	got := strings.Join(r.errs, "\n")
	for _, want := range []string{"man/b.1 is not what the generator writes", "c.txt is missing", "stray.csv is not written by the generator"} {
		if !strings.Contains(got, want) {
			t.Errorf("failures %q lack %q", got, want)
		}
	}
	if len(r.errs) != 3 {
		t.Errorf("%d failures, want 3: %q", len(r.errs), r.errs)
	}
	r = &recorder{TB: t}
	Check(r, fresh, fresh, "regenerate")
	if len(r.errs) != 0 {
		t.Errorf("identical trees: %q", r.errs)
	}
}
