package scrub

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Number is a phone number in the one form every list is keyed by.
type Number struct {
	E164      string   // +34612345678
	Type      string   // mobile, fixed_line, toll_free … (see typeNames)
	Region    string   // ISO 3166 region the number belongs to, e.g. ES
	Extension string   // an extension written after the number, dropped from E164
	Timezones []string // the IANA zones the number may be in (libphonenumber's)
}

// ErrNoPhone is returned for an empty phone cell.
var ErrNoPhone = errors.New("no phone number")

// ErrPrecisionLost is returned for a number Excel wrote in scientific
// notation: its last digits are gone, and a guess could be someone else.
var ErrPrecisionLost = errors.New("written in scientific notation by Excel: the last digits are lost; export the column as text")

// extraDigits is how many digits a written number may carry beyond its
// E.164 digits and extension: an international prefix (00, 011, 0011) or a
// trunk 0. More means the value holds more than one number.
const extraDigits = 4

// maxExtensionDigits is the longest extension taken as one. A longer "x …"
// or "ext …" is a second number hiding behind the first, and the dialer would
// get it unchecked.
const maxExtensionDigits = 6

// extensionWords are how lead files write "extension" that libphonenumber
// does not read: Chinese 转 and 分机, Spanish extensión and anexo.
var extensionWords = strings.NewReplacer("转", " ext. ", "轉", " ext. ", "分机", " ext. ", "分機", " ext. ",
	"内线", " ext. ", "內線", " ext. ", "extensión", " ext. ", "Extensión", " ext. ", "anexo", " ext. ", "Anexo", " ext. ")

// InvalidError says why a non-empty value is not a usable phone number.
type InvalidError struct {
	Raw    string
	Detail string
}

func (e *InvalidError) Error() string { return e.Detail }

// Normalizer turns phone numbers as people write them into E.164.
// It is safe for concurrent use.
type Normalizer struct {
	region   string      // default region for numbers written without a country code; "" for none
	def      *lazyRegion // the fast path's metadata of region; nil for none
	slowOnly bool        // skip the fast path: the differential test's reference
	noZones  bool        // leave Number.Timezones empty (see WithoutZones)
}

// newNormalizer is a Normalizer for a known region (or "").
func newNormalizer(region string) *Normalizer {
	n := &Normalizer{region: region}
	if region != "" {
		n.def = fastTablesLoaded().regions[region]
	}
	return n
}

// WithoutZones returns a normalizer like n that does not look up a number's
// time zones: an import of lists needs only the E.164 form, and the lookup
// was a sixth of a registry import's time.
func (n *Normalizer) WithoutZones() *Normalizer {
	c := *n
	c.noZones = true
	return &c
}

// NewNormalizer returns a Normalizer whose default region is region (an ISO
// code such as "ES"); an empty region means numbers must carry their country code.
func NewNormalizer(region string) (*Normalizer, error) {
	region = strings.ToUpper(strings.TrimSpace(region))
	if region != "" && !IsKnownRegion(region) {
		return nil, fmt.Errorf("unknown region %q (want an ISO 3166 code such as ES, CN or US)", region)
	}
	return newNormalizer(region), nil
}

// NewNormalizerForFew is NewNormalizer for a handful of numbers (dncctl
// check): it leaves out the fast path, whose tables take longer to build
// (about 17 ms) than nyaruka/phonenumbers takes for a few numbers (about
// 40 µs each). The results are the same (TestFastPathDifferential).
func NewNormalizerForFew(region string) (*Normalizer, error) {
	n, err := NewNormalizer("")
	if err != nil {
		return nil, err
	}
	region = strings.ToUpper(strings.TrimSpace(region))
	if region != "" && !IsKnownRegion(region) {
		return nil, fmt.Errorf("unknown region %q (want an ISO 3166 code such as ES, CN or US)", region)
	}
	n.region, n.slowOnly = region, true
	return n, nil
}

// Region is the default region, or "" if there is none.
func (n *Normalizer) Region() string { return n.region }

// IsKnownRegion reports whether libphonenumber has metadata for the ISO region code.
func IsKnownRegion(region string) bool {
	_, ok := phonenumbers.GetSupportedRegions()[strings.ToUpper(region)]
	return ok
}

