package scrub

import (
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// regionAliases are names lead files use that are not CLDR's own.
var regionAliases = map[string]string{
	"usa": "US", "unitedstatesofamerica": "US", "eeuu": "US", "eua": "US", "america": "US",
	"uk": "GB", "greatbritain": "GB", "england": "GB", "britain": "GB", "inglaterra": "GB",
	"prc": "CN", "中国大陆": "CN", "中华人民共和国": "CN", "大陆": "CN", "内地": "CN",
	"holland": "NL", "holanda": "NL",
}

var (
	regionNamesOnce sync.Once
	regionNames     map[string]string // folded name → ISO code
)

// loadRegionNames builds the name table from CLDR (golang.org/x/text), for
// every region libphonenumber knows: the ISO code, the alpha-3 code, and the
// names in English, Spanish and Chinese.
func loadRegionNames() {
	regionNames = map[string]string{}
	namers := []display.Namer{
		display.English.Regions(),
		display.Regions(language.Spanish),
		display.Regions(language.SimplifiedChinese),
		display.Regions(language.TraditionalChinese),
	}
	for code := range phonenumbers.GetSupportedRegions() {
		r, err := language.ParseRegion(code)
		if err != nil {
			continue
		}
		regionNames[strings.ToLower(code)] = code
		regionNames[strings.ToLower(r.ISO3())] = code
		for _, n := range namers {
			if name := foldHeader(n.Name(r)); name != "" {
				regionNames[name] = code
			}
		}
	}
	for alias, code := range regionAliases {
		regionNames[alias] = code
	}
}

// ParseRegion reads a country as lead files write it: an ISO code ("ES",
// "esp") or a name in English, Spanish or Chinese ("Spain", "España",
// "西班牙"). It reports false for anything else.
func ParseRegion(s string) (string, bool) {
	regionNamesOnce.Do(loadRegionNames)
	var buf [32]byte
	if folded, ok := foldASCII(s, buf[:0]); ok {
		// A lead file's region column is nearly always a short ASCII code:
		// folded without foldHeader's allocations, a scrub of a million rows
		// spent 0.17 s less here.
		code, ok := regionNames[string(folded)]
		return code, ok
	}
	code, ok := regionNames[foldHeader(s)]
	return code, ok
}

// foldASCII is foldHeader for ASCII text that fits in buf's capacity,
// appended to buf; ok is false for any other text.
func foldASCII(s string, buf []byte) (folded []byte, ok bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return nil, false
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		default:
			continue
		}
		if len(buf) == cap(buf) {
			return nil, false
		}
		buf = append(buf, c)
	}
	return buf, true
}
