package importers

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
)

// maxSharedStrings bounds the shared strings table the fast reader holds:
// the part unpacked, at most 64 MiB. It holds the strings as one string
// and 4 bytes of offset each (a 1M-row workbook's table is well within);
// a larger table is read by excelize, which keeps such a table on disk.
const maxSharedStrings = 64 << 20

// mainNamespace is SpreadsheetML's: excelize decodes the shared strings
// table only from an sst root element in it.
const mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

// sharedStrings is the shared strings table: string i is
// all[ends[i-1]:ends[i]], as excelize's xlsxSI.String() makes it.
type sharedStrings struct {
	all  string
	ends []uint32
}

// at returns the shared string a t="s" cell's value names. excelize reads
// the index with strconv.Atoi after strings.TrimSpace, reading anything
// else as 0, and an index out of range as an empty cell: only plain digits
// in range are read here.
func (t *sharedStrings) at(v string) (string, bool) {
	i, ok := digits(v, 9)
	if !ok || i >= len(t.ends) {
		return "", false
	}
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.all[start:t.ends[i]], true
}

// readSharedStrings reads xl/sharedStrings.xml (the path excelize reads,
// whatever the workbook's relationships say; any case) from z. ok is false
// for a table read here differently from excelize, or not surely the same:
// too large, more than one such part, or anything not understood.
func readSharedStrings(z *zip.Reader) (_ *sharedStrings, ok bool) {
	var part *zip.File
	for _, f := range z.File {
		if strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/")) == "xl/sharedstrings.xml" {
			if part != nil {
				return nil, false
			}
			part = f
		}
	}
	if part == nil {
		return &sharedStrings{}, true
	}
	if part.UncompressedSize64 > maxSharedStrings {
		return nil, false
	}
	rc, err := part.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	// excelize rewrites the Strict namespaces, purl.oclc.org ones, to the
	// Transitional ones in the table's bytes, strings included.
	strict := &needleReader{r: rc, needle: []byte("purl.oclc.org")}
	t, ok := parseSharedStrings(newXMLScanner(strict))
	if !ok || strict.found {
		return nil, false
	}
	return t, true
}

// parseSharedStrings reads <sst><si>…</si>…</sst>.
func parseSharedStrings(s *xmlScanner) (*sharedStrings, bool) {
	if !skipProlog(s) || string(s.local) != "sst" || !inMainNamespace(s) ||
		!checkAttrs(s, sstAttrs) {
		return nil, false
	}
	var pool []byte
	var ends []uint32
	var rt richTextReader
	if !eachChild(s, func() bool {
		var ok bool
		if string(s.local) != "si" {
			return false
		}
		if pool, ok = rt.read(s, pool); ok {
			ends = append(ends, uint32(len(pool)))
		}
		return ok
	}) {
		return nil, false
	}
	// After the root, excelize reads no more, or (a table it keeps on
	// disk) every si element to the end: there must be none.
	for {
		switch s.next() {
		case tokEOF:
			return &sharedStrings{all: string(pool), ends: ends}, true
		case tokText:
			if !isSpaceText(s.text) {
				return nil, false
			}
		case tokComment, tokPI:
		default:
			return nil, false
		}
	}
}

// skipProlog reads up to the root element's start tag.
func skipProlog(s *xmlScanner) bool {
	for {
		switch s.next() {
		case tokStart:
			return true
		case tokText:
			if !isSpaceText(s.text) {
				return false
			}
		case tokComment, tokPI:
		default:
			return false
		}
	}
}

// inMainNamespace reports whether the root element's start tag puts it in
// SpreadsheetML's namespace, by its own declarations.
func inMainNamespace(s *xmlScanner) bool {
	decl := "xmlns"
	if len(s.local) != len(s.name) {
		prefix := string(s.name[:len(s.name)-len(s.local)-1])
		if prefix == "xml" || prefix == "xmlns" {
			return false
		}
		decl += ":" + prefix
	}
	ns, found := "", false
	for _, a := range s.attrs {
		if string(a.name) == decl {
			ns, found = attrValue(a), true
		}
	}
	return found && ns == mainNamespace
}

// richTextReader reads a string item: an si element of the shared
// strings, or a cell's is element.
type richTextReader struct {
	t, runs []byte
}

// read reads the item's content, its start tag just read, to its end tag,
// and appends to dst what excelize's xlsxSI.String() makes of it: the
// text of its t element, then of each run's, _xHHHH_ escapes read.
func (rt *richTextReader) read(s *xmlScanner, dst []byte) ([]byte, bool) {
	rt.t, rt.runs = rt.t[:0], rt.runs[:0]
	hasT := false
	if !eachChild(s, func() (ok bool) {
		switch string(s.local) {
		case "t":
			// Decoded twice, a t element's text is the last one's.
			if hasT {
				return false
			}
			hasT = true
			rt.t, ok = readText(s, rt.t)
		case "r":
			rt.runs, ok = readRun(s, rt.runs)
		case "rPh":
			ok = checkAttrs(s, phoneticRunAttrs) && skipPhoneticRun(s)
		case "phoneticPr":
			ok = checkAttrs(s, phoneticPrAttrs) && skipEmpty(s)
		}
		return ok
	}) {
		return dst, false
	}
	n := len(dst)
	dst = append(append(dst, rt.t...), rt.runs...)
	if bytes.Contains(dst[n:], []byte("_x")) {
		dst = append(dst[:n], bstrUnmarshal(string(dst[n:]))...)
	}
	return dst, true
}

