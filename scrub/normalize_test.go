package scrub

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func mustNormalizer(t testing.TB, region string) *Normalizer {
	t.Helper()
	n, err := NewNormalizer(region)
	if err != nil {
		t.Fatalf("NewNormalizer(%q): %v", region, err)
	}
	return n
}

func TestNormalize(t *testing.T) {
	const esMobile, cnMobile = "+34612345678", "+8613800138000"
	tests := []struct {
		region, raw string
		want        Number
	}{
		// Spain, national notations.
		{"ES", "612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "612-345-678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "612.345.678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "612345678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "\u00a0612 345 678\u00a0", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "\ufeff612345678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "91 234 56 78", Number{E164: "+34912345678", Type: "fixed_line", Region: "ES"}},
		// Spain, international notations, with and without a default region.
		{"ES", "+34 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "+34 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"CN", "+34 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "+34-612-345-678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "(+34) 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "0034612345678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "0034612345678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "00 34 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "(0034) 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "(0034) 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"US", "(0034) 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "+34 (0) 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "+34 (0) 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"US", "0034 (0) 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "+44 (0)20 7946 0958", Number{E164: "+442079460958", Type: "fixed_line", Region: "GB"}},
		{"", "tel:+34612345678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"ES", "tel:+34612345678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"", "tel:0034612345678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		{"US", "011 34 612 345 678", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
		// Extensions are reported apart and left out of the E.164.
		{"ES", "612345678 ext. 42", Number{E164: esMobile, Type: "mobile", Region: "ES", Extension: "42"}},
		{"ES", "612345678 x42", Number{E164: esMobile, Type: "mobile", Region: "ES", Extension: "42"}},
		{"", "tel:+34612345678;ext=42", Number{E164: esMobile, Type: "mobile", Region: "ES", Extension: "42"}},
		// China.
		{"CN", "138 0013 8000", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"CN", "+86 138 0013 8000", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"CN", "0086 13800138000", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		// The US dials 011, not 00, abroad: a 0086 number must still mean +86.
		{"US", "0086 13800138000", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"US", "(0086) 138 0013 8000", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"", "0086 13800138000", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"CN", "8613800138000", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"CN", "１３８００１３８０００", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"", "＋８６１３８００１３８０００", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		{"", "００８６１３８００１３８０００", Number{E164: cnMobile, Type: "mobile", Region: "CN"}},
		// United States. libphonenumber cannot tell US fixed lines from mobiles.
		{"US", "(415) 555-2671", Number{E164: "+14155552671", Type: "fixed_line_or_mobile", Region: "US"}},
		{"US", "1-800-FLOWERS", Number{E164: "+18003569377", Type: "toll_free", Region: "US"}},
		{"ES", "00 1 415 555 2671", Number{E164: "+14155552671", Type: "fixed_line_or_mobile", Region: "US"}},
		// Other scripts' digits.
		{"ES", "٦١٢٣٤٥٦٧٨", Number{E164: esMobile, Type: "mobile", Region: "ES"}},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.raw, func(t *testing.T) {
			got, err := mustNormalizer(t, tt.region).Normalize(tt.raw)
			if err != nil {
				t.Fatalf("Normalize(%q) with region %q: %v", tt.raw, tt.region, err)
			}
			if !sameNumber(got, tt.want) {
				t.Errorf("Normalize(%q) with region %q = %+v, want %+v", tt.raw, tt.region, got, tt.want)
			}
		})
	}
}

func TestNormalizeNoPhone(t *testing.T) {
	for _, region := range []string{"", "ES"} {
		for _, raw := range []string{"", "   ", "\t\u00a0\ufeff"} {
			got, err := mustNormalizer(t, region).Normalize(raw)
			if !errors.Is(err, ErrNoPhone) {
				t.Errorf("Normalize(%q) with region %q: err = %v, want ErrNoPhone", raw, region, err)
			}
			if got.E164 != "" || got.Type != "" {
				t.Errorf("Normalize(%q) with region %q = %+v, want the zero Number", raw, region, got)
			}
		}
	}
}

func TestNormalizeInvalid(t *testing.T) {
	tests := []struct {
		region, raw string
		detail      string
	}{
		{"", "abc", "not a phone number"},
		{"ES", "abc", "not a phone number"},
		{"ES", "n/a", "not a phone number"},
		{"", "+", "not a phone number"},
		{"", "612345678", "no country code and no default region (give --region)"},
		{"", "612 345 678 ext. 42", "no country code and no default region (give --region)"},
		{"ES", "61234", "too short for ES (+34)"},
		{"", "+34 6123", "too short for ES (+34)"},
		{"ES", "0034", "too short to be a phone number"},
		{"ES", "612345678901", "too long for ES (+34)"},
		{"", "+3461234567890123", "too long for ES (+34)"},
		{"ES", "6123456789012345678", "too long to be a phone number"},
		{"ES", "412 345 678", "not a valid number in ES (+34)"},
		{"ES", "012 345 678", "not a valid number in ES (+34)"},
		{"US", "(123) 456-7890", "not a valid number in US (+1)"},
		{"US", "(415) 123-4567", "not a valid number in US (+1)"},
		{"CN", "12345678901", "not a valid number in CN (+86)"},
		{"", "+999 1234567", "unknown country code"},
		{"", "0099 9123 4567", "unknown country code"},
	}
	for _, tt := range tests {
		t.Run(tt.region+"/"+tt.raw, func(t *testing.T) {
			got, err := mustNormalizer(t, tt.region).Normalize(tt.raw)
			var inv *InvalidError
			if !errors.As(err, &inv) {
				t.Fatalf("Normalize(%q) with region %q = %+v, %v; want an *InvalidError", tt.raw, tt.region, got, err)
			}
			if inv.Detail != tt.detail {
				t.Errorf("Normalize(%q) with region %q: detail %q, want %q", tt.raw, tt.region, inv.Detail, tt.detail)
			}
			if inv.Raw != tt.raw {
				t.Errorf("InvalidError.Raw = %q, want %q", inv.Raw, tt.raw)
			}
			if err.Error() != tt.detail {
				t.Errorf("Error() = %q, want the detail %q", err.Error(), tt.detail)
			}
			if got.E164 != "" || got.Type != "" {
				t.Errorf("Normalize(%q) returned %+v with its error, want the zero Number", tt.raw, got)
			}
		})
	}
}

func TestNewNormalizer(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""}, {"ES", "ES"}, {"es", "ES"}, {" cn ", "CN"}, {"Us", "US"},
	} {
		n, err := NewNormalizer(tt.in)
		if err != nil {
			t.Errorf("NewNormalizer(%q): %v", tt.in, err)
			continue
		}
		if n.Region() != tt.want {
			t.Errorf("NewNormalizer(%q).Region() = %q, want %q", tt.in, n.Region(), tt.want)
		}
	}
	// ZZ and 001 are libphonenumber's "unknown" and "non-geographic" codes, not regions.
	for _, bad := range []string{"XX", "Spain", "ESP", "ZZ", "001", "E"} {
		n, err := NewNormalizer(bad)
		if err == nil {
			t.Errorf("NewNormalizer(%q) = %+v, want an error", bad, n)
			continue
		}
		if !strings.Contains(err.Error(), "unknown region") || !strings.Contains(err.Error(), "ISO 3166") {
			t.Errorf("NewNormalizer(%q): error %q does not say the region is unknown and what is wanted", bad, err)
		}
	}
}

func TestIsKnownRegion(t *testing.T) {
	for _, r := range []string{"ES", "es", "CN", "US", "GB"} {
		if !IsKnownRegion(r) {
			t.Errorf("IsKnownRegion(%q) = false, want true", r)
		}
	}
	for _, r := range []string{"", "XX", "ZZ", "Spain"} {
		if IsKnownRegion(r) {
			t.Errorf("IsKnownRegion(%q) = true, want false", r)
		}
	}
}

func TestTypeNameUnknown(t *testing.T) {
	if got := TypeName(-42); got != "unknown" {
		t.Errorf("TypeName(-42) = %q, want unknown", got)
	}
}

// FuzzNormalize checks that Normalize never panics, and that what it accepts
// is E.164 that normalizes again to itself.
func FuzzNormalize(f *testing.F) {
	for _, seed := range []struct{ raw, region string }{
		{"612 345 678", "ES"},
		{"+34 (0) 612 345 678", ""},
		{"(0034) 612 345 678", "US"},
		{"0086 13800138000", "US"},
		{"１３８００１３８０００", "CN"},
		{"1-800-FLOWERS", "US"},
		{"612345678 ext. 42", "ES"},
	} {
		f.Add(seed.raw, seed.region)
	}
	noRegion := mustNormalizer(f, "")
	f.Fuzz(func(t *testing.T, raw, region string) {
		normalizers := []*Normalizer{noRegion}
		if n, err := NewNormalizer(region); err == nil {
			normalizers = append(normalizers, n)
		}
		for _, n := range normalizers {
			num, err := n.Normalize(raw)
			if err != nil {
				var inv *InvalidError
				if !errors.Is(err, ErrNoPhone) && !errors.As(err, &inv) {
					t.Fatalf("Normalize(%q) with region %q: error %T %v, want ErrNoPhone or *InvalidError", raw, n.Region(), err, err)
				}
				if inv != nil && inv.Detail == "" {
					t.Fatalf("Normalize(%q) with region %q: *InvalidError without a detail", raw, n.Region())
				}
				continue
			}
			if !isE164(num.E164) {
				t.Fatalf("Normalize(%q) with region %q: E164 %q is not + and digits", raw, n.Region(), num.E164)
			}
			if num.Type == "" || num.Region == "" {
				t.Fatalf("Normalize(%q) with region %q = %+v: no type or region", raw, n.Region(), num)
			}
			again, err := noRegion.Normalize(num.E164)
			if err != nil {
				t.Fatalf("Normalize(%q) with region %q = %+v, but its E164 does not normalize again: %v", raw, n.Region(), num, err)
			}
			if again.E164 != num.E164 || again.Type != num.Type {
				t.Fatalf("Normalize(%q) with region %q = %+v, but Normalize(%q) = %+v", raw, n.Region(), num, num.E164, again)
			}
		}
	})
}

func isE164(s string) bool {
	digits, ok := strings.CutPrefix(s, "+")
	if !ok || digits == "" {
		return false
	}
	for _, r := range digits {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Italy keeps the 0 after its country code, so "(0)" there is part of the
// number; elsewhere it is the trunk prefix and is dropped. "TEL:" is a URI
// scheme in any case.
func TestNormalizeTrunkZeroAndTelScheme(t *testing.T) {
	n, err := NewNormalizer("")
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]string{
		"+39 (0)6 1234 5678":  "+390612345678",
		"+34 (0) 612 345 678": "+34612345678",
		"+44 (0)20 7946 0958": "+442079460958",
		"TEL:+34612345678":    "+34612345678",
		"Tel:+34 612 345 678": "+34612345678",
	} {
		got, err := n.Normalize(raw)
		if err != nil || got.E164 != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", raw, got.E164, err, want)
		}
	}
}

func TestNormalizeExtensionWords(t *testing.T) {
	cn := mustNormalizer(t, "CN")
	es := mustNormalizer(t, "ES")
	for _, tc := range []struct {
		n         *Normalizer
		raw       string
		e164, ext string
	}{
		{cn, "010 1234 5678 转 42", "+861012345678", "42"},
		{cn, "01012345678转42", "+861012345678", "42"},
		{cn, "+86 10 1234 5678 分机 42", "+861012345678", "42"},
		{es, "912 345 678 extensión 42", "+34912345678", "42"},
		{es, "912 345 678 anexo 7", "+34912345678", "7"},
	} {
		got, err := tc.n.Normalize(tc.raw)
		if err != nil || got.E164 != tc.e164 || got.Extension != tc.ext {
			t.Errorf("Normalize(%q) = %+v, %v; want %s ext %s", tc.raw, got, err, tc.e164, tc.ext)
		}
	}
}

// sameNumber compares what the tables above state: E.164, type, region and
// extension (time zones are tested in TestNumberTimezones).
func sameNumber(a, b Number) bool {
	return a.E164 == b.E164 && a.Type == b.Type && a.Region == b.Region && a.Extension == b.Extension
}

func TestNumberTimezones(t *testing.T) {
	n := mustNormalizer(t, "")
	for raw, want := range map[string]string{"+34612345678": "Europe/Madrid", "+8613800138000": "Asia/Shanghai", "+12125550123": "America/New_York"} {
		got, err := n.Normalize(raw)
		if err != nil || len(got.Timezones) == 0 || got.Timezones[0] != want {
			t.Errorf("Normalize(%q).Timezones = %v, %v; want [%s]", raw, got.Timezones, err, want)
		}
	}
}

// The normalizer for a few numbers (dncctl check) leaves out the fast path
// and answers as the scrub's does, default region included.
func TestNormalizerForFew(t *testing.T) {
	for _, region := range []string{"", "es", "US", "CN"} {
		few, err := NewNormalizerForFew(region)
		if err != nil {
			t.Fatal(err)
		}
		many, err := NewNormalizer(region)
		if err != nil {
			t.Fatal(err)
		}
		if !few.slowOnly || few.Region() != many.Region() {
			t.Fatalf("region %q: slowOnly %v, region %q; want the slow path and %q", region, few.slowOnly, few.Region(), many.Region())
		}
		for _, raw := range []string{"612 345 678", "+34 612 345 678", "138 0013 8000", "(415) 555-2671", "0086 139 0013 9000", "12", "call me"} {
			a, errA := few.Normalize(raw)
			b, errB := many.Normalize(raw)
			if !reflect.DeepEqual(a, b) || fmt.Sprint(errA) != fmt.Sprint(errB) {
				t.Errorf("region %q, %q: %+v, %v; scrub's normalizer: %+v, %v", region, raw, a, errA, b, errB)
			}
		}
	}
	if _, err := NewNormalizerForFew("XX"); err == nil {
		t.Error("NewNormalizerForFew(XX): no error")
	}
}
