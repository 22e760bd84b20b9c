package scrub

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestParseRegion(t *testing.T) {
	for in, want := range map[string]string{
		"ES": "ES", "es": "ES", "ESP": "ES", "Spain": "ES", "España": "ES", "espana": "ES", "西班牙": "ES",
		"CN": "CN", "China": "CN", "中国": "CN", "中國": "CN", "PRC": "CN",
		"United States": "US", "Estados Unidos": "US", "美国": "US", "USA": "US", "EEUU": "US", "EE.UU.": "US",
		"México": "MX", "Mexico": "MX", "Reino Unido": "GB", "UK": "GB", " germany ": "DE", "Alemania": "DE",
	} {
		got, ok := ParseRegion(in)
		if !ok || got != want {
			t.Errorf("ParseRegion(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "Narnia", "XX", "ZZ", "Europe"} {
		if got, ok := ParseRegion(in); ok {
			t.Errorf("ParseRegion(%q) = %q, want not found", in, got)
		}
	}
}

// foldASCII must fold exactly as foldHeader, or a region would be read
// differently depending on its length or an accent elsewhere in the cell.
func TestFoldASCII(t *testing.T) {
	check := func(s string) {
		t.Helper()
		var buf [32]byte
		got, ok := foldASCII(s, buf[:0])
		if !ok {
			return
		}
		if want := foldHeader(s); string(got) != want {
			t.Errorf("foldASCII(%q) = %q, want %q", s, got, want)
		}
	}
	for c := range 0x80 {
		check(string(rune(c)))
		check("E" + string(rune(c)) + "s")
	}
	for _, s := range []string{"", "ES", " es ", "Spain", "U.S.A.", "united states of america", "E-S", "ES\t", strings.Repeat("x", 32), strings.Repeat("x", 33)} {
		check(s)
	}
	r := rand.New(rand.NewPCG(7, 7))
	for range 100000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(0x80))
		}
		check(string(b))
	}
	var buf [32]byte
	if _, ok := foldASCII("España", buf[:0]); ok {
		t.Error("foldASCII took non-ASCII text")
	}
	if _, ok := foldASCII(strings.Repeat("x", 33), buf[:0]); ok {
		t.Error("foldASCII overran its buffer")
	}
}