// Normalize parses raw. It returns ErrNoPhone for an empty value and an
// *InvalidError for a value that is not a valid number.
func (n *Normalizer) Normalize(raw string) (Number, error) {
	s := prepare(raw)
	if s == "" {
		return Number{}, ErrNoPhone
	}
	if num, ok, err := n.fastAnswer(raw, s); ok {
		return num, err
	}
	if scientific.MatchString(s) {
		return Number{}, ErrPrecisionLost
	}
	s = extensionWords.Replace(s)
	num, err := n.parse(raw, dropTrunkZero(s))
	if err != nil && strings.Contains(s, "(0)") {
		// Italy and San Marino keep the 0 after the country code: +39 (0)6… is +39 06….
		if kept, keptErr := n.parse(raw, strings.Replace(s, "(0)", "0", 1)); keptErr == nil {
			num, err = kept, nil
		}
	}
	if err != nil {
		return Number{}, err
	}
	return n.checked(raw, s, num)
}

// fastAnswer is Normalize's answer from the fast path, when it has one
// for s (prepared from raw). A plainly written number (digits and
// punctuation) needs none of the slow path's rewrites, which only touch
// letters and other characters; an invalid one that the slow path would
// read again ("(0)" kept, "00" as "+") is left to it.
func (n *Normalizer) fastAnswer(raw, s string) (Number, bool, error) {
	num, invalid, served := n.fastParse(dropTrunkZero(s))
	switch {
	case !served:
		return Number{}, false, nil
	case invalid == "":
		num, err := n.checked(raw, s, num)
		return num, true, err
	case strings.Contains(s, "(0)") || triesDoubleZero(s):
		return Number{}, false, nil
	}
	return Number{}, true, &InvalidError{Raw: raw, Detail: invalid}
}

// prepare is raw without the spaces around it and a "tel:" scheme.
func prepare(raw string) string {
	s := strings.TrimFunc(raw, isSpace)
	if len(s) > 4 && strings.EqualFold(s[:4], "tel:") {
		s = s[4:]
	}
	return s
}

// checked refuses a number read from s that hides another one.
func (n *Normalizer) checked(raw, s string, num Number) (Number, error) {
	if len(num.Extension) > maxExtensionDigits {
		return Number{}, &InvalidError{Raw: raw, Detail: "extension " + num.Extension + " is too long for an extension: several numbers in one cell?"}
	}
	if countDigits(s) > len(num.E164)-1+len(num.Extension)+extraDigits {
		// libphonenumber reads the first number it finds: "612345678, 699111222"
		// would pass as the first alone, and the second reach the dialer unchecked.
		return Number{}, &InvalidError{Raw: raw, Detail: "more digits than one phone number: several numbers in one cell?"}
	}
	return num, nil
}

