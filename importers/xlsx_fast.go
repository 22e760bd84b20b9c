package importers

import (
	"archive/zip"
	"encoding/binary"
	"hash/maphash"
	"io"

	"github.com/xuri/excelize/v2"
)

// The fast sheet reader: one pass over the sheet's XML with a byte
// scanner, instead of excelize's two Rows iterators over encoding/xml
// tokens, which cost several times more than reading the file.
//
// It gives exactly what the excelize reader gives, row for row, or hands
// over to it: whatever it meets that it does not read exactly as excelize
// does (a number format other than General or Text, an ISO date cell, XML
// it does not understand, a shared strings table too large to hold) ends
// its part. excelize's iterators then skip the rows already given, so the
// caller cannot tell. See xlsx_fast_test.go for how this is checked.

// fastSheet reads a sheet's rows until it hands over.
type fastSheet struct {
	zip      *zip.ReadCloser
	part     io.ReadCloser
	rows     *sheetScanner
	returned int       // the number of the last row returned
	raw      []string  // the stored values of the last row read, blank or not
	digest   rowDigest // of the rows returned, for the hand-over to check
}

// openFastSheet opens the fast reader for the sheet excelize opened as f
// from path, or returns nil if excelize must read it all: if the sheet's
// part, the shared strings, or what excelize checks as it reads the first
// row, are not surely read the same way here.
func openFastSheet(path string, f *excelize.File, sheet string) *fastSheet {
	if f.Styles == nil || !contentTypesReadable(f) {
		return nil
	}
	z, err := zip.OpenReader(path)
	if err != nil {
		return nil
	}
	fs, ok := &fastSheet{zip: z}, false
	defer func() {
		if !ok {
			fs.Close()
		}
	}()
	name, found := sheetPartName(f, &z.Reader, sheet)
	if !found {
		return nil
	}
	// A sheet excelize has loaded, it reads back as it re-wrote it.
	if _, loaded := f.Sheet.Load(name); loaded {
		return nil
	}
	entry := uniquePart(&z.Reader, name)
	sst, found := readSharedStrings(&z.Reader)
	if entry == nil || !found {
		return nil
	}
	if fs.part, err = entry.Open(); err != nil {
		return nil
	}
	fs.rows, ok = newSheetScanner(fs.part, sst, stylesOf(f)), true
	return fs
}

// next returns the next row as the excelize reader's Next does, skipping
// blank rows, its stored values in raw; io.EOF after the last, or
// errHandOver.
func (fs *fastSheet) next() (fields []string, row int, err error) {
	for {
		num, shown, stored, err := fs.rows.row()
		if err != nil {
			return nil, 0, err
		}
		// Like the excelize reader's RawFields, raw is the last row read
		// once Next returns io.EOF, be it blank.
		fs.raw = stored
		if allBlank(shown) && allBlank(stored) {
			continue
		}
		if len(shown) < len(stored) {
			shown = append(shown, make([]string, len(stored)-len(shown))...)
		}
		fs.returned = num
		fs.digest.add(num, shown, stored)
		return shown, num, nil
	}
}

func (fs *fastSheet) Close() error {
	if fs.part != nil {
		fs.part.Close()
	}
	return fs.zip.Close()
}

// rowDigest hashes rows returned: when the fast reader hands over,
// excelize reads the same rows again, and their digests must agree, or
// the reader fails rather than go on from rows read differently.
type rowDigest struct {
	h   maphash.Hash
	buf []byte
}

func (d *rowDigest) add(num int, fields, raw []string) {
	d.buf = binary.LittleEndian.AppendUint64(d.buf[:0], uint64(num))
	d.h.Write(d.buf)
	for _, row := range [][]string{fields, raw} {
		d.buf = binary.LittleEndian.AppendUint64(d.buf[:0], uint64(len(row)))
		d.h.Write(d.buf)
		for _, f := range row {
			d.buf = binary.LittleEndian.AppendUint64(d.buf[:0], uint64(len(f)))
			d.h.Write(d.buf)
			d.h.WriteString(f)
		}
	}
}
