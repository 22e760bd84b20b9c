package scrub

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestFindPhoneColumnDetect(t *testing.T) {
	tests := []struct {
		header []string
		want   int
	}{
		{[]string{"name", "phone"}, 1},
		{[]string{"Name", "Phone Number", "City"}, 1},
		{[]string{"NOMBRE", "TELÉFONO"}, 1},
		{[]string{"Nombre", "Teléfono móvil"}, 1},
		{[]string{"nombre", "telefono_movil"}, 1},
		{[]string{"Nombre", "Móvil"}, 1},
		{[]string{"nome", "celular"}, 1},
		{[]string{"姓名", "电话"}, 1},
		{[]string{"姓名", "手机号码"}, 1},
		{[]string{"姓名", "联系电话", "地址"}, 1},
		{[]string{"姓名", "客户手机"}, 1},
		{[]string{"Name", "Contact Phone"}, 1},
		{[]string{"MSISDN"}, 0},
		{[]string{" Phone "}, 0},
		// NFD-written accents fold as well as precomposed ones.
		{[]string{"Nombre", "Tele\u0301fono"}, 1},
		// With several phone columns, the first one (all are checked:
		// TestFindPhoneColumnsAll).
		{[]string{"Contact Phone", "Name", "Phone"}, 0},
		{[]string{"Teléfono fijo", "Móvil"}, 0},
		{[]string{"Mobile", "Phone"}, 0},
		{[]string{"Home Phone", "Work Phone"}, 0},
	}
	for _, tt := range tests {
		cols, err := FindPhoneColumns(tt.header, nil)
		if err != nil {
			t.Errorf("FindPhoneColumns(%q): %v", tt.header, err)
			continue
		}
		if got := cols[0]; got != tt.want {
			t.Errorf("findPhoneColumn(%q) = %d (%q), want %d (%q)", tt.header, got, tt.header[got], tt.want, tt.header[tt.want])
		}
	}
}

func TestFindPhoneColumnNotFound(t *testing.T) {
	for _, header := range [][]string{{"name", "email", "city"}, {}, {""}} {
		got, err := findPhoneColumn(header, "")
		var ce *ColumnError
		if !errors.As(err, &ce) {
			t.Errorf("findPhoneColumn(%q) = %d, %v; want a *ColumnError", header, got, err)
			continue
		}
		if got != -1 {
			t.Errorf("findPhoneColumn(%q) = %d with its error, want -1", header, got)
		}
		if ce.Spec != "" {
			t.Errorf("ColumnError.Spec = %q when detecting, want empty", ce.Spec)
		}
		msg := err.Error()
		if !strings.Contains(msg, "--phone-col") || !strings.HasPrefix(msg, "no phone column found") {
			t.Errorf("error %q does not say no column was found and to use --phone-col", msg)
		}
	}
	_, err := findPhoneColumn([]string{"name", "email"}, "")
	if want := `no phone column found (headers: "name", "email"); name it with --phone-col`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	_, err = findPhoneColumn(nil, "")
	if want := `no phone column found (headers: none); name it with --phone-col`; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
}

func TestFindPhoneColumnSpec(t *testing.T) {
	header := []string{"Name", "Teléfono Móvil", "Phone", "2", "Fax"}
	tests := []struct {
		spec string
		want int
	}{
		{"Phone", 2},
		{" Phone ", 2},
		{"PHONE", 2},
		{"phone", 2},
		{"Teléfono Móvil", 1},
		{"telefono movil", 1},
		{"TELEFONO_MOVIL", 1},
		{"Fax", 4},  // a column that detection would not pick
		{"1", 0},    // 1-based
		{"5", 4},    // last column
		{"2", 3},    // a header named "2" wins over column 2
		{" 3 ", 2},  // spaces around a number
		{"name", 0}, // case-insensitive
	}
	for _, tt := range tests {
		got, err := findPhoneColumn(header, tt.spec)
		if err != nil {
			t.Errorf("findPhoneColumn(--phone-col %q): %v", tt.spec, err)
			continue
		}
		if got != tt.want {
			t.Errorf("findPhoneColumn(--phone-col %q) = %d, want %d", tt.spec, got, tt.want)
		}
	}
	if got, _ := findPhoneColumn([]string{"name", "tel"}, "2"); got != 1 {
		t.Errorf(`findPhoneColumn(--phone-col "2") = %d, want 1`, got)
	}
}

