package importers

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// encode encodes s, failing the test on a character enc cannot hold.
func encode(t testing.TB, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

// writeBytes writes content to name in a fresh directory and returns its path.
func writeBytes(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// gz compresses b.
func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	utf16LE      = xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM) // writes a BOM
	utf16BE      = xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM)
	utf16LENoBOM = xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM)
)

func TestEncodings(t *testing.T) {
	spanish := "nombre;Teléfono\nAna;612 345 678\n"
	spanishHeader := []string{"nombre", "Teléfono"}
	spanishRows := []row{{2, []string{"Ana", "612 345 678"}}}
	chinese := "姓名,手机号码\n王伟,138 0013 8000\n"
	chineseHeader := []string{"姓名", "手机号码"}
	chineseRows := []row{{2, []string{"王伟", "138 0013 8000"}}}
	excelUnicode := "nombre\tTeléfono\tciudad\nAna\t612 345 678\tMálaga, España\n"
	excelHeader := []string{"nombre", "Teléfono", "ciudad"}
	excelRows := []row{{2, []string{"Ana", "612 345 678", "Málaga, España"}}}

	tests := []struct {
		name     string
		file     string
		content  []byte
		opts     Options
		encoding string // read in
		header   []string
		rows     []row
	}{
		{
			name: "windows-1252 detected", file: "leads.csv",
			content: encode(t, charmap.Windows1252, spanish), encoding: Windows1252,
			header: spanishHeader, rows: spanishRows,
		},
		{
			name: "windows-1252 with accents before punctuation", file: "leads.csv",
			content:  encode(t, charmap.Windows1252, "nombre;dirección;población\nAna;C/ Mayor 1;Cádiz\n"),
			encoding: Windows1252,
			header:   []string{"nombre", "dirección", "población"},
			rows:     []row{{2, []string{"Ana", "C/ Mayor 1", "Cádiz"}}},
		},
		{
			name: "gb18030 detected", file: "leads.csv",
			content: encode(t, simplifiedchinese.GB18030, chinese), encoding: GB18030,
			header: chineseHeader, rows: chineseRows,
		},
		{
			name: "gbk file detected as gb18030", file: "leads.csv",
			content: encode(t, simplifiedchinese.GBK, chinese), encoding: GB18030,
			header: chineseHeader, rows: chineseRows,
		},
		{
			name: "utf-16le with BOM, tab-separated", file: "leads.txt",
			content: encode(t, utf16LE, excelUnicode), encoding: UTF16LE,
			header: excelHeader, rows: excelRows,
		},
		{
			name: "utf-16be with BOM", file: "leads.csv",
			content: encode(t, utf16BE, chinese), encoding: UTF16BE,
			header: chineseHeader, rows: chineseRows,
		},
		{
			name: "utf-8 with BOM", file: "leads.csv",
			content: []byte("\ufeff" + chinese), encoding: UTF8,
			header: chineseHeader, rows: chineseRows,
		},
		{
			name: "utf-8", file: "leads.csv",
			content: []byte(spanish), encoding: UTF8,
			header: spanishHeader, rows: spanishRows,
		},
		{
			name: "ascii is utf-8", file: "leads.csv",
			content: []byte("phone\n612345678\n"), encoding: UTF8,
			header: []string{"phone"}, rows: []row{{2, []string{"612345678"}}},
		},
		{
			name: "utf-16le without BOM, given", file: "leads.txt",
			content: encode(t, utf16LENoBOM, excelUnicode), opts: Options{Encoding: "UTF-16LE"}, encoding: UTF16LE,
			header: excelHeader, rows: excelRows,
		},
		{
			name: "utf-16le given, BOM dropped", file: "leads.txt",
			content: encode(t, utf16LE, excelUnicode), opts: Options{Encoding: "utf-16le"}, encoding: UTF16LE,
			header: excelHeader, rows: excelRows,
		},
		{
			name: "gbk given", file: "leads.csv",
			content: encode(t, simplifiedchinese.GBK, chinese), opts: Options{Encoding: "gbk"}, encoding: GBK,
			header: chineseHeader, rows: chineseRows,
		},
		{
			// Decoded as GB18030 this has no errors, but "é" is followed
			// by ASCII letters: the heuristic must not take it as Chinese.
			name: "latin1 given", file: "leads.csv",
			content: encode(t, charmap.ISO8859_1, spanish), opts: Options{Encoding: "latin1"}, encoding: Latin1,
			header: spanishHeader, rows: spanishRows,
		},
		{
			// Short Chinese text that detection could take either way.
			name: "gb18030 given", file: "leads.csv",
			content: encode(t, simplifiedchinese.GB18030, "电话\n612345678\n"), opts: Options{Encoding: "gb18030"}, encoding: GB18030,
			header: []string{"电话"}, rows: []row{{2, []string{"612345678"}}},
		},
		{
			name: "windows-1252 given over utf-8 detection", file: "leads.csv",
			content: []byte("nombre;Tel\xc3\xa9fono\nAna;1\n"), opts: Options{Encoding: "cp1252"}, encoding: Windows1252,
			header: []string{"nombre", "TelÃ©fono"}, rows: []row{{2, []string{"Ana", "1"}}},
		},
		{
			name: "gzip", file: "leads.csv.gz",
			content: gz(t, []byte(spanish)), encoding: UTF8,
			header: spanishHeader, rows: spanishRows,
		},
		{
			name: "gzip of windows-1252", file: "leads.CSV.GZ",
			content: gz(t, encode(t, charmap.Windows1252, spanish)), encoding: Windows1252,
			header: spanishHeader, rows: spanishRows,
		},
		{
			name: "tsv.gz is always tab", file: "leads.tsv.gz",
			content: gz(t, []byte("phone,with,commas\tname\n612,345,678\tAna\n")), encoding: UTF8,
			header: []string{"phone,with,commas", "name"}, rows: []row{{2, []string{"612,345,678", "Ana"}}},
		},
		{
			name: "txt.gz of utf-16", file: "leads.txt.gz",
			content: gz(t, encode(t, utf16LE, excelUnicode)), encoding: UTF16LE,
			header: excelHeader, rows: excelRows,
		},
		{
			name: "forced delimiter", file: "leads.csv",
			content: []byte("phone,x;name,y\n612,1;Ana,B\n"), opts: Options{Delimiter: ';'}, encoding: UTF8,
			header: []string{"phone,x", "name,y"}, rows: []row{{2, []string{"612,1", "Ana,B"}}},
		},
		{
			name: "forced delimiter over .tsv", file: "leads.tsv",
			content: []byte("phone\tx|name\n612\t1|Ana\n"), opts: Options{Delimiter: '|'}, encoding: UTF8,
			header: []string{"phone\tx", "name"}, rows: []row{{2, []string{"612\t1", "Ana"}}},
		},
		{
			name: "forced tab", file: "leads.csv",
			content: []byte("a,b,c\td\n1,2,3\t4\n"), opts: Options{Delimiter: '\t'}, encoding: UTF8,
			header: []string{"a,b,c", "d"}, rows: []row{{2, []string{"1,2,3", "4"}}},
		},
		{
			name: "forced comma", file: "leads.csv",
			content: []byte("a;b;c,d\n1;2;3,4\n"), opts: Options{Delimiter: ','}, encoding: UTF8,
			header: []string{"a;b;c", "d"}, rows: []row{{2, []string{"1;2;3", "4"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeBytes(t, tt.file, tt.content)
			r, err := Open(path, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.(Decoded).Encoding(); got != tt.encoding {
				t.Errorf("encoding = %q, want %q", got, tt.encoding)
			}
			r.Close()
			header, rows := mustReadAll(t, path, tt.opts)
			if !reflect.DeepEqual(header, tt.header) {
				t.Errorf("header = %q, want %q", header, tt.header)
			}
			if !reflect.DeepEqual(rows, tt.rows) {
				t.Errorf("rows = %v, want %v", rows, tt.rows)
			}
		})
	}
}

func TestEncodingStdin(t *testing.T) {
	in := bytes.NewReader(encode(t, utf16LE, "phone\tname\n612345678\tAna\n"))
	header, rows := mustReadAll(t, "-", Options{Stdin: in})
	if want := []string{"phone", "name"}; !reflect.DeepEqual(header, want) {
		t.Errorf("header = %q, want %q", header, want)
	}
	if want := []row{{2, []string{"612345678", "Ana"}}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}
}

func TestGzipLines(t *testing.T) {
	path := writeBytes(t, "numbers.txt.gz", gz(t, []byte("phone\n612345678\n# x\n622222222\n")))
	header, rows := mustReadAll(t, path, Options{TextAsLines: true})
	if want := []string{"phone"}; !reflect.DeepEqual(header, want) {
		t.Errorf("header = %q, want %q", header, want)
	}
	if want := []row{{2, []string{"612345678"}}, {4, []string{"622222222"}}}; !reflect.DeepEqual(rows, want) {
		t.Errorf("rows = %v, want %v", rows, want)
	}
}

func TestEncodingErrors(t *testing.T) {
	valid := gz(t, []byte("phone,name\n"+strings.Repeat("612345678,Ana\n", 5000)))
	corrupt := bytes.Clone(valid)
	corrupt[len(corrupt)/2] ^= 0xff
	tests := []struct {
		name    string
		file    string
		content []byte
		opts    Options
		want    string
	}{
		{name: "binary", file: "leads.csv", content: []byte("PK\x03\x04\x14\x00\x06\x00phone"), want: "binary file, not text"},
		{name: "binary late in the sample", file: "leads.csv", content: []byte("phone\n" + strings.Repeat("1\n", 1000) + "\x00"), want: "binary file"},
		{name: "binary with encoding given", file: "leads.csv", content: []byte("phone\x00\n1\n"), opts: Options{Encoding: "windows-1252"}, want: "binary file"},
		{name: "xlsx named csv", file: "leads.csv", content: []byte("PK\x03\x04\x00\x00"), want: "wrong extension"},
		{name: "not gzip", file: "leads.csv.gz", content: []byte("phone,name\n1,2\n"), want: "not a valid gzip file"},
		{name: "empty gzip", file: "leads.csv.gz", content: nil, want: "not a valid gzip file"},
		{name: "truncated gzip", file: "leads.csv.gz", content: valid[:len(valid)/2], want: "not a valid gzip file"},
		{name: "corrupt gzip", file: "leads.tsv.gz", content: corrupt, want: "not a valid gzip file"},
		{name: "not gzip, as lines", file: "leads.txt.gz", content: []byte("612345678\n"), opts: Options{TextAsLines: true}, want: "not a valid gzip file"},
		{name: "truncated gzip, as lines", file: "leads.txt.gz", content: valid[:len(valid)/2], opts: Options{TextAsLines: true}, want: "not a valid gzip file"},
		{name: "empty file in gzip", file: "leads.csv.gz", content: gz(t, nil), want: "empty"},
		{name: "utf-16 BOM only", file: "leads.csv", content: []byte("\xff\xfe"), want: "empty"},
		// Outputs are always UTF-8: invalid bytes are not passed on.
		{name: "utf-8 given, invalid bytes", file: "leads.csv", content: []byte("nombre;Tel\xe9fono\nAna;612 345 678\n"), opts: Options{Encoding: "utf-8"},
			want: `row 1, column 2: not valid UTF-8`},
		{name: "invalid UTF-8 after the sample", file: "leads.csv", content: []byte("phone,name\n" + strings.Repeat("612345678,Ana\n", 5000) + "612345678,Jos\xe9\n"),
			want: `row 5002, column 2 ("name"): not valid UTF-8`},
		{name: "NUL after the sample", file: "leads.csv", content: []byte("phone,name\n" + strings.Repeat("612345678,Ana\n", 5000) + "612345678,A\x00na\n"),
			want: `row 5002, column 2 ("name"): a NUL byte`},
		{name: "utf-16le without BOM", file: "leads.csv", content: []byte("p\x00h\x00o\x00n\x00e\x00\n\x001\x00\n\x00"), want: "UTF-16LE text without a byte order mark: give its encoding with --encoding utf-16le"},
		{name: "utf-16be without BOM", file: "leads.csv", content: []byte("\x00p\x00h\x00o\x00n\x00e\x00\n\x001\x00\n"), want: "UTF-16BE text without a byte order mark"},
		{name: "HTML", file: "leads.csv", content: []byte("\n  <!DOCTYPE html>\n<html><td>phone</td></html>\n"), want: "a web page (HTML)"},
		{name: "a row too long", file: "leads.csv", content: []byte("phone,name\n612345678,Ana\n612345678," + strings.Repeat("x", MaxRowBytes+1) + "\n"), want: "row 3: longer than 1 MiB"},
		{name: "a quote never closed", file: "leads.csv", content: []byte("phone,name\n612345678,\"Ana\n" + strings.Repeat("612345678,Ana\n", MaxRowBytes/10)), want: "row 2: longer than 1 MiB"},
		{name: "a row too long, decoded", file: "leads.csv", content: encode(t, charmap.Windows1252, "phone,nombre\n612345678,"+strings.Repeat("é", MaxRowBytes+1)+"\n"), want: "row 2: longer than 1 MiB"},
		{name: "a line too long", file: "leads.txt", content: []byte("612345678\n" + strings.Repeat("6", MaxRowBytes+1) + "\n"), opts: Options{TextAsLines: true}, want: "row 2: longer than 1 MiB"},
		{name: "a line not UTF-8", file: "leads.txt", content: []byte(strings.Repeat("612345678\n", 8000) + "61234567\xff\n"), opts: Options{TextAsLines: true}, want: "row 8001: not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeBytes(t, tt.file, tt.content)
			_, _, err := readAll(t, path, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.File != path {
				t.Errorf("error %#v is not a *FileError for %s", err, path)
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name the file and say %q", err, tt.want)
			}
		})
	}
}

func TestBadOptions(t *testing.T) {
	path := writeFile(t, "leads.csv", "phone\n1\n")
	_, err := Open(path, Options{Encoding: "ebcdic"})
	if err == nil || !strings.Contains(err.Error(), `unknown encoding "ebcdic"`) || !strings.Contains(err.Error(), "windows-1252") {
		t.Errorf("Open with encoding ebcdic: %v", err)
	}
	_, err = Open(path, Options{Delimiter: '"'})
	if err == nil || !strings.Contains(err.Error(), "delimiter") {
		t.Errorf("Open with delimiter '\"': %v", err)
	}
}

func TestParseEncoding(t *testing.T) {
	tests := []struct {
		in, want string
		err      bool
	}{
		{"", "", false},
		{"auto", "", false},
		{"utf-8", UTF8, false},
		{"UTF8", UTF8, false},
		{"utf-16le", UTF16LE, false},
		{"UTF-16BE", UTF16BE, false},
		{"gbk", GBK, false},
		{"GB18030", GB18030, false},
		{"windows-1252", Windows1252, false},
		{"cp1252", Windows1252, false},
		{"latin1", Latin1, false},
		{"ISO-8859-1", Latin1, false},
		{"shift_jis", "", true},
		{"utf-32", "", true},
	}
	for _, tt := range tests {
		got, err := ParseEncoding(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseEncoding(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil {
			for _, name := range []string{"utf-8", "utf-16le", "utf-16be", "gbk", "gb18030", "windows-1252", "latin1"} {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("ParseEncoding(%q) error %q does not list %s", tt.in, err, name)
				}
			}
		}
	}
	for _, name := range EncodingNames() {
		if _, err := ParseEncoding(name); err != nil {
			t.Errorf("EncodingNames lists %q, which ParseEncoding refuses: %v", name, err)
		}
	}
}

func TestParseDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
		err  bool
	}{
		{"", 0, false},
		{"auto", 0, false},
		{",", ',', false},
		{";", ';', false},
		{"\t", '\t', false},
		{`\t`, '\t', false},
		{"TAB", '\t', false},
		{"|", '|', false},
		{"pipe", '|', false},
		{"comma", ',', false},
		{"semicolon", ';', false},
		{`"`, 0, true},
		{"\n", 0, true},
		{",,", 0, true},
		{"\xff", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDelimiter(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDelimiter(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestDetectEncoding(t *testing.T) {
	big := strings.Repeat("王", sampleSize) // cut mid-character at 64 KiB
	tests := []struct {
		name   string
		sample []byte
		atEOF  bool
		want   string
	}{
		{"empty", nil, true, UTF8},
		{"utf-16le BOM", []byte("\xff\xfea\x00"), true, UTF16LE},
		{"utf-16be BOM", []byte("\xfe\xff\x00a"), true, UTF16BE},
		{"utf-8 BOM", []byte("\xef\xbb\xbfa"), true, UTF8},
		{"utf-8 cut at the sample's end", []byte(big)[:sampleSize], false, UTF8},
		{"gb18030 cut at the sample's end", encode(t, simplifiedchinese.GB18030, big)[:sampleSize-1], false, GB18030},
		{"lone high byte", []byte("a\xe9"), true, Windows1252},
		{"French", encode(t, charmap.Windows1252, "prénom;téléphone;société\nÉlodie;0612345678;Crédit\n"), true, Windows1252},
		{"Chinese", encode(t, simplifiedchinese.GB18030, "客户姓名,联系电话,地址\n"), true, GB18030},
	}
	for _, tt := range tests {
		if got := detectEncoding(tt.sample, tt.atEOF); got != tt.want {
			t.Errorf("%s: detectEncoding = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestGzipProgress checks that progress counts compressed bytes.
func TestGzipProgress(t *testing.T) {
	content := gz(t, []byte("phone,name\n"+strings.Repeat("612345678,Ana\n", 50000)))
	path := writeBytes(t, "leads.csv.gz", content)
	r, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	p := r.(Progress)
	if p.Total() != int64(len(content)) {
		t.Errorf("Total = %d, want %d", p.Total(), len(content))
	}
	last := p.Done()
	for {
		_, _, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if d := p.Done(); d < last || d > p.Total() {
			t.Fatalf("Done went from %d to %d (Total %d)", last, d, p.Total())
		}
		last = p.Done()
	}
	if p.Done() != p.Total() {
		t.Errorf("at the end Done = %d, want %d", p.Done(), p.Total())
	}
}

func TestLinesEncodings(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		content []byte
		opts    Options
	}{
		{"utf-16le with BOM", "numbers.txt", encode(t, utf16LE, "Teléfono\r\n612345678\r\n"), Options{}},
		{"windows-1252", "numbers.txt", encode(t, charmap.Windows1252, "Teléfono\n612345678\n"), Options{}},
		{"gzip of utf-16be", "numbers.txt.gz", gz(t, encode(t, utf16BE, "Teléfono\n612345678\n")), Options{}},
		{"latin1 given", "numbers.txt", encode(t, charmap.ISO8859_1, "Teléfono\n612345678\n"), Options{Encoding: "latin1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.TextAsLines = true
			header, rows := mustReadAll(t, writeBytes(t, tt.file, tt.content), tt.opts)
			if want := []string{"Teléfono"}; !reflect.DeepEqual(header, want) {
				t.Errorf("header = %q, want %q", header, want)
			}
			if want := []row{{2, []string{"612345678"}}}; !reflect.DeepEqual(rows, want) {
				t.Errorf("rows = %v, want %v", rows, want)
			}
		})
	}
	path := writeBytes(t, "numbers.txt", []byte("612345678\n\x00\x01"))
	if _, _, err := readAll(t, path, Options{TextAsLines: true}); err == nil || !strings.Contains(err.Error(), path+": binary file") {
		t.Errorf("binary list: %v", err)
	}
}
