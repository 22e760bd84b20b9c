package scrub

import "testing"

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