// parse is libphonenumber's reading of s, with dncctl's fallbacks: the
// slow path.
func (n *Normalizer) parse(raw, s string) (Number, error) {
	international := hasInternationalPrefix(s)
	region := n.region
	if region == "" {
		if !international {
			if !strings.ContainsFunc(s, unicode.IsDigit) {
				return Number{}, &InvalidError{Raw: raw, Detail: "not a phone number"}
			}
			return Number{}, &InvalidError{Raw: raw, Detail: "no country code and no default region (give --region)"}
		}
		region = "ZZ"
		s = plusForDoubleZero(s)
	}
	num, err := phonenumbers.Parse(s, region)
	if (err != nil || !phonenumbers.IsValidNumber(num)) && triesDoubleZero(s) {
		// "00" is the international prefix almost everywhere, but not in the default
		// region (the US dials 011): a vendor list for China written 0086… still means +86.
		if alt, altErr := phonenumbers.Parse(plusForDoubleZero(s), "ZZ"); altErr == nil && phonenumbers.IsValidNumber(alt) {
			num, err = alt, nil
		}
	}
	if err != nil {
		return Number{}, &InvalidError{Raw: raw, Detail: parseErrorDetail(err)}
	}
	if !phonenumbers.IsValidNumber(num) {
		return Number{}, &InvalidError{Raw: raw, Detail: invalidDetail(num)}
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	return Number{
		E164:      e164,
		Type:      TypeName(phonenumbers.GetNumberType(num)),
		Region:    phonenumbers.GetRegionCodeForNumber(num),
		Extension: num.GetExtension(),
		Timezones: n.zones(e164),
	}, nil
}

// zones are the IANA zones libphonenumber gives a number (what
// GetTimezonesForNumber looks up), none when unknown or not wanted.
func (n *Normalizer) zones(e164 string) []string {
	if n.noZones {
		return nil
	}
	var zones []string
	if z, err := zonesLoaded(); err == nil {
		zones = z.lookup(strings.TrimPrefix(e164, "+"))
	} else { // not if the tests pass: the data is embedded
		zones, _ = phonenumbers.GetTimezonesForPrefix(e164)
	}
	if len(zones) == 1 && zones[0] == phonenumbers.UNKNOWN_TIMEZONE {
		return nil
	}
	return zones
}

// triesDoubleZero reports whether parse reads s a second time, with "+"
// for its "00", when s as written is not a valid number: s starts with an
// international prefix other than "+".
func triesDoubleZero(s string) bool {
	return hasInternationalPrefix(s) && !strings.HasPrefix(strings.TrimFunc(s, isSpace), "+")
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u00a0' || r == '\ufeff' }

// hasInternationalPrefix reports whether s starts with "+" (ASCII or
// full-width) or "00" once spaces and punctuation are skipped.
func hasInternationalPrefix(s string) bool {
	s = strings.TrimPrefix(strings.TrimSpace(s), "tel:")
	zeros := 0
	for _, r := range s {
		switch {
		case r == '+' || r == '＋':
			return zeros == 0
		case r == '0' || r == '０':
			zeros++
			if zeros == 2 {
				return true
			}
		case unicode.IsDigit(r):
			return false
		case unicode.IsLetter(r):
			return false
		}
	}
	return false
}

// plusForDoubleZero rewrites a leading "00" international prefix as "+". It
// reads the prefix as hasInternationalPrefix does, so "(0034) 612…" and
// "0 0 34 612…" are rewritten too, not only a bare "0034…".
func plusForDoubleZero(s string) string {
	t := strings.TrimPrefix(strings.TrimFunc(s, isSpace), "tel:")
	zeros := 0
	for i, r := range t {
		switch {
		case r == '0' || r == '０':
			zeros++
			if zeros == 2 {
				return "+" + t[i+utf8.RuneLen(r):]
			}
		case r == '+' || r == '＋' || unicode.IsDigit(r) || unicode.IsLetter(r):
			return s
		}
	}
	return s
}

// dropTrunkZero removes the "(0)" that Europeans write after the country code
// (+34 (0) 612…, +44 (0)20…): it is the national trunk prefix, never dialled
// after a country code.
func dropTrunkZero(s string) string {
	i := strings.Index(s, "(0)")
	if i < 0 || !hasInternationalPrefix(s[:i]+"1") {
		return s
	}
	return s[:i] + s[i+len("(0)"):]
}

func parseErrorDetail(err error) string {
	switch {
	case errors.Is(err, phonenumbers.ErrNotANumber):
		return "not a phone number"
	case errors.Is(err, phonenumbers.ErrInvalidCountryCode):
		return "unknown country code"
	case errors.Is(err, phonenumbers.ErrTooShortNSN), errors.Is(err, phonenumbers.ErrTooShortAfterIDD):
		return "too short to be a phone number"
	case errors.Is(err, phonenumbers.ErrNumTooLong):
		return "too long to be a phone number"
	}
	return err.Error()
}

func invalidDetail(num *phonenumbers.PhoneNumber) string {
	cc := int(num.GetCountryCode())
	region := phonenumbers.GetRegionCodeForCountryCode(cc)
	where := fmt.Sprintf("+%d", cc)
	if region != "" && region != "ZZ" && region != "001" {
		where = fmt.Sprintf("%s (+%d)", region, cc)
	}
	switch phonenumbers.IsPossibleNumberWithReason(num) {
	case phonenumbers.TOO_SHORT:
		return "too short for " + where
	case phonenumbers.TOO_LONG:
		return "too long for " + where
	case phonenumbers.INVALID_COUNTRY_CODE:
		return "unknown country code +" + fmt.Sprint(cc)
	}
	return "not a valid number in " + where
}

var typeNames = [...]string{
	phonenumbers.FIXED_LINE:           "fixed_line",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal_number",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
}

// TypeName is the name dncctl writes for a libphonenumber number type.
func TypeName(t phonenumbers.PhoneNumberType) string {
	if t >= 0 && int(t) < len(typeNames) && typeNames[t] != "" {
		return typeNames[t]
	}
	return "unknown"
}
