package exporters

// neutralize makes a CSV value safe to open in a spreadsheet: one that
// Excel or LibreOffice would run as a formula (=HYPERLINK(…), @SUM(…),
// +cmd|'/c calc'!A1, -2+3+cmd|…, a leading tab or carriage return) gets a
// leading apostrophe, which spreadsheets show as text. A value starting
// with + or - that calls nothing (+34 612 345 678 ext 12, -5,
// +1 (555) 123-4567) is left as it is, so that the dialer reads the
// numbers it always read.
func neutralize(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '@', '\t', '\r':
		return "'" + v
	case '+', '-':
		if callsSomething(v) {
			return "'" + v
		}
	}
	return v
}

// callsSomething reports whether a formula could do more than arithmetic:
// call a function (a letter then "("), reach another program or sheet
// (| and !), or build text (", &).
func callsSomething(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '|', '!', '"', '&', '=', '@', ';':
			return true
		case '(':
			if i > 0 && isLetter(v[i-1]) {
				return true
			}
		}
	}
	return false
}

func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_'
}