// readRun reads a rich text run, <r><rPr>…</rPr><t>…</t></r>, appending
// its text to dst.
func readRun(s *xmlScanner, dst []byte) ([]byte, bool) {
	hasT := false
	ok := eachChild(s, func() (ok bool) {
		switch string(s.local) {
		case "t":
			if hasT {
				return false
			}
			hasT = true
			dst, ok = readText(s, dst)
		case "rPr":
			ok = checkRunProperties(s)
		}
		return ok
	})
	return dst, ok
}

// readText reads the text of an element whose start tag was just read
// (<t>, <v>, <f>) to its end tag, appending it to dst: character data and
// CDATA sections, as encoding/xml reads them for a string.
func readText(s *xmlScanner, dst []byte) ([]byte, bool) {
	if s.empty {
		return dst, true
	}
	ok := true
	for {
		switch s.next() {
		case tokEnd:
			return dst, true
		case tokText:
			dst, ok = appendXMLText(dst, s.text, textData)
		case tokCDATA:
			dst, ok = appendXMLText(dst, s.text, textCDATA)
		default:
			return dst, false
		}
		if !ok {
			return dst, false
		}
	}
}

// The attributes excelize decodes as numbers or booleans, by element: one
// that does not parse fails excelize's whole decoding of the element.
var (
	sstAttrs         = map[string]attrKind{"count": attrInt, "uniqueCount": attrInt}
	phoneticRunAttrs = map[string]attrKind{"sb": attrUint32, "eb": attrUint32}
	phoneticPrAttrs  = map[string]attrKind{"fontId": attrInt}
	formulaAttrs     = map[string]attrKind{
		"aca": attrBool, "dt2D": attrBool, "dtr": attrBool, "del1": attrBool,
		"del2": attrBool, "ca": attrBool, "bx": attrBool, "si": attrInt,
	}
)

// runProperties are the elements of a run's rPr that excelize decodes,
// with the attributes it decodes as numbers or booleans: one that does not
// parse fails excelize's whole decoding of the table or the cell.
var runProperties = map[string]map[string]attrKind{
	"rFont": nil, "u": nil, "vertAlign": nil, "scheme": nil,
	"charset": {"val": attrInt}, "family": {"val": attrInt}, "sz": {"val": attrFloat},
	"b": {"val": attrBool}, "i": {"val": attrBool}, "strike": {"val": attrBool},
	"outline": {"val": attrBool}, "shadow": {"val": attrBool}, "condense": {"val": attrBool},
	"extend": {"val": attrBool},
	"color":  {"auto": attrBool, "indexed": attrInt, "theme": attrInt, "tint": attrFloat},
}

func checkRunProperties(s *xmlScanner) bool {
	return eachChild(s, func() bool {
		attrs, known := runProperties[string(s.local)]
		return known && checkAttrs(s, attrs) && skipEmpty(s)
	})
}

// skipPhoneticRun reads an rPh element's content: t elements.
func skipPhoneticRun(s *xmlScanner) bool {
	var text []byte
	return eachChild(s, func() (ok bool) {
		if string(s.local) != "t" {
			return false
		}
		text, ok = readText(s, text[:0])
		return ok
	})
}

// skipEmpty reads an element with no content but space to its end tag.
func skipEmpty(s *xmlScanner) bool {
	return eachChild(s, func() bool { return false })
}

// eachChild reads the content of the element whose start tag was just
// read, to its end tag: space between children is skipped, and child is
// called at each child's start tag, to read it to its end. It is false at
// anything else (text, a comment, CDATA), or when child is.
func eachChild(s *xmlScanner, child func() bool) bool {
	if s.empty {
		return true
	}
	for {
		switch s.next() {
		case tokEnd:
			return true
		case tokText:
			if !isSpaceText(s.text) {
				return false
			}
		case tokStart:
			if !child() {
				return false
			}
		default:
			return false
		}
	}
}

// attrKind is how encoding/xml decodes an attribute into a field.
type attrKind uint8

const (
	attrString attrKind = iota
	attrInt
	attrUint32
	attrFloat
	attrBool
)

// checkAttrs checks the last start tag's attributes of the given kinds
// (by local name, whatever the prefix, as encoding/xml matches them) as
// encoding/xml's copyValue parses them: empty, or the trimmed value
// parsed by strconv.
func checkAttrs(s *xmlScanner, kinds map[string]attrKind) bool {
	for _, a := range s.attrs {
		kind, ok := kinds[string(a.local)]
		if !ok || kind == attrString {
			continue
		}
		v := attrValue(a)
		if v == "" {
			continue
		}
		v = strings.TrimSpace(v)
		var err error
		switch kind {
		case attrInt:
			_, err = strconv.ParseInt(v, 10, 64)
		case attrUint32:
			_, err = strconv.ParseUint(v, 10, 32)
		case attrFloat:
			_, err = strconv.ParseFloat(v, 64)
		case attrBool:
			_, err = strconv.ParseBool(v)
		}
		if err != nil {
			return false
		}
	}
	return true
}

// attrValue is an attribute's value as encoding/xml reads it (the
// tokenizer checked it already).
func attrValue(a xmlAttr) string {
	if a.plain {
		return string(a.value)
	}
	v, _ := appendXMLText(nil, a.value, textAttr)
	return string(v)
}

// needleReader passes r on, noting whether needle is in it.
type needleReader struct {
	r      io.Reader
	needle []byte
	tail   []byte // the last bytes read, fewer than the needle
	found  bool
}

func (n *needleReader) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if k > 0 && !n.found {
		keep := len(n.needle) - 1
		edge := append(append([]byte(nil), n.tail...), p[:min(k, keep)]...)
		n.found = bytes.Contains(edge, n.needle) || bytes.Contains(p[:k], n.needle)
		t := append(n.tail, p[max(0, k-keep):k]...)
		n.tail = append(n.tail[:0], t[max(0, len(t)-keep):]...)
	}
	return k, err
}
