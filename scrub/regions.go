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
	code, ok := regionNames[foldHeader(s)]
	return code, ok
}
