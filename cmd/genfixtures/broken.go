package main

import (
	"crypto/rand"
	mrand "math/rand/v2"

	"github.com/xuri/excelize/v2"
)

// seededReader is a deterministic stand-in for crypto/rand while the
// encrypted fixture is written: its salt and keys must be the same bytes on
// every run. Never use it for anything but a test fixture.
type seededReader struct{ r *mrand.ChaCha8 }

func (s seededReader) Read(p []byte) (int, error) { return s.r.Read(p) }

// passwordXLSX is a workbook encrypted with a password (an OLE compound file,
// not a zip), as Excel saves it with "Encrypt with password".
func passwordXLSX() (fixture, error) {
	const sheet = "Leads"
	f, err := newBook(sheet)
	if err != nil {
		return fixture{}, err
	}
	if err := setRows(f, sheet, 1, [][]string{{"nombre", "teléfono"}, {"Ana Gil", "612 345 660"}, {"Bo Paz", "612 345 661"}}); err != nil {
		return fixture{}, err
	}
	plain, err := bytesOf(f)
	if err != nil {
		return fixture{}, err
	}
	saved := rand.Reader
	rand.Reader = seededReader{mrand.NewChaCha8([32]byte{'d', 'n', 'c', 'c', 't', 'l', 'p', 'w'})}
	defer func() { rand.Reader = saved }()
	data, err := excelize.Encrypt(plain, &excelize.Options{Password: "dncctl"})
	return fixture{"password.xlsx", "encrypted with the password dncctl (excelize Options.Password, agile encryption; salts from a fixed seed)", data}, err
}

// brokenFixtures are files dncctl must refuse, with one clear error and no output.
func brokenFixtures() ([]fixture, error) {
	f, err := newBook("Leads")
	if err != nil {
		return nil, err
	}
	if err := setRows(f, "Leads", 1, [][]string{{"nombre", "teléfono"}, {"Ana Gil", "612 345 670"}, {"Bo Paz", "612 345 671"}, {"Cy Sanz", "612 345 672"}}); err != nil {
		return nil, err
	}
	whole, err := bytesOf(f)
	if err != nil {
		return nil, err
	}
	html := "<html><head><meta charset=\"utf-8\"></head><body>\n<table>\n<tr><td>nombre</td><td>teléfono</td></tr>\n<tr><td>Ana Gil</td><td>612 345 673</td></tr>\n</table>\n</body></html>\n"

	rng := mrand.New(mrand.NewChaCha8([32]byte{'b', 'i', 'n', 'a', 'r', 'y'}))
	bin := make([]byte, 512)
	for i := range bin {
		bin[i] = byte(rng.UintN(256))
		if i%7 == 3 {
			bin[i] = 0
		}
	}
	return []fixture{
		{"truncated.xlsx", "a valid workbook cut in half (a download that stopped): no zip directory", whole[:len(whole)/2]},
		{"not-a-workbook.xlsx", "text (an HTML table, as some CRMs export \"Excel\") under an .xlsx name", []byte(html)},
		{"binary.csv", "512 random bytes with NULs (fixed seed) under a .csv name", bin},
	}, nil
}
