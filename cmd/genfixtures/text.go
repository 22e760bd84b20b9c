package main

import (
	"bytes"
	"compress/gzip"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// joinRows writes rows as delimited text, fields as given (quote them in the
// row itself where a fixture needs quotes), each line ended by eol.
func joinRows(rows [][]string, delim, eol string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, delim))
		b.WriteString(eol)
	}
	return b.String()
}

// encode converts UTF-8 text to enc.
func encode(enc encoding.Encoding, s string) ([]byte, error) {
	return enc.NewEncoder().Bytes([]byte(s))
}

// textFixtures are the delimited text files: encodings, delimiters, quoting,
// ragged rows, title rows, odd headers, gzip.
func textFixtures() ([]fixture, error) {
	utf8CSV := joinRows([][]string{
		{"nombre", "teléfono", "ciudad"},
		{"José Núñez", "612 345 678", "Málaga"},
		{"Zoë Ibáñez", "+34 699 111 222", "A Coruña"},
		{"Çelik Øster", "", "Girona"},
		{"Ángela Peña", "612-345-678", "Cádiz"},
	}, ",", "\n")

	bomCSV := "\ufeff" + joinRows([][]string{
		{"姓名", "电话", "城市"},
		{"李雷", "138 0013 8001", "北京"},
		{"韩梅梅", "+86 139 0013 9002", "上海"},
		{"Renée", "0086 137 0013 7003", "深圳"},
	}, ",", "\r\n")

	gbk, err := encode(simplifiedchinese.GBK, joinRows([][]string{
		{"姓名", "手机号码"},
		{"张伟", "13812345671"},
		{"王芳", "139 1234 5672"},
		{"刘洋", "+86 137-1234-5673"},
		{"陈静", "15012345674"},
	}, ",", "\r\n"))
	if err != nil {
		return nil, err
	}

	win1252, err := encode(charmap.Windows1252, joinRows([][]string{
		{"Nombre", "Teléfono", "Ciudad"},
		{"Begoña Muñoz", "612 345 601", "Logroño"},
		{"Iñaki Pérez", "699 111 201", "San Sebastián"},
		{"Raúl Gómez", "llamar por la tarde", "Cáceres"},
		{"Inés Álvarez", "+34 622 333 401", "Ávila"},
	}, ";", "\r\n"))
	if err != nil {
		return nil, err
	}

	// Excel's "Unicode text": UTF-16LE with a BOM, tab-separated, CRLF.
	utf16le, err := encode(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), joinRows([][]string{
		{"Nombre", "Móvil", "Ciudad"},
		{"Sofía Ruiz", "612 345 602", "Jaén"},
		{"周杰", "+86 138 1234 5675", "广州"},
		{"Noël Durand", "612 345 602", "Perpiñán"},
	}, "\t", "\r\n"))
	if err != nil {
		return nil, err
	}

	utf16be, err := encode(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), joinRows([][]string{
		{"name", "phone", "city"},
		{"Åsa Lindqvist", "+34 612 345 603", "Málaga"},
		{"黄磊", "0086 138 1234 5676", "杭州"},
		{"Mónica Díaz", "612 345", "Toledo"},
	}, ",", "\n"))
	if err != nil {
		return nil, err
	}

	pipe := joinRows([][]string{
		{"nombre", "teléfono", "notas"},
		{"Adrián Sáez", "612 345 604", "llamar mañana, 10h"},
		{"Lucía Vázquez", "699 111 204", "prefiere WhatsApp; no SMS"},
		{"Óscar Ruíz", "612.345.605", "ok"},
	}, "|", "\n")

	// RFC 4180 quoting: delimiters, quotes and line breaks inside fields, CRLF
	// line endings and blank lines between records.
	quoted := joinRows([][]string{
		{"nombre", "teléfono", "dirección", "notas"},
		{`"Pérez, Ana"`, `"612 345 606"`, `"Calle Mayor 1, 3º B"`, `"dijo ""llámame"" mañana"`},
		{},
		{`"Gil, Rubén"`, `"+34 699 111 206"`, `"Av. de América 5` + "\r\n" + `Madrid"`, `"línea 1` + "\r\n" + `línea 2"`},
		{},
		{},
		{`Nuño`, `612 345 607`, `Plaza España`, `""`},
		{`"Sanz, Eva"`, `"612 345 606"`, `"C/ Luna, 2"`, `"repetido, otra notación"`},
	}, ",", "\r\n")

	ragged := joinRows([][]string{
		{"nombre", "teléfono", "ciudad", "notas"},
		{"Marta Gómez", "612 345 608", "Vigo", "ok"},
		{"Pablo Núñez", "699 111 208"},
		{"Calle Real", "4", "612 345 609", "Soria", "mueve columnas"},
		{"Irene Saíz", "612 345 610", "León", "", "", ""},
	}, ",", "\n")

	titleRows := joinRows([][]string{
		{"Listado de leads — Feria Inmobiliaria 2026", "", ""},
		{"Exportado el 20/11/2026 por el CRM", "", ""},
		{"nombre", "móvil", "ciudad"},
		{"Celia Ortí", "612 345 611", "Huesca"},
		{"Tomás Ibarra", "699 111 211", "Teruel"},
		{"Elena Ñúñez", "", "Zaragoza"},
	}, ",", "\n")

	dupHeaders := joinRows([][]string{
		{"nombre", "teléfono", "teléfono", "", "nombre", ""},
		{"Víctor Sanz", "612 345 612", "699 111 212", "x", "Víctor", ""},
		{"Rocío León", "", "612 345 613", "", "Rocío", "y"},
		{"Ángel Mora", "", "", "", "Ángel", ""},
	}, ",", "\n")

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz) // no name, no ModTime: fixed bytes
	if _, err := zw.Write([]byte(joinRows([][]string{
		{"nombre", "teléfono"},
		{"Hugo Peña", "612 345 614"},
		{"Sara Ruíz", "699 111 214"},
		{"Leo Díaz", "612 345 614"},
	}, ";", "\n"))); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}

	tsv := joinRows([][]string{
		{"nombre", "teléfono, móvil", "ciudad"},
		{"Nerea Gil", "612 345 615", "Bilbao, Bizkaia"},
		{"Íker Sanz", "699 111 215", "Getxo"},
		{"王静", "+86 138 1234 5677", "成都"},
	}, "\t", "\n")

	several := joinRows([][]string{
		{"nombre", "phone", "mobile", "phone2", "ciudad"},
		{"Alba Ríos", "612 345 616", "699 111 216", "", "Lugo"},
		{"Bruno Paz", "", "612 345 617", "612 345 616", "Ourense"},
		{"Clara Vidal", "", "", "", "Vigo"},
		{"Darío Gómez", "910 000 00", "612 345 618", "699 111 218", "Pontevedra"},
	}, ",", "\n")

	return []fixture{
		{"utf8.csv", "UTF-8 without BOM, accented names, LF; an empty phone cell and a duplicate in another notation", []byte(utf8CSV)},
		{"utf8-bom.csv", "UTF-8 with a byte-order mark (Excel's \"CSV UTF-8\"), Chinese header and names, CRLF", []byte(bomCSV)},
		{"gbk.csv", "GBK (Chinese Excel's \"CSV\"), header 姓名,手机号码, CN mobiles in several notations, CRLF", gbk},
		{"win1252-semicolon.csv", "Windows-1252 (Spanish Excel), ';' delimiter, header Nombre;Teléfono;Ciudad, a row with text instead of a number", win1252},
		{"utf16le-tab.txt", "UTF-16LE with BOM, tab-separated, CRLF: Excel's \"Unicode text\"; a duplicate", utf16le},
		{"utf16be.csv", "UTF-16BE with BOM, comma-separated; a number too short to be valid", utf16be},
		{"pipe.csv", "'|' delimiter, with ',' and ';' inside unquoted fields", []byte(pipe)},
		{"quoted.csv", "RFC 4180 quotes: delimiters, doubled quotes and CRLF line breaks inside fields, CRLF line endings, blank lines; a duplicate", []byte(quoted)},
		{"ragged.csv", "a short row (padded), a long row (shifted columns: MALFORMED_ROW), a row with trailing empty fields", []byte(ragged)},
		{"title-rows.csv", "two title rows above the header", []byte(titleRows)},
		{"dup-headers.csv", "duplicate header names (two teléfono, two nombre) and empty header names", []byte(dupHeaders)},
		{"leads.csv.gz", "gzip-compressed ';' CSV; a duplicate", gz.Bytes()},
		{"leads.tsv", "tab-separated .tsv, with commas inside fields and in the header", []byte(tsv)},
		{"several-columns.csv", "three phone columns (phone, mobile, phone2): a row with two numbers, a repeat across columns, a row with none, an invalid one beside valid ones", []byte(several)},
	}, nil
}
