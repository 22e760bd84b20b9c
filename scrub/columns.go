package scrub

import (
	"fmt"
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
}

// phoneWords mark a header as a phone column when no header matches exactly
// ("Contact Phone", "Teléfono móvil", "客户手机").
var phoneWords = []string{"phone", "mobile", "telefono", "movil", "celular", "电话", "手机"}

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

// FindPhoneColumn returns the 0-based index of the phone column. spec is a
// header name or a 1-based column number; when it is empty the column is
// detected from its header.
func FindPhoneColumn(header []string, spec string) (int, error) {
	spec = strings.TrimSpace(spec)
	if spec != "" {
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
	for i, h := range header {
		if phoneHeaders[foldHeader(h)] {
			return i, nil
		}
	}
	for i, h := range header {
		f := foldHeader(h)
		for _, w := range phoneWords {
			if strings.Contains(f, w) {
				return i, nil
			}
		}
	}
	return -1, &ColumnError{Header: header}
}
