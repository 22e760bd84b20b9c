package importers

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxReader streams the first visible sheet of a workbook. Cells come back
// as Excel shows them (number formats applied), so dates and amounts in other
// columns keep their meaning in the outputs.
type xlsxReader struct {
	name      string
	sheet     string
	file      *excelize.File
	rows      *excelize.Rows // values as Excel shows them
	raw       *excelize.Rows // the same rows' stored values, read in step
	last      []string       // the stored values of the row Next returned
	header    []string
	headerRow int
	row       int
	tmp       string // excelize's temporary files, removed on Close

	// fast reads the rows, while it can, in place of rows and raw; nil
	// once it has handed over to them (see xlsx_fast.go).
	fast     *fastSheet
	fastRows int         // rows fast returned, for the tests: fast is nil once it handed over
	check    *sheetCheck // the check of the sheet's XML, until its verdict is read
}

func openXLSX(path, sheet string) (Reader, error) {
	return openXLSXReader(path, sheet, true)
}

// openXLSXReader opens the sheet, read by the fast reader as far as it
// can if fast is set, by excelize alone if not (what the fast reader is
// tested against).
func openXLSXReader(path, sheet string, fast bool) (*xlsxReader, error) {
	f, tmp, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*xlsxReader, error) {
		f.Close()
		os.RemoveAll(tmp)
		return nil, err
	}
	if sheet == "" {
		sheet, err = firstVisibleSheet(f)
	} else if !slices.Contains(f.GetSheetList(), sheet) {
		err = fmt.Errorf("no sheet %q (sheets: %s)", sheet, quoteAll(f.GetSheetList()))
	}
	if err != nil {
		return fail(&FileError{File: path, Err: err})
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return fail(&FileError{File: path, Err: fmt.Errorf("sheet %q: %w", sheet, err)})
	}
	raw, err := f.Rows(sheet)
	if err != nil {
		rows.Close()
		return fail(&FileError{File: path, Err: fmt.Errorf("sheet %q: %w", sheet, err)})
	}
	x := &xlsxReader{name: path, sheet: sheet, file: f, rows: rows, raw: raw, tmp: tmp,
		check: startSheetCheck(path, f, sheet)}
	if fast {
		x.fast = openFastSheet(path, f, sheet)
	}
	header, row, err := x.Next()
	if errors.Is(err, io.EOF) {
		x.Close()
		return nil, &FileError{File: path, Err: ErrEmpty}
	}
	if err != nil {
		x.Close()
		return nil, err
	}
	x.header, x.headerRow = header, row
	return x, nil
}

// errEncrypted is a workbook in an OLE2 compound file rather than a zip:
// what Excel writes for a password-protected workbook (or an old .xls).
var errEncrypted = errors.New("the workbook is password-protected (encrypted), or an old .xls renamed: open it in Excel and save it as .xlsx without a password")

// Bounds on what a workbook may unpack to. A workbook is a zip: a few
// megabytes can inflate to gigabytes (a zip bomb). excelize holds every
// part in memory except sheets and shared strings over xmlInMemory, which
// it unpacks to temporary files on disk.
const (
	maxUnpacked = 2 << 30   // every part, in memory or on disk
	maxInMemory = 256 << 20 // the parts held in memory
	xmlInMemory = 16 << 20  // larger sheets and shared strings go to disk
)

// openWorkbook opens a workbook for reading, with its temporary directory
// (for excelize's temporary files), which the caller removes after closing
// the workbook. The zip is checked first: its size once unpacked, against
// the bounds above, and every part's integrity, which excelize does not
// check (it reads a part cut short, or longer than it says, as it comes).
func openWorkbook(path string) (*excelize.File, string, error) {
	f0, err := OpenRegular(path)
	if err != nil {
		return nil, "", err
	}
	f0.Close()
	// An encrypted workbook is not a zip: excelize would read it whole.
	if isCompoundFile(path) {
		return nil, "", &FileError{File: path, Err: errEncrypted}
	}
	if err := checkZip(path); err != nil {
		return nil, "", &FileError{File: path, Err: workbookError(err)}
	}
	tmp, err := os.MkdirTemp("", "dncctl-xlsx-")
	if err != nil {
		return nil, "", &FileError{File: path, Err: err}
	}
	f, err := excelize.OpenFile(path, excelize.Options{UnzipSizeLimit: maxUnpacked, UnzipXMLSizeLimit: xmlInMemory, TmpDir: tmp})
	if err != nil {
		if f != nil {
			f.Close()
		}
		os.RemoveAll(tmp)
		return nil, "", &FileError{File: path, Err: workbookError(err)}
	}
	return f, tmp, nil
}

