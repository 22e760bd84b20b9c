package scrub

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// phoneHeaders are header names that mean "the phone number", after
// foldHeader. They are tried before the looser phoneWords.
var phoneHeaders = map[string]bool{
	"phone": true, "phonenumber": true, "phoneno": true, "tel": true, "telephone": true,
	"telephonenumber": true, "telefono": true, "numerodetelefono": true, "mobile": true,
	"mobilephone": true, "mobilenumber": true, "mobileno": true, "movil": true, "cell": true,
	"cellphone": true, "celular": true, "msisdn": true, "contactnumber": true, "number": true,
	"电话": true, "手机": true, "手机号": true, "手机号码": true, "联系电话": true, "电话号码": true,
	"移动电话": true, "联系方式": true, "telefone": true, "portable": true, "handy": true,
	"whatsapp": true, "fax": true, "telefax": true, "tfno": true, "tlf": true, "telf": true, "tel1": true,
	"numero": true, "numerotelefono": true, "numerodemovil": true, "cel": true, "cellular": true,
}

// phoneWords mark a header as a phone column when no header matches exactly
// ("Contact Phone", "Teléfono móvil", "客户手机").
var phoneWords = []string{"phone", "mobile", "telefono", "movil", "celular", "whatsapp", "电话", "手机"}

// foldHeader lowercases a header and drops accents, spaces and punctuation:
// "Teléfono Móvil" and "telefono_movil" both become "telefonomovil".
func foldHeader(h string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(h)) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ColumnError is returned when the phone column cannot be found.
type ColumnError struct {
	Spec   string   // what the user asked for; "" when detecting
	Header []string // the headers found
}

func (e *ColumnError) Error() string {
	found := make([]string, len(e.Header))
	for i, h := range e.Header {
		found[i] = strconv.Quote(h)
	}
	list := strings.Join(found, ", ")
	if list == "" {
		list = "none"
	}
	if e.Spec == "" {
		return "no phone column found (headers: " + list + "); name it with --phone-col"
	}
	return fmt.Sprintf("no column %q (headers: %s)", e.Spec, list)
}

// generatedColumns are columns dncctl writes itself: never read as a lead's
// phone column when a clean file or a report is scrubbed again.
var generatedColumns = map[string]bool{"phone_e164": true, "phone_type": true, "phone_region": true, "phone_raw": true, "phone_column": true,
	"phone_timezone": true, "call_window_utc": true}

// secondaryPhoneHeaders are the other phone columns CRMs export beside the
// main one (after foldHeader, without a trailing number).
var secondaryPhoneHeaders = map[string]bool{
	"altphone": true, "alternatephone": true, "otherphone": true, "homephone": true, "workphone": true,
	"businessphone": true, "secondaryphone": true, "phonealt": true, "mobilephone": true, "cellphone": true,
	"othermobile": true, "altmobile": true, "telefonofijo": true, "telefonomovil": true, "telefono2": true,
	"备用电话": true, "备用手机": true, "座机": true, "固定电话": true,
}

// FindPhoneColumns returns the 0-based indexes of the phone columns. Each
// spec is a header name or a 1-based column number. With no specs the
// columns are detected from the header: every column whose name means a
// phone number ("phone", "Teléfono", "mobile 2", "手机号码", "WhatsApp") or
// contains such a word ("Contact Phone", "Customer Mobile").
func FindPhoneColumns(header []string, specs []string) ([]int, error) {
	if len(specs) > 0 {
		cols := make([]int, 0, len(specs))
		for _, spec := range specs {
			c, err := findColumn(header, strings.TrimSpace(spec))
			if err != nil {
				return nil, err
			}
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
		return cols, nil
	}
	// Every column that may hold a number is checked: a phone column left
	// unchecked would reach the dialer as it is. A column such as "Phone Type"
	// costs nothing, since a value without digits is never taken for a number.
	var cols []int
	for i, h := range header {
		if generatedColumns[strings.TrimSpace(h)] {
			continue
		}
		f := foldHeader(h)
		base := strings.TrimRightFunc(f, unicode.IsDigit)
		if f != "" && (phoneHeaders[f] || phoneHeaders[base] || secondaryPhoneHeaders[base] || secondaryPhoneHeaders[f] || containsPhoneWord(f)) {
			cols = append(cols, i)
		}
	}
	if len(cols) == 0 {
		return nil, &ColumnError{Header: header}
	}
	return cols, nil
}

func containsPhoneWord(folded string) bool {
	for _, w := range phoneWords {
		if strings.Contains(folded, w) {
			return true
		}
	}
	return false
}

// FindColumn returns the 0-based index of the column spec names: a header
// name (exact, or ignoring case, accents and punctuation) or a 1-based number.
func FindColumn(header []string, spec string) (int, error) {
	return findColumn(header, strings.TrimSpace(spec))
}

func findColumn(header []string, spec string) (int, error) {
	for i, h := range header {
		if strings.TrimSpace(h) == spec {
			return i, nil
		}
	}
	for i, h := range header {
		if foldHeader(h) == foldHeader(spec) && foldHeader(spec) != "" {
			return i, nil
		}
	}
	if n, err := strconv.Atoi(spec); err == nil && n >= 1 && n <= len(header) {
		return n - 1, nil
	}
	return -1, &ColumnError{Spec: spec, Header: header}
}
