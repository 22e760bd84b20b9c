package importers

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Finding a sheet's part as excelize finds it (v2.11.1: getSheetMap,
// getSheetXMLPath, getWorkbookPath, getWorkbookRelsPath,
// getWorksheetPath), from the workbook excelize read on opening and the
// relationship parts it read them from. Where the answer is not surely
// excelize's (a part it would read differently, a name two sheets answer
// to), there is none, and excelize reads the sheet.

const officeDocumentType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"

// relationships mirrors excelize's xlsxRelationships, for what it reads.
type relationships struct {
	XMLName       xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/relationships Relationships"`
	Relationships []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:",attr"`
		Type   string `xml:",attr"`
	} `xml:"Relationship"`
}

// sheetPartName is the name of the part excelize reads for sheet, if it
// is surely that one.
func sheetPartName(f *excelize.File, z *zip.Reader, sheet string) (string, bool) {
	if f.WorkBook == nil {
		return "", false
	}
	wbPath, ok := workbookPath(f)
	if !ok {
		return "", false
	}
	rels, ok := readRels(f, workbookRelsPath(wbPath))
	if !ok || rels == nil {
		return "", false
	}
	paths := map[string]string{}
	for _, s := range f.WorkBook.Sheets.Sheet {
		for _, rel := range rels.Relationships {
			if rel.ID != s.ID {
				continue
			}
			path := worksheetPath(wbPath, rel.Target)
			if _, ok := f.Pkg.Load(path); ok || partCount(z, path) > 0 {
				paths[s.Name] = path
			}
		}
	}
	// excelize takes the first sheet, in a map's order, whose name equals
	// sheet ignoring case: it must be the only one.
	name, n := "", 0
	for s, path := range paths {
		if strings.EqualFold(s, sheet) {
			name, n = path, n+1
		}
	}
	if n != 1 || strings.EqualFold(name, "xl/sharedStrings.xml") || strings.EqualFold(name, "[Content_Types].xml") {
		return "", false
	}
	return name, true
}

// partCount counts the zip's entries that excelize files under name.
func partCount(z *zip.Reader, name string) int {
	n := 0
	for _, f := range z.File {
		if strings.ReplaceAll(f.Name, "\\", "/") == name {
			n++
		}
	}
	return n
}

// uniquePart is the zip's one entry excelize files under name, or nil if
// there are none or more than one (excelize would read the last, or the
// first, depending on their sizes).
func uniquePart(z *zip.Reader, name string) *zip.File {
	var part *zip.File
	for _, f := range z.File {
		if strings.ReplaceAll(f.Name, "\\", "/") == name {
			if part != nil {
				return nil
			}
			part = f
		}
	}
	return part
}

// workbookPath is excelize's getWorkbookPath: the office document's
// target in _rels/.rels.
func workbookPath(f *excelize.File) (string, bool) {
	rels, ok := readRels(f, "_rels/.rels")
	if !ok {
		return "", false
	}
	if rels != nil {
		for _, rel := range rels.Relationships {
			if rel.Type == officeDocumentType {
				return strings.TrimPrefix(rel.Target, "/"), true
			}
		}
	}
	return "", true
}

// workbookRelsPath is copied from excelize's getWorkbookRelsPath.
func workbookRelsPath(wbPath string) string {
	wbDir := filepath.Dir(wbPath)
	if wbDir == "." {
		return "_rels/" + filepath.Base(wbPath) + ".rels"
	}
	return strings.TrimPrefix(filepath.Dir(wbPath)+"/_rels/"+filepath.Base(wbPath)+".rels", "/")
}

// worksheetPath is copied from excelize's getWorksheetPath.
func worksheetPath(wbPath, relTarget string) string {
	path := filepath.ToSlash(strings.TrimPrefix(
		strings.ReplaceAll(filepath.Clean(fmt.Sprintf("%s/%s", filepath.Dir(wbPath), relTarget)), "\\", "/"), "/"))
	if strings.HasPrefix(relTarget, "/") {
		path = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(relTarget), "\\", "/"), "/"))
	}
	return path
}

// readRels decodes a relationships part as excelize's relsReader does:
// nil if there is no such part. ok is false if it may read differently:
// a Strict namespace (excelize rewrites them), an encoding other than
// UTF-8 (excelize converts it), or an error.
func readRels(f *excelize.File, path string) (_ *relationships, ok bool) {
	v, found := f.Pkg.Load(path)
	if !found {
		return nil, true
	}
	b, isBytes := v.([]byte)
	if !isBytes || bytes.Contains(b, []byte("purl.oclc.org")) {
		return nil, false
	}
	var rels relationships
	if err := xml.NewDecoder(bytes.NewReader(b)).Decode(&rels); err != nil && err != io.EOF {
		return nil, false
	}
	return &rels, true
}

// contentTypesReadable reports whether excelize will read
// [Content_Types].xml without an error when it first reads a row (its
// sharedStringsReader adds the shared strings' content type), which
// would fail that row.
func contentTypesReadable(f *excelize.File) bool {
	if f.ContentTypes != nil {
		return true
	}
	b := []byte{}
	if v, found := f.Pkg.Load("[Content_Types].xml"); found {
		var isBytes bool
		if b, isBytes = v.([]byte); !isBytes {
			return false
		}
	}
	if bytes.Contains(b, []byte("purl.oclc.org")) {
		return false
	}
	// The element names and attributes excelize decodes are all strings:
	// only the root's name and the XML itself can fail it.
	var types struct {
		XMLName xml.Name `xml:"http://schemas.openxmlformats.org/package/2006/content-types Types"`
	}
	err := xml.NewDecoder(bytes.NewReader(b)).Decode(&types)
	return err == nil || err == io.EOF
}
