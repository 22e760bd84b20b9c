package importers

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// The canonical names of the text encodings delimited text is read in.
const (
	UTF8        = "utf-8"
	UTF16LE     = "utf-16le"
	UTF16BE     = "utf-16be"
	GBK         = "gbk"
	GB18030     = "gb18030"
	Windows1252 = "windows-1252"
	Latin1      = "iso-8859-1"
)

// sampleSize is how much of a file encoding detection looks at.
const sampleSize = 64 * 1024

// encodings are the accepted encodings, by canonical name, with the other
// names they are known by.
var encodings = []struct {
	name    string
	aliases []string
	enc     encoding.Encoding // nil for UTF-8, read as it is
}{
	{UTF8, []string{"utf8"}, nil},
	{UTF16LE, []string{"utf16le", "utf-16"}, xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)},
	{UTF16BE, []string{"utf16be"}, xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM)},
	{GBK, []string{"cp936"}, simplifiedchinese.GBK},
	{GB18030, []string{"gb-18030"}, simplifiedchinese.GB18030},
	{Windows1252, []string{"cp1252", "windows1252"}, charmap.Windows1252},
	{Latin1, []string{"latin1", "latin-1", "iso8859-1", "iso88591"}, charmap.ISO8859_1},
}

// EncodingNames lists the encoding names ParseEncoding accepts, canonical
// names first.
func EncodingNames() []string {
	var names []string
	for _, e := range encodings {
		names = append(names, e.name)
	}
	for _, e := range encodings {
		names = append(names, e.aliases...)
	}
	return names
}

// ParseEncoding checks an encoding name (case-insensitive) and returns its
// canonical name; "" (and "auto") is returned as "", meaning detect. An
// unknown name is an error that lists the accepted ones.
func ParseEncoding(name string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" || n == "auto" {
		return "", nil
	}
	for _, e := range encodings {
		if n == e.name {
			return e.name, nil
		}
		for _, a := range e.aliases {
			if n == a {
				return e.name, nil
			}
		}
	}
	canon := make([]string, len(encodings))
	for i, e := range encodings {
		canon[i] = e.name
	}
	return "", fmt.Errorf("unknown encoding %q (want one of %s, latin1, or empty to detect)", name, strings.Join(canon, ", "))
}

// errBinary is returned for a file that is not text at all.
var errBinary = errors.New("binary file, not text (is it a spreadsheet saved with the wrong extension?)")

// decode wraps br in a decoder to UTF-8 for the encoding named (canonical, or
// "" to detect from the first 64 KiB) and returns the encoding used. br must
// have a buffer of at least sampleSize bytes. A byte order mark is left in
// the decoded text, as U+FEFF, for the caller to drop.
func decode(br *bufio.Reader, name string) (io.Reader, string, error) {
	sample, err := br.Peek(sampleSize)
	atEOF := errors.Is(err, io.EOF)
	if err != nil && !atEOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, "", err
	}
	given := name != ""
	if !given {
		name = detectEncoding(sample, atEOF)
	}
	if name != UTF16LE && name != UTF16BE && bytes.IndexByte(sample, 0) >= 0 {
		if e := utf16WithoutBOM(sample); e != "" && !given {
			return nil, "", fmt.Errorf("%s %w: give its encoding with --encoding %s", strings.ToUpper(e), errNoBOM, e)
		}
		return nil, "", errBinary
	}
	if name != UTF16LE && name != UTF16BE && looksHTML(sample) {
		return nil, "", errHTML
	}
	// UTF-16 text has NUL bytes, in its delimiters and newlines at least.
	utf16BOM := bytes.HasPrefix(sample, []byte("\xff\xfe")) || bytes.HasPrefix(sample, []byte("\xfe\xff"))
	if (name == UTF16LE || name == UTF16BE) && !utf16BOM && len(sample) >= 16 && bytes.IndexByte(sample, 0) < 0 {
		return nil, "", errNotUTF16
	}
	for _, e := range encodings {
		if e.name == name {
			if e.enc == nil {
				return br, name, nil
			}
			return transform.NewReader(br, e.enc.NewDecoder()), name, nil
		}
	}
	return nil, "", fmt.Errorf("unknown encoding %q", name)
}

// detectEncoding names the encoding of sample, the start of a file (all of
// it when atEOF).
//
//   - A byte order mark decides: UTF-8, UTF-16LE or UTF-16BE (what Excel's
//     "Unicode text" export writes).
//   - Otherwise, text that is valid UTF-8 is UTF-8: other encodings hardly
//     ever produce valid multi-byte UTF-8 by accident.
//   - Otherwise it is a legacy 8-bit encoding, in practice GB18030/GBK (what
//     Chinese Excel writes) or Windows-1252 (what Spanish and French Excel
//     write, "Teléfono"). Every byte string decodes as Windows-1252, so the
//     question is whether it is GB18030: the sample must decode as GB18030
//     with no invalid sequence (no U+FFFD), give at least one CJK ideograph,
//     and most of its two-byte sequences must have a trail byte of 0x80 or
//     more. The last test matters: in Windows-1252 Spanish, "é" followed by
//     an ASCII letter ("Tel\xe9fono") is also a valid GBK pair that decodes
//     to an ideograph, but accented letters are followed by ASCII, while
//     Chinese text, mostly GB2312 characters, has both bytes high.
func detectEncoding(sample []byte, atEOF bool) string {
	switch {
	case bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")):
		return UTF8
	case bytes.HasPrefix(sample, []byte("\xff\xfe")):
		return UTF16LE
	case bytes.HasPrefix(sample, []byte("\xfe\xff")):
		return UTF16BE
	}
	if utf8.Valid(trimPartialRune(sample, atEOF)) {
		return UTF8
	}
	if looksGB18030(sample, atEOF) {
		return GB18030
	}
	return Windows1252
}

// trimPartialRune drops a UTF-8 sequence cut short at the end of a sample
// that is not the whole file.
func trimPartialRune(b []byte, atEOF bool) []byte {
	if atEOF {
		return b
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// looksGB18030 reports whether sample reads as Chinese GB18030 text; see
// detectEncoding.
func looksGB18030(sample []byte, atEOF bool) bool {
	dst := make([]byte, 4*len(sample)+16)
	n, _, err := simplifiedchinese.GB18030.NewDecoder().Transform(dst, sample, atEOF)
	if err != nil && !errors.Is(err, transform.ErrShortSrc) {
		return false
	}
	text := dst[:n]
	if bytes.ContainsRune(text, utf8.RuneError) || !bytes.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return false
	}
	var high, low int // two-byte sequences by their trail byte
	for i := 0; i+1 < len(sample); {
		if sample[i] < 0x80 {
			i++
			continue
		}
		switch t := sample[i+1]; {
		case t >= '0' && t <= '9': // four-byte sequence
			i += 4
			continue
		case t < 0x80:
			low++
		default:
			high++
		}
		i += 2
	}
	return high > low
}

// ParseDelimiter reads a delimiter as a user gives it: the character itself
// (",", ";", "|", a tab) or a name: comma, semicolon, tab (or `\t`), pipe.
// "" (and "auto") is 0, meaning detect.
func ParseDelimiter(s string) (rune, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return 0, nil
	case "comma":
		return ',', nil
	case "semicolon":
		return ';', nil
	case "tab", `\t`:
		return '\t', nil
	case "pipe":
		return '|', nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if size != len(s) || !validDelimiter(r) {
		return 0, fmt.Errorf("invalid delimiter %q (want one character such as , ; | or tab)", s)
	}
	return r, nil
}

// validDelimiter reports whether encoding/csv accepts r as a delimiter.
func validDelimiter(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}
