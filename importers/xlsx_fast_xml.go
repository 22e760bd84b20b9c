package importers

import (
	"bytes"
	"io"
	"strings"
)

// The fast sheet reader's XML tokenizer. It reads XML as encoding/xml's
// Decoder reads it for excelize (Strict), and accepts only what that
// Decoder accepts and reads the same way: names, attributes, entities,
// character references, CDATA, line ends and the characters XML allows,
// in UTF-8 (excelize converts other encodings). Anything else, well-formed
// or not, is tokBad: the reader then hands over to excelize rather than
// guess what excelize would make of it.

// tokenKind is what the last token read was.
type tokenKind uint8

const (
	tokEOF     tokenKind = iota // the end of the input
	tokStart                    // a start tag, empty if self-closing (<a/>)
	tokEnd                      // an end tag, matching the open element
	tokText                     // character data, raw (see appendXMLText)
	tokCDATA                    // a CDATA section's content, raw
	tokComment                  // a comment
	tokPI                       // a processing instruction, checked
	tokBad                      // not understood, or not well-formed
	tokMore                     // (lex only) the token goes on past the buffer
)

// maxXMLToken bounds one token (a tag, a text run): the buffer grows to
// hold the longest, and a longer one is handed over to excelize.
const maxXMLToken = 64 << 20

// xmlAttr is an attribute of the last start tag; value is as written,
// between the quotes, and already checked (see appendXMLText).
type xmlAttr struct {
	name  []byte // its qualified name
	local []byte // the local part of its name, as encoding/xml splits it
	value []byte
	plain bool // value needs no decoding: it is what encoding/xml reads
}

// xmlScanner reads tokens from r. The slices it gives (name, local, attrs,
// text) are valid until the next call to next.
type xmlScanner struct {
	r        io.Reader
	buf      []byte
	pos, end int // buf[pos:end] is read but not yet consumed
	eof      bool

	kind  tokenKind // the last token's
	name  []byte    // a start or end tag's qualified name
	local []byte    // its local part
	attrs []xmlAttr
	empty bool   // a self-closing start tag
	text  []byte // a text run or a CDATA section's content

	open      [][]byte // the qualified names of the open elements
	depth     int
	scratch   []byte
	nameLocal []byte // the local part of the name lexName last read
}

func newXMLScanner(r io.Reader) *xmlScanner {
	return &xmlScanner{r: r, buf: make([]byte, 256<<10)}
}

// next reads the next token. End tags are checked against the element
// they close, as encoding/xml checks them (its prefix and local name).
func (s *xmlScanner) next() tokenKind {
	for {
		k, n := s.lex(s.buf[s.pos:s.end])
		if k == tokMore {
			if s.fill() {
				continue
			}
			k, n = tokBad, 0
		}
		s.pos += n
		switch k {
		case tokStart:
			if !s.empty {
				if s.depth == len(s.open) {
					s.open = append(s.open, nil)
				}
				s.open[s.depth] = append(s.open[s.depth][:0], s.name...)
				s.depth++
			}
		case tokEnd:
			if s.depth == 0 || !bytes.Equal(s.open[s.depth-1], s.name) {
				s.kind = tokBad
				return tokBad
			}
			s.depth--
		}
		s.kind = k
		return k
	}
}

// fill reads more input, keeping the unconsumed bytes: it reports
// whether there may be more to lex.
func (s *xmlScanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) >= maxXMLToken {
			return false
		}
		s.buf = append(s.buf, make([]byte, len(s.buf))...)
	}
	n, err := s.r.Read(s.buf[s.end:])
	s.end += n
	if err == io.EOF {
		s.eof = true
	} else if err != nil {
		// A read error is handed over: excelize reads its own copy.
		return false
	}
	return true
}

// lex reads one token from b, returning its kind and length.
func (s *xmlScanner) lex(b []byte) (tokenKind, int) {
	if len(b) == 0 {
		if s.eof {
			return tokEOF, 0
		}
		return tokMore, 0
	}
	if b[0] != '<' {
		i := bytes.IndexByte(b, '<')
		if i < 0 {
			if !s.eof {
				return tokMore, 0
			}
			i = len(b)
		}
		s.text = b[:i]
		return tokText, i
	}
	if len(b) < 2 {
		return s.more()
	}
	switch b[1] {
	case '/':
		return s.lexEnd(b)
	case '?':
		return s.lexPI(b)
	case '!':
		return s.lexBang(b)
	}
	return s.lexStart(b)
}

// more is a token cut short by the end of the buffer: more to read, or
// bad at the end of the input.
func (s *xmlScanner) more() (tokenKind, int) {
	if s.eof {
		return tokBad, 0
	}
	return tokMore, 0
}