// tooBigError is a workbook that unpacks to more than dncctl reads.
type tooBigError struct {
	what  string // "" or " in memory"
	limit uint64
}

func (e *tooBigError) Error() string {
	size := fmt.Sprintf("%d MiB", e.limit>>20)
	if e.limit%(1<<30) == 0 {
		size = fmt.Sprintf("%d GiB", e.limit>>30)
	}
	return fmt.Sprintf("the workbook unpacks to more than %s%s: too big to read (a zip bomb?); save it as .csv", size, e.what)
}

// checkZip checks a workbook's zip: what its parts say they unpack to,
// then every part, unpacked and checked against its size and checksum.
func checkZip(path string) error {
	z, err := zip.OpenReader(path)
	if err != nil {
		return err
	}
	defer z.Close()
	var total, inMemory uint64
	for _, f := range z.File {
		size := f.UncompressedSize64
		if size > maxUnpacked-total {
			return &tooBigError{limit: maxUnpacked}
		}
		total += size
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		onDisk := size > xmlInMemory && (strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml")
		if !onDisk {
			if size > maxInMemory-inMemory {
				return &tooBigError{what: " in memory", limit: maxInMemory}
			}
			inMemory += size
		}
	}
	for _, f := range z.File {
		if err := checkPart(f); err != nil {
			return err
		}
	}
	return nil
}

// checkPart unpacks a part, to check it: archive/zip fails a part that
// unpacks to more or less than it says, or whose checksum is wrong. A
// sheet must end as one does: excelize takes a sheet cut short for one
// that ends there.
func checkPart(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	tail := &tailWriter{}
	if _, err = io.Copy(tail, rc); err != nil {
		return err
	}
	name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
	if sheet, ok := strings.CutPrefix(name, "xl/worksheets/"); ok && !strings.Contains(sheet, "/") && strings.HasSuffix(sheet, ".xml") {
		end := bytes.TrimRight(tail.b, " \t\r\n")
		if !bytes.HasSuffix(end, []byte("</worksheet>")) && !bytes.HasSuffix(end, []byte(":worksheet>")) {
			return fmt.Errorf("a damaged workbook: its sheet %s is cut short", f.Name)
		}
	}
	return nil
}

// tailWriter keeps the last bytes written to it.
type tailWriter struct{ b []byte }

func (t *tailWriter) Write(p []byte) (int, error) {
	const keep = 64
	t.b = append(t.b, p[max(0, len(p)-keep):]...)
	t.b = t.b[max(0, len(t.b)-keep):]
	return len(p), nil
}

// isCompoundFile reports whether path starts with the OLE2 compound file
// signature.
func isCompoundFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	magic := make([]byte, 8)
	_, err = io.ReadFull(f, magic)
	return err == nil && string(magic) == "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
}

func workbookError(err error) error {
	switch {
	case errors.Is(err, errEncrypted):
		return err
	case errors.Is(err, excelize.ErrWorkbookFileFormat), errors.Is(err, zip.ErrFormat), errors.Is(err, zip.ErrAlgorithm), damaged(err):
		return errors.New("not an Excel workbook (or a damaged one)")
	case errors.Is(err, excelize.ErrWorkbookPassword):
		return errors.New("the workbook is password-protected: remove the password and save it again")
	}
	return err
}

// damaged reports whether err is how a zip that is not a workbook, or a
// damaged one, fails: excelize passes these on as they are.
func damaged(err error) bool {
	var flateErr flate.CorruptInputError
	var xmlErr *xml.SyntaxError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, zip.ErrChecksum) ||
		errors.As(err, &flateErr) || errors.As(err, &xmlErr)
}

func firstVisibleSheet(f *excelize.File) (string, error) {
	sheets := f.GetSheetList()
	for _, s := range sheets {
		if visible, err := f.GetSheetVisible(s); err == nil && visible {
			return s, nil
		}
	}
	if len(sheets) > 0 {
		return "", fmt.Errorf("every sheet is hidden: name the one to read with --sheet (sheets: %s)", quoteAll(sheets))
	}
	return "", errors.New("the workbook has no sheets")
}

func (x *xlsxReader) Header() []string { return x.header }

// HeaderRow is the header's row number: blank rows above it are skipped
// but keep their numbers, as in Excel.
func (x *xlsxReader) HeaderRow() int { return x.headerRow }

// Sheet is the name of the sheet being read.
func (x *xlsxReader) Sheet() string { return x.sheet }

