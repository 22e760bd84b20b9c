package importers

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// excelize's row iterator takes XML it cannot parse for the end of the
// sheet: a sheet damaged part-way through (hand-edited, a broken export)
// read as a shorter one, without an error, and the rows after the damage
// were silently not scrubbed. So when excelize has read a sheet to its
// end, the sheet's XML is checked whole: the fast reader's scanner first
// (about a second for a million rows), and, only if that balks at
// something, encoding/xml, whose verdict excelize's reading follows.

// errDamagedSheet is a sheet whose XML is not well-formed.
var errDamagedSheet = errors.New("the sheet's XML is damaged, so the rows after the damage cannot be read: open the workbook in Excel, save it again, and scrub that copy")

// checkSheetXML returns an error wrapping errDamagedSheet if the XML of the
// sheet f opened from path is not well-formed; nil if it is, or if the
// sheet's part cannot be told (excelize read it then, and would have
// failed on a part it could not find).
func checkSheetXML(path string, f *excelize.File, sheet string) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer z.Close()
	name, ok := sheetPartName(f, &z.Reader, sheet)
	if !ok {
		return nil
	}
	part := uniquePart(&z.Reader, name)
	if part == nil {
		return nil
	}
	r, err := part.Open()
	if err != nil {
		return err
	}
	s := newXMLScanner(r)
	k := s.next()
	for ; k != tokEOF && k != tokBad; k = s.next() {
	}
	r.Close()
	if k == tokEOF && s.depth == 0 {
		return nil
	}
	// Something the scanner does not take: encoding/xml decides.
	if r, err = part.Open(); err != nil {
		return err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) { return in, nil }
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var syntax *xml.SyntaxError
		if errors.As(err, &syntax) {
			return fmt.Errorf("%w (line %d of %s: %s)", errDamagedSheet, syntax.Line, name, syntax.Msg)
		}
		if err != nil {
			return err
		}
	}
}