// lexStart reads <name attr="value" …> or <name …/>.
func (s *xmlScanner) lexStart(b []byte) (tokenKind, int) {
	i, k := s.lexName(b, 1)
	if k != tokStart {
		return k, 0
	}
	s.name, s.local = b[1:i], s.nameLocal
	s.attrs = s.attrs[:0]
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return s.more()
		}
		switch b[i] {
		case '/':
			if i+1 >= len(b) {
				return s.more()
			}
			if b[i+1] != '>' {
				return tokBad, 0
			}
			s.empty = true
			return tokStart, i + 2
		case '>':
			s.empty = false
			return tokStart, i + 1
		}
		j, k := s.lexName(b, i)
		if k != tokStart {
			return k, 0
		}
		a := xmlAttr{name: b[i:j], local: s.nameLocal}
		if j = skipSpace(b, j); j >= len(b) {
			return s.more()
		}
		if b[j] != '=' {
			return tokBad, 0
		}
		if j = skipSpace(b, j+1); j >= len(b) {
			return s.more()
		}
		quote := b[j]
		if quote != '"' && quote != '\'' {
			return tokBad, 0
		}
		end := bytes.IndexByte(b[j+1:], quote)
		if end < 0 {
			return s.more()
		}
		a.value = b[j+1 : j+1+end]
		if a.plain = plainAttr(a.value); !a.plain {
			var ok bool
			if s.scratch, ok = appendXMLText(s.scratch[:0], a.value, textAttr); !ok {
				return tokBad, 0
			}
		}
		s.attrs = append(s.attrs, a)
		i = j + 1 + end + 1
	}
}

// lexEnd reads </name>.
func (s *xmlScanner) lexEnd(b []byte) (tokenKind, int) {
	i, k := s.lexName(b, 2)
	if k != tokStart {
		return k, 0
	}
	s.name, s.local = b[2:i], s.nameLocal
	if i = skipSpace(b, i); i >= len(b) {
		return s.more()
	}
	if b[i] != '>' {
		return tokBad, 0
	}
	return tokEnd, i + 1
}

// lexPI reads <?target …?>, checking an XML declaration as encoding/xml
// does: version 1.0 and, as excelize reads nothing else without
// converting it, UTF-8.
func (s *xmlScanner) lexPI(b []byte) (tokenKind, int) {
	i, k := s.lexName(b, 2)
	if k != tokStart {
		return k, 0
	}
	target := string(b[2:i])
	i = skipSpace(b, i)
	end := bytes.Index(b[i:], []byte("?>"))
	if end < 0 {
		return s.more()
	}
	if target == "xml" {
		content := string(b[i : i+end])
		if v := procInst("version", content); v != "" && v != "1.0" {
			return tokBad, 0
		}
		if enc := procInst("encoding", content); enc != "" && !strings.EqualFold(enc, "utf-8") {
			return tokBad, 0
		}
	}
	return tokPI, i + end + 2
}

// lexBang reads a comment or a CDATA section; a directive (<!DOCTYPE …>)
// is not understood.
func (s *xmlScanner) lexBang(b []byte) (tokenKind, int) {
	const cdata = "<![CDATA["
	switch {
	case len(b) < 4:
		return s.more()
	case b[2] == '-':
		if b[3] != '-' {
			return tokBad, 0
		}
		// The first "--" must end the comment, as in encoding/xml.
		end := bytes.Index(b[4:], []byte("--"))
		if end < 0 || 4+end+2 >= len(b) {
			return s.more()
		}
		if b[4+end+2] != '>' {
			return tokBad, 0
		}
		return tokComment, 4 + end + 3
	case b[2] == '[':
		if len(b) < len(cdata) {
			if !bytes.HasPrefix([]byte(cdata), b) {
				return tokBad, 0
			}
			return s.more()
		}
		if !bytes.HasPrefix(b, []byte(cdata)) {
			return tokBad, 0
		}
		end := bytes.Index(b[len(cdata):], []byte("]]>"))
		if end < 0 {
			return s.more()
		}
		s.text = b[len(cdata) : len(cdata)+end]
		return tokCDATA, len(cdata) + end + 3
	}
	return tokBad, 0
}

// lexName finds the end of the name at b[i:]. It returns tokStart for a
// name encoding/xml reads the same way: ASCII, starting with a letter, _
// or :, and at most one colon. A name with other characters, which
// encoding/xml may accept, is not understood.
func (s *xmlScanner) lexName(b []byte, i int) (int, tokenKind) {
	if i >= len(b) {
		k, _ := s.more()
		return 0, k
	}
	if c := b[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_' || c == ':') {
		return 0, tokBad
	}
	j, colon := i+1, -1
	for j < len(b) && isNameByte(b[j]) {
		if b[j] == ':' {
			if colon >= 0 {
				return 0, tokBad
			}
			colon = j
		}
		j++
	}
	if j >= len(b) {
		k, _ := s.more()
		return 0, k
	}
	if b[j] >= 0x80 || colon >= 0 && b[i] == ':' {
		return 0, tokBad
	}
	// encoding/xml splits a name at its one colon, unless that leaves
	// either side empty.
	s.nameLocal = b[i:j]
	if colon > i && colon < j-1 {
		s.nameLocal = b[colon+1 : j]
	}
	return j, tokStart
}

// isNameByte is encoding/xml's: the ASCII bytes a name may hold.
func isNameByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
		c == '_' || c == ':' || c == '.' || c == '-'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isXMLSpace(b[i]) {
		i++
	}
	return i
}

// isXMLSpace is a byte encoding/xml skips as space between a tag's parts.
func isXMLSpace(c byte) bool { return c == ' ' || c == '\r' || c == '\n' || c == '\t' }

// isSpaceText reports whether raw text is only space, which excelize
// skips between elements.
func isSpaceText(raw []byte) bool {
	for _, c := range raw {
		if !isXMLSpace(c) {
			return false
		}
	}
	return true
}