// VisibleSheets lists a workbook's visible sheets in order: what
// --all-sheets scrubs.
func VisibleSheets(path string) ([]string, error) {
	f, tmp, err := openWorkbook(path)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	defer f.Close()
	var visible []string
	for _, s := range f.GetSheetList() {
		if v, err := f.GetSheetVisible(s); err == nil && v {
			visible = append(visible, s)
		}
	}
	if len(visible) == 0 {
		return nil, &FileError{File: path, Err: fmt.Errorf("every sheet is hidden: name the one to read with --sheet (sheets: %s)", quoteAll(f.GetSheetList()))}
	}
	return visible, nil
}

func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// Next skips rows that are entirely empty: a spreadsheet's blank rows are
// not leads. Empty means nothing stored, not nothing shown: a number format
// such as ";;;" shows a stored phone number as blank, and that row is a lead.
func (x *xlsxReader) Next() ([]string, int, error) {
	if x.fast != nil {
		fields, row, err := x.fast.next()
		if errors.Is(err, io.EOF) {
			// The fast reader stops at the end of the sheet's data; what
			// follows must not hide rows, nor the shared strings damage.
			if err := x.sheetChecked(); err != nil {
				return nil, 0, err
			}
		}
		if !errors.Is(err, errHandOver) {
			if err == nil {
				x.fastRows++
			}
			x.last = x.fast.raw
			return fields, row, err
		}
		if err := x.handOver(); err != nil {
			return nil, 0, err
		}
	}
	return x.nextExcelize()
}

// handOver leaves the rest of the sheet to excelize: its iterators read
// the rows the fast reader returned, as Next would have, and drop them.
// They must be the rows the fast reader returned: if not, that is a defect
// in it, and reading fails.
func (x *xlsxReader) handOver() error {
	fast := x.fast
	fast.Close()
	x.fast = nil
	again := rowDigest{}
	again.h.SetSeed(fast.digest.h.Seed())
	for fast.returned > 0 {
		fields, row, err := x.nextExcelize()
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if err == nil {
			again.add(row, fields, x.last)
		}
		if err != nil || row >= fast.returned {
			if row != fast.returned || again.h.Sum64() != fast.digest.h.Sum64() {
				return &FileError{File: x.name, Row: fast.returned, Err: errors.New("excelize reads the rows up to this one differently from dncctl's fast reader: please report this")}
			}
			break
		}
	}
	return nil
}

// nextExcelize is Next with excelize's iterators.
func (x *xlsxReader) nextExcelize() ([]string, int, error) {
	for x.rows.Next() {
		x.raw.Next()
		x.row++
		cols, err := x.rows.Columns()
		if err != nil {
			return nil, 0, &FileError{File: x.name, Row: x.row, Err: err}
		}
		if x.last, err = x.raw.Columns(excelize.Options{RawCellValue: true}); err != nil {
			return nil, 0, &FileError{File: x.name, Row: x.row, Err: err}
		}
		if allBlank(cols) && allBlank(x.last) {
			continue
		}
		// Trailing cells that show nothing are left out of cols but not of
		// the stored values: pad cols so that the two line up, or a phone
		// shown blank in the last column would be read as no phone at all.
		if len(cols) < len(x.last) {
			cols = append(cols, make([]string, len(x.last)-len(cols))...)
		}
		return cols, x.row, nil
	}
	if err := x.rows.Error(); err != nil {
		return nil, 0, &FileError{File: x.name, Err: err}
	}
	// excelize ends a sheet at XML it cannot parse, without an error.
	if err := x.sheetChecked(); err != nil {
		return nil, 0, err
	}
	return nil, 0, io.EOF
}

// sheetChecked waits for the check of the sheet's XML (see xlsx_check.go)
// and returns its verdict as a FileError: its line in the XML says where.
func (x *xlsxReader) sheetChecked() error {
	if x.check == nil {
		return nil
	}
	err := x.check.wait()
	x.check = nil
	if err != nil {
		return &FileError{File: x.name, Err: err}
	}
	return nil
}

// RawFields are the stored values of the row Next last returned, before
// Excel's number formats: a phone number shown as 8.61E+12, 13812345678.00
// or 00612345678 is stored as its exact digits.
func (x *xlsxReader) RawFields() []string { return x.last }

func (x *xlsxReader) Close() error {
	if x.check != nil {
		x.check.cancel()
		x.check = nil
	}
	if x.fast != nil {
		x.fast.Close()
	}
	err := x.rows.Close()
	if rerr := x.raw.Close(); err == nil {
		err = rerr
	}
	if cerr := x.file.Close(); err == nil {
		err = cerr
	}
	os.RemoveAll(x.tmp)
	return err
}

func allBlank(cols []string) bool {
	for _, c := range cols {
		if c != "" {
			return false
		}
	}
	return true
}
