package main

// notations is one row per real-world way of writing a phone number, with
// which notation it is, so a report line says what it tests. Scrubbed with
// --region CN: numbers without a country code are Chinese.
var notations = [][2]string{
	{"spaces", "138 1234 5601"},
	{"dots", "138.1234.5602"},
	{"dashes", "138-1234-5603"},
	{"parentheses", "(+86) 138 1234 5604"},
	{"trunk (0)", "+34 (0) 612 345 690"},
	{"plus", "+86 138 1234 5605"},
	{"00", "0034 612 345 691"},
	{"0086", "0086 138 1234 5606"},
	{"86 before 11 digits", "8613812345607"},
	{"full-width digits", "１３８１２３４５６０８"},
	{"full-width plus", "＋８６ １３８ １２３４ ５６０９"},
	{"Arabic-Indic digits", "+٣٤ ٦١٢ ٣٤٥ ٦٩٢"},
	{"tel: URI", "tel:+86-138-1234-5610"},
	{"x42", "+34 612 345 693 x42"},
	{"ext. 42", "+34 612 345 694 ext. 42"},
	{"转42", "138 1234 5611 转42"},
	{"letters", "+1-800-FLOWERS"},
	{"two numbers", "13812345612/13912345613"},
	{"scientific notation", "8.61381E+12"},
}

// notationFixtures is notations.csv.
func notationFixtures() ([]fixture, error) {
	rows := [][]string{{"notation", "姓名", "phone"}}
	names := []string{"张伟", "José", "王芳", "Zoë", "李娜", "Ñoño", "刘洋"}
	for i, n := range notations {
		phone := n[1]
		rows = append(rows, []string{n[0], names[i%len(names)], phone})
	}
	return []fixture{{"notations.csv", "one row per real-world notation (column notation names it): spaces, dots, dashes, parentheses, (0), +, 00, 0086, 86 before 11 digits, full-width digits and ＋, Arabic-Indic digits, tel: URI, extensions (x42, ext. 42, 转42), letters, two numbers in a cell, scientific notation; scrub with --region CN", []byte(joinRows(rows, ",", "\n"))}}, nil
}
