package main

import "testing"

func TestMaskNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"+34 612 345 678":                              "+34 6** *** *78",
		"call 612345678 now":                           "call 612****78 now",
		"0086 138 0013 8000 and +8613800138000":        "008* *** **** **00 and +861********00",
		"no phone column among \"612345678\", \"x\"":   "no phone column among \"612****78\", \"x\"",
		"leads-2026-11-20.csv at 2026-11-20T02:15:00Z": "leads-2026-11-20.csv at 2026-11-20T02:15:00Z",
		"2026-11-20 02:15:00":                          "2026-11-20 02:15:00",
		"run 12: 3 rows, 1048575 bytes":                "run 12: 3 rows, 104**75 bytes",
		"sha256=c0ad7c3feecdb6231234567821fa25cf":      "sha256=c0ad7c3feecdb6231234567821fa25cf",
		"(612345678)":                                  "(612****78)",
		"123456":                                       "123456",
		"a.csv row 1048576, column 2: a NUL byte":      "a.csv row 1048576, column 2: a NUL byte",
		"line 20971521 (in a row from line 3)":         "line 20971521 (in a row from line 3)",
		"row 2 612345678":                              "row 2 61*****78",
	} {
		if got := maskNumbers(in); got != want {
			t.Errorf("maskNumbers(%q) = %q, want %q", in, got, want)
		}
	}
}
