package importers

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"

	"github.com/xuri/excelize/v2"
)

// excelize's row iterator takes XML it cannot parse for the end of the
// sheet: a sheet damaged part-way through (hand-edited, a broken export,
// a stray control character) read as a shorter one, without an error, and
// the rows after the damage were silently not scrubbed; a shared strings
// table over 16 MiB with damage in it lost every string after it the same
// way. So once a sheet has been read to its end, by either reader, its XML
// and the shared strings' are checked whole: with the fast reader's
// scanner (about a second for a million rows), and, only if that balks at
// something (another encoding, a construct it does not take), with
// encoding/xml, whose verdict excelize's reading follows. Rows outside the
// sheet's data (after its sheetData element), which no reader reads, are
// refused too.

// errDamagedSheet is a sheet whose XML is not well-formed.
var errDamagedSheet = errors.New("the sheet's XML is damaged, so the rows after the damage cannot be read: open the workbook in Excel, save it again, and scrub that copy")

// sheetPart names the zip part of the sheet f opened from path; "" when
// it cannot be told (excelize read it then, and would have failed on a
// part it could not find).
func sheetPart(path string, f *excelize.File, sheet string) string {
	z, err := zip.OpenReader(path)
	if err != nil {
		return ""
	}
	defer z.Close()
	name, ok := sheetPartName(f, &z.Reader, sheet)
	if !ok {
		return ""
	}
	return name
}

// checkSheetXML returns an error wrapping errDamagedSheet if the XML of the
// part name of the workbook at path (a sheet), or of its shared strings, is
// not well-formed, or if the sheet has rows after its data. charset reads
// the encodings excelize reads.
func checkSheetXML(path, name string, charset func(string, io.Reader) (io.Reader, error), stop *atomic.Bool) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer z.Close()
	if part := uniquePart(&z.Reader, name); part != nil {
		if err := checkPartXML(part, charset, true, stop); err != nil {
			return err
		}
	}
	for _, part := range z.File {
		if strings.ToLower(strings.ReplaceAll(part.Name, "\\", "/")) == "xl/sharedstrings.xml" {
			if err := checkPartXML(part, charset, false, stop); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkPartXML checks one part; sheet says whether it is a worksheet,
// whose rows must all be inside its first sheetData.
func checkPartXML(part *zip.File, charset func(string, io.Reader) (io.Reader, error), sheet bool, stop *atomic.Bool) error {
	r, err := part.Open()
	if err != nil {
		return err
	}
	sure, err := scanPartXML(r, sheet, stop)
	r.Close()
	if err != nil || sure {
		return partError(part.Name, err)
	}
	// Something the scanner does not take: encoding/xml decides, reading
	// the encodings excelize reads.
	if r, err = part.Open(); err != nil {
		return err
	}
	defer r.Close()
	d := xml.NewDecoder(r)
	d.CharsetReader = charset
	dataDone := false
	for {
		if stop.Load() {
			return errCheckStopped
		}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var syntax *xml.SyntaxError
		if errors.As(err, &syntax) {
			return fmt.Errorf("%w (line %d of %s: %s)", errDamagedSheet, syntax.Line, part.Name, syntax.Msg)
		}
		if err != nil {
			return fmt.Errorf("%w (%s: %v)", errDamagedSheet, part.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if sheet && dataDone && t.Name.Local == "row" {
				return partError(part.Name, errRowsOutside)
			}
		case xml.EndElement:
			dataDone = dataDone || t.Name.Local == "sheetData"
		}
	}
}

var errRowsOutside = errors.New("it has rows after its data ends (after sheetData)")

// errCheckStopped is the check given up because the reader was closed.
var errCheckStopped = errors.New("the check was stopped")

// sheetCheck runs checkSheetXML beside the reading, from the open: it
// reads the file again, and the scrub of a million-row workbook (CPU
// bound on one core's worth of work) took 3 s longer with it run at the
// end.
type sheetCheck struct {
	stop atomic.Bool
	done chan error
}

// startSheetCheck starts the check; it returns nil when the sheet's part
// cannot be told. What it needs of f is read here: the check's goroutine
// does not touch f.
func startSheetCheck(path string, f *excelize.File, sheet string) *sheetCheck {
	name := sheetPart(path, f, sheet)
	if name == "" {
		return nil
	}
	c := &sheetCheck{done: make(chan error, 1)}
	charset := f.CharsetReader
	go func() { c.done <- checkSheetXML(path, name, charset, &c.stop) }()
	return c
}

// wait returns the check's verdict, once it has one.
func (c *sheetCheck) wait() error { return <-c.done }

// cancel stops the check, and waits for it to let go of the file.
func (c *sheetCheck) cancel() {
	c.stop.Store(true)
	<-c.done
}

func partError(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w (%s: %v)", errDamagedSheet, name, err)
}

// scanPartXML scans a part with the fast reader's scanner. sure is true
// when it read the whole part and found it well-formed (err nil) or found
// rows outside a sheet's data (err set); false when encoding/xml must
// decide.
func scanPartXML(r io.Reader, sheet bool, stop *atomic.Bool) (sure bool, err error) {
	s := newXMLScanner(r)
	dataDone := false
	var scratch []byte
	for n := 0; ; n++ {
		if n%4096 == 0 && stop.Load() {
			return true, errCheckStopped
		}
		switch k := s.next(); k {
		case tokEOF:
			return s.depth == 0, nil
		case tokBad:
			return false, nil
		case tokText, tokCDATA:
			mode := textData
			if k == tokCDATA {
				mode = textCDATA
			}
			var ok bool
			if scratch, ok = appendXMLText(scratch[:0], s.text, mode); !ok {
				return false, nil
			}
		case tokStart:
			if sheet && dataDone && string(s.local) == "row" {
				return true, errRowsOutside
			}
		case tokEnd:
			dataDone = dataDone || string(s.local) == "sheetData"
		}
	}
}
