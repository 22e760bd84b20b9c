package exporters

import "testing"

// FuzzNeutralize checks that a CSV value either comes out as it was or
// with one leading apostrophe, and that nothing a spreadsheet would run
// comes out as it was.
func FuzzNeutralize(f *testing.F) {
	for _, s := range []string{`=HYPERLINK("x")`, "+34 612 345 678", "-5", "@A1", "+cmd|' /C calc'!A0", "plain", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		n := neutralize(v)
		if n != v && n != "'"+v {
			t.Fatalf("neutralize(%q) = %q", v, n)
		}
		if n == v && v != "" && (v[0] == '=' || v[0] == '@' || v[0] == '\t' || v[0] == '\r') {
			t.Fatalf("neutralize(%q) left a formula as it was", v)
		}
	})
}
