package importers

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// How encoding/xml reads character data (its Decoder.text), which the
// fast sheet reader must read to the same strings.

// textMode is where raw text stands.
type textMode uint8

const (
	textData  textMode = iota // between tags
	textAttr                  // in a quoted attribute value
	textCDATA                 // in a CDATA section
)

// plainByte marks the bytes that stand for themselves in character data
// and attribute values. The rest need a look: & starts a reference, \r is
// a line end to rewrite, < is an error in an attribute value, and bytes
// from 0x80 on must be valid UTF-8 for an allowed character.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '&' && c != '<'
	}
	t['\t'], t['\n'] = true, true
	return t
}()

// plainText reports whether raw stands for itself anywhere: printable
// ASCII but & and <, tabs and line feeds, and no ] (which may be ]]>).
func plainText(raw []byte) bool {
	for _, c := range raw {
		if !plainByte[c] || c == ']' {
			return false
		}
	}
	return true
}

// plainAttr reports whether an attribute value stands for itself.
func plainAttr(v []byte) bool {
	for _, c := range v {
		if !plainByte[c] {
			return false
		}
	}
	return true
}

// appendXMLText appends to dst what encoding/xml reads for raw: entities
// and character references replaced (not in CDATA), \r\n and a lone \r
// made \n. ok is false where encoding/xml fails: an unknown entity, a bad
// reference, < in an attribute value, ]]> outside CDATA, invalid UTF-8 or
// a character XML does not allow.
func appendXMLText(dst, raw []byte, mode textMode) (_ []byte, ok bool) {
	if plainText(raw) {
		return append(dst, raw...), true
	}
	start := len(dst)
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && (plainByte[raw[j]] || raw[j] >= 0x80) {
			j++
		}
		dst = append(dst, raw[i:j]...)
		if i = j; i == len(raw) {
			break
		}
		switch c := raw[i]; {
		case c == '\r':
			// encoding/xml writes \n for \r, and drops the \n of \r\n.
			dst = append(dst, '\n')
			if i++; i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c == '&' && mode != textCDATA:
			r, n, ok := xmlReference(raw[i:])
			if !ok {
				return dst, false
			}
			dst = utf8.AppendRune(dst, r)
			i += n
		case c == '<' && mode == textAttr:
			return dst, false
		case c == '<' || c == '&':
			dst = append(dst, c)
			i++
		default:
			// A control character: kept, for validXMLChars to refuse.
			dst = append(dst, c)
			i++
		}
	}
	if mode == textData && bytes.Contains(raw, []byte("]]>")) {
		return dst, false
	}
	return dst, validXMLChars(dst[start:])
}

// xmlReference reads the entity or character reference at the start of b
// (at its &), as encoding/xml does with no custom entities: the rune it
// stands for and its length. A reference to a surrogate reads as U+FFFD,
// as string(rune(n)) makes it; validXMLChars checks the rest.
func xmlReference(b []byte) (r rune, n int, ok bool) {
	if len(b) < 2 {
		return 0, 0, false
	}
	if b[1] == '#' {
		i, base := 2, 10
		if i < len(b) && b[i] == 'x' {
			i, base = i+1, 16
		}
		start := i
		for i < len(b) && isDigitIn(b[i], base) {
			i++
		}
		if i >= len(b) || b[i] != ';' {
			return 0, 0, false
		}
		v, err := strconv.ParseUint(string(b[start:i]), base, 64)
		if err != nil || v > unicode.MaxRune {
			return 0, 0, false
		}
		return rune(v), i + 1, true
	}
	i := 1
	for i < len(b) && (isNameByte(b[i]) || b[i] >= 0x80) {
		i++
	}
	if i >= len(b) || b[i] != ';' {
		return 0, 0, false
	}
	switch string(b[1:i]) {
	case "lt":
		r = '<'
	case "gt":
		r = '>'
	case "amp":
		r = '&'
	case "apos":
		r = '\''
	case "quot":
		r = '"'
	default:
		return 0, 0, false
	}
	return r, i + 1, true
}

func isDigitIn(c byte, base int) bool {
	return '0' <= c && c <= '9' || base == 16 && ('a' <= c && c <= 'f' || 'A' <= c && c <= 'F')
}

// validXMLChars is encoding/xml's last check of text it read: valid UTF-8
// of characters in XML's range.
func validXMLChars(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 || !isInCharacterRange(r) {
			return false
		}
		i += size
	}
	return true
}

// isInCharacterRange is copied from encoding/xml (BSD-style license, The
// Go Authors): the Char production of the XML spec.
func isInCharacterRange(r rune) bool {
	return r == 0x09 ||
		r == 0x0A ||
		r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// procInst is copied from encoding/xml (BSD-style license, The Go
// Authors): how it finds a parameter of the XML declaration, "lame" as its
// comment says, which is why it is copied rather than done properly.
func procInst(param, s string) string {
	param = param + "="
	lenp := len(param)
	i := 0
	var sep byte
	for i < len(s) {
		sub := s[i:]
		k := strings.Index(sub, param)
		if k < 0 || lenp+k >= len(sub) {
			return ""
		}
		i += lenp + k + 1
		if c := sub[lenp+k]; c == '\'' || c == '"' {
			sep = c
			break
		}
	}
	if sep == 0 {
		return ""
	}
	j := strings.IndexByte(s[i:], sep)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}