func TestFindPhoneColumnSpecNotFound(t *testing.T) {
	header := []string{"Name", "Phone", "City"}
	for _, spec := range []string{"0", "4", "-1", "Mobile", "Phon", "---", "1.0"} {
		got, err := findPhoneColumn(header, spec)
		var ce *ColumnError
		if !errors.As(err, &ce) {
			t.Errorf("findPhoneColumn(--phone-col %q) = %d, %v; want a *ColumnError", spec, got, err)
			continue
		}
		if got != -1 {
			t.Errorf("findPhoneColumn(--phone-col %q) = %d with its error, want -1", spec, got)
		}
		if ce.Spec != spec {
			t.Errorf("ColumnError.Spec = %q, want %q", ce.Spec, spec)
		}
		want := `no column "` + spec + `" (headers: "Name", "Phone", "City")`
		if err.Error() != want {
			t.Errorf("findPhoneColumn(--phone-col %q): error %q, want %q", spec, err, want)
		}
	}
}

func TestFoldHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Teléfono Móvil":   "telefonomovil",
		"telefono_movil":   "telefonomovil",
		"TELÉFONO":         "telefono",
		"Phone-Number (1)": "phonenumber1",
		"手机 号码":            "手机号码",
		" -_ ":             "",
	} {
		if got := foldHeader(in); got != want {
			t.Errorf("foldHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindPhoneColumnsAll(t *testing.T) {
	for _, tt := range []struct {
		header []string
		want   []int
	}{
		{[]string{"Teléfono fijo", "Móvil"}, []int{0, 1}},
		// Every column that may hold a number: "phone type" too (its values,
		// without digits, are never taken for numbers).
		{[]string{"phone type", "phone2", "mobile"}, []int{0, 1, 2}},
		{[]string{"name", "phone", "phone 2", "Mobile_1", "email"}, []int{1, 2, 3}},
		{[]string{"Contact Phone", "Name", "Phone"}, []int{0, 2}},
		{[]string{"Home Phone", "Work Phone", "Phone Type"}, []int{0, 1, 2}},
		// Found by review: columns an exact-match-first rule left unchecked.
		{[]string{"name", "phone", "Customer Mobile"}, []int{1, 2}},
		{[]string{"name", "phone", "Phone E164", "WhatsApp"}, []int{1, 2, 3}},
		{[]string{"Contact Phone", "Phone Notes"}, []int{0, 1}},
		// dncctl's own columns are never read as leads' numbers.
		{[]string{"name", "phone", "phone_e164", "phone_type", "phone_region", "priority", "phone_timezone", "call_window_utc"}, []int{1}},
		{[]string{"source_file", "phone_column", "phone_raw", "phone_e164", "name", "手机号码"}, []int{5}},
	} {
		got, err := FindPhoneColumns(tt.header, nil)
		if err != nil || !slices.Equal(got, tt.want) {
			t.Errorf("FindPhoneColumns(%q) = %v, %v; want %v", tt.header, got, err, tt.want)
		}
	}
	got, err := FindPhoneColumns([]string{"a", "b", "c"}, []string{"c", "1", "C"})
	if err != nil || !slices.Equal(got, []int{2, 0}) {
		t.Errorf("FindPhoneColumns with specs = %v, %v; want [2 0]", got, err)
	}
}

// findPhoneColumn is the first phone column FindPhoneColumns gives.
func findPhoneColumn(header []string, spec string) (int, error) {
	var specs []string
	if strings.TrimSpace(spec) != "" {
		specs = []string{spec}
	}
	cols, err := FindPhoneColumns(header, specs)
	if err != nil {
		return -1, err
	}
	return cols[0], nil
}
