package main

import (
	"regexp"
	"strings"
)

// phoneLike is a run of digits written as a phone number may be: with a
// leading +, spaces, dots, dashes and brackets between them. Dates and
// times come first, so that they are matched whole and left alone.
var phoneLike = regexp.MustCompile(`\d{4}[-/]\d{2}[-/]\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{2}:\d{2}(?::\d{2})?|\+?\(?\d[\d \-.()/]*\d`)

// dateLike is a date or time, which is not a number to hide.
var dateLike = regexp.MustCompile(`^(?:\d{4}[-/]\d{2}[-/]\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?|\d{2}:\d{2}(?::\d{2})?)$`)

// maskNumbers hides the phone numbers in s, for logs: a run of 7 or more
// digits keeps its first three and last two (+34 6** *** *78), so that a
// person can tell numbers apart without the log holding them whole.
func maskNumbers(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range phoneLike.FindAllStringIndex(s, -1) {
		m := s[loc[0]:loc[1]]
		if dateLike.MatchString(m) || inHash(s, loc[0], loc[1]) || rowNumber(s, loc[0], loc[1]) {
			continue
		}
		b.WriteString(s[last:loc[0]])
		b.WriteString(maskDigits(m))
		last = loc[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// rowNumber reports whether s[i:j], all digits, is a row or line number
// ("row 1048576, column 2"): where in a file an error is, which a message
// must give whole. Digits with spaces after "row " are masked as ever.
func rowNumber(s string, i, j int) bool {
	for k := i; k < j; k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return strings.HasSuffix(s[:i], "row ") || strings.HasSuffix(s[:i], "line ")
}

// maskDigits keeps the first three and last two digits of m, if it has 7 or more.
func maskDigits(m string) string {
	digits := 0
	for i := 0; i < len(m); i++ {
		if m[i] >= '0' && m[i] <= '9' {
			digits++
		}
	}
	if digits < 7 {
		return m
	}
	out := []byte(m)
	seen := 0
	for i := range out {
		if out[i] >= '0' && out[i] <= '9' {
			seen++
			if seen > 3 && seen <= digits-2 {
				out[i] = '*'
			}
		}
	}
	return string(out)
}

// inHash reports whether s[i:j] lies in a word of 16 or more hex digits,
// some of them letters: a SHA-256 or a key's fingerprint, whose digits are
// not a phone number. A
// number inside any other word (callback_34612345699.csv) is masked.
func inHash(s string, i, j int) bool {
	for i > 0 && isWordByte(s[i-1]) {
		i--
	}
	for j < len(s) && isWordByte(s[j]) {
		j++
	}
	if j-i < 16 {
		return false
	}
	letters := false
	for k := i; k < j; k++ {
		switch c := s[k]; {
		case c >= '0' && c <= '9':
		case c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
			letters = true
		default:
			return false
		}
	}
	return letters // 16 digits alone could be a number run together
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}
