package scrub

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The fast path reads the common shapes of a phone number (digits, spaces,
// - . ( ) / and one leading +) the way phonenumbers.Parse, IsValidNumber,
// GetNumberType and GetRegionCodeForNumber do, step for step, but matches
// libphonenumber's number patterns with digit automata compiled from them
// instead of regular expressions. It answers for valid numbers, and for
// invalid ones that Parse reads without error, with the reason the slow
// path gives; everything else (other characters, extensions, numbers Parse
// refuses, invalid numbers the slow path tries again, regions whose
// patterns it cannot compile) goes to the slow path.
// TestFastPathDifferential holds the two equal.

// Bits of a region's number patterns in fastRegion.types, in the order
// getNumberTypeHelper tries them.
const (
	descGeneral = iota
	descPremium
	descTollFree
	descShared
	descVoip
	descPersonal
	descPager
	descUAN
	descVoicemail
	descFixed
	descMobile
	numDescs
)

var descTypes = [numDescs]phonenumbers.PhoneNumberType{
	descGeneral: phonenumbers.UNKNOWN, descPremium: phonenumbers.PREMIUM_RATE,
	descTollFree: phonenumbers.TOLL_FREE, descShared: phonenumbers.SHARED_COST,
	descVoip: phonenumbers.VOIP, descPersonal: phonenumbers.PERSONAL_NUMBER,
	descPager: phonenumbers.PAGER, descUAN: phonenumbers.UAN,
	descVoicemail: phonenumbers.VOICEMAIL, descFixed: phonenumbers.FIXED_LINE,
	descMobile: phonenumbers.MOBILE,
}

// fastRegion is one region's metadata, compiled for the fast path.
type fastRegion struct {
	id              string
	cc              int
	ccDigits        string
	where           string            // "ES (+34)", as invalidDetail names a region
	types           *digitDFA         // one pattern per desc
	lengths         [numDescs][]int32 // possible lengths per desc; empty means any
	localLengths    []int32           // the general desc's local-only lengths
	sameMobileFixed bool
	leading         *digitDFA // leading digits, nil if none
	idd             prefixRule
	nationalPrefix  prefixRule
	transform       string
}

// prefixRule is an international or national prefix for parsing: a plain
// digit string, or a regular expression when the metadata needs one.
type prefixRule struct {
	literal string
	whole   []int          // the match of a literal, made once (match returns it, read-only)
	re      *regexp.Regexp // anchored; nil for a literal
}

func newPrefixRule(pattern string, literalOK bool) (prefixRule, error) {
	if literalOK && strings.Trim(pattern, "0123456789") == "" {
		return prefixRule{literal: pattern, whole: []int{0, len(pattern)}}, nil
	}
	re, err := regexp.Compile("^(?:" + pattern + ")")
	return prefixRule{re: re}, err
}

func (p prefixRule) empty() bool { return p.re == nil && p.literal == "" }

// match returns the submatch indexes of the rule at the start of s, as
// regexp's FindStringSubmatchIndex does, or nil. An empty rule matches the
// empty string, as an empty regular expression does.
func (p prefixRule) match(s string) []int {
	if p.re != nil {
		return p.re.FindStringSubmatchIndex(s)
	}
	if strings.HasPrefix(s, p.literal) {
		return p.whole
	}
	return nil
}

type fastTables struct {
	regions map[string]*lazyRegion
	// codes are the regions of each calling code (at most three digits),
	// in libphonenumber's order; nil for an unknown code, and a nil region
	// for a non-geographic one ("001"), which the fast path leaves alone.
	codes [1000][]*lazyRegion
}

type lazyRegion struct {
	meta   *phonenumbers.PhoneMetadata
	once   sync.Once
	region *fastRegion // nil when it cannot be compiled
}

// get returns the region compiled, or nil when the fast path cannot serve
// it (or r is nil).
func (r *lazyRegion) get() *fastRegion {
	if r == nil {
		return nil
	}
	r.once.Do(func() { r.region = compileRegion(r.meta) })
	return r.region
}

var (
	fastOnce sync.Once
	fast     *fastTables
)

func fastTablesLoaded() *fastTables {
	fastOnce.Do(loadFastTables)
	return fast
}

func loadFastTables() {
	t := &fastTables{regions: map[string]*lazyRegion{}}
	coll, err := phonenumbers.MetadataCollection()
	if err == nil {
		for _, m := range coll.GetMetadata() {
			if m.GetId() != "001" {
				t.regions[m.GetId()] = &lazyRegion{meta: m}
			}
		}
	}
	for cc := range phonenumbers.GetSupportedCallingCodes() {
		for _, id := range phonenumbers.GetRegionCodesForCountryCode(cc) {
			t.codes[cc] = append(t.codes[cc], t.regions[id]) // nil for "001"
		}
	}
	fast = t
}

func compileRegion(m *phonenumbers.PhoneMetadata) *fastRegion {
	descs := [numDescs]*phonenumbers.PhoneNumberDesc{
		descGeneral: m.GetGeneralDesc(), descPremium: m.GetPremiumRate(),
		descTollFree: m.GetTollFree(), descShared: m.GetSharedCost(),
		descVoip: m.GetVoip(), descPersonal: m.GetPersonalNumber(),
		descPager: m.GetPager(), descUAN: m.GetUan(),
		descVoicemail: m.GetVoicemail(), descFixed: m.GetFixedLine(),
		descMobile: m.GetMobile(),
	}
	r := &fastRegion{
		id:              m.GetId(),
		cc:              int(m.GetCountryCode()),
		ccDigits:        strconv.Itoa(int(m.GetCountryCode())),
		where:           m.GetId() + " (+" + strconv.Itoa(int(m.GetCountryCode())) + ")",
		sameMobileFixed: m.GetSameMobileAndFixedLinePattern(),
		localLengths:    m.GetGeneralDesc().GetPossibleLengthLocalOnly(),
		transform:       m.GetNationalPrefixTransformRule(),
	}
	patterns := make([]string, numDescs)
	for i, d := range descs {
		if d == nil {
			return nil // nyaruka would not get this far either
		}
		patterns[i] = d.GetNationalNumberPattern()
		r.lengths[i] = d.GetPossibleLength()
	}
	// IsPossibleNumberWithReason has its own rule for a region without a
	// general pattern, which lengthResult does not follow.
	if len(r.lengths[descGeneral]) == 0 || patterns[descGeneral] == "" {
		return nil
	}
	var err error
	if r.types, err = compileDigitDFA(patterns); err != nil {
		return nil
	}
	if ld := m.GetLeadingDigits(); ld != "" {
		if r.leading, err = compileDigitDFA([]string{ld}); err != nil {
			return nil
		}
	}
	if r.idd, err = newPrefixRule(m.GetInternationalPrefix(), true); err != nil {
		return nil
	}
	// A transform rule needs the regular expression's groups.
	if r.nationalPrefix, err = newPrefixRule(m.GetNationalPrefixForParsing(), r.transform == ""); err != nil {
		return nil
	}
	return r
}

// matches is isNumberMatchingDesc: the length is possible for the desc and
// its pattern matches (bits from types.match).
func (r *fastRegion) matches(bits uint32, desc int, length int) bool {
	if bits&(1<<desc) == 0 {
		return false
	}
	lengths := r.lengths[desc]
	if len(lengths) == 0 {
		return true
	}
	for _, l := range lengths {
		if int(l) == length {
			return true
		}
	}
	return false
}

// numberType is getNumberTypeHelper.
func (r *fastRegion) numberType(nsn string) phonenumbers.PhoneNumberType {
	bits := r.types.match(nsn)
	n := len(nsn)
	if !r.matches(bits, descGeneral, n) {
		return phonenumbers.UNKNOWN
	}
	for d := descPremium; d <= descVoicemail; d++ {
		if r.matches(bits, d, n) {
			return descTypes[d]
		}
	}
	if r.matches(bits, descFixed, n) {
		if r.sameMobileFixed || r.matches(bits, descMobile, n) {
			return phonenumbers.FIXED_LINE_OR_MOBILE
		}
		return phonenumbers.FIXED_LINE
	}
	if !r.sameMobileFixed && r.matches(bits, descMobile, n) {
		return phonenumbers.MOBILE
	}
	return phonenumbers.UNKNOWN
}

// generalPattern is a full match of the general desc's pattern alone, as
// the national-prefix and country-code steps of Parse test it.
func (r *fastRegion) generalPattern(digits string) bool {
	return r.types.match(digits)&(1<<descGeneral) != 0
}

// lengthResult is testNumberLength for the general desc.
func (r *fastRegion) lengthResult(digits string) phonenumbers.ValidationResult {
	possible := r.lengths[descGeneral]
	if possible[0] == -1 {
		return phonenumbers.INVALID_LENGTH
	}
	n := int32(len(digits))
	for _, l := range r.localLengths {
		if l == n {
			return phonenumbers.IS_POSSIBLE_LOCAL_ONLY
		}
	}
	switch {
	case possible[0] == n:
		return phonenumbers.IS_POSSIBLE
	case possible[0] > n:
		return phonenumbers.TOO_SHORT
	case possible[len(possible)-1] < n:
		return phonenumbers.TOO_LONG
	}
	for _, l := range possible[1:] {
		if l == n {
			return phonenumbers.IS_POSSIBLE
		}
	}
	return phonenumbers.INVALID_LENGTH
}

// stripNationalPrefix is maybeStripNationalPrefixAndCarrierCode.
func (r *fastRegion) stripNationalPrefix(digits string) string {
	if digits == "" || r.nationalPrefix.empty() {
		return digits
	}
	m := r.nationalPrefix.match(digits)
	if m == nil {
		return digits
	}
	viable := r.generalPattern(digits)
	groups := len(m)/2 - 1
	if r.transform == "" || m[groups*2] < 0 {
		if viable && !r.generalPattern(digits[m[1]:]) {
			return digits
		}
		return digits[m[1]:]
	}
	transformed := r.nationalPrefix.re.ReplaceAllString(digits, r.transform)
	if viable && !r.generalPattern(transformed) {
		return digits
	}
	return transformed
}

// extractCountryCode is extractCountryCode: the longest known calling code
// is not sought, the first one is taken.
func (t *fastTables) extractCountryCode(digits string) (int, string) {
	if digits == "" || digits[0] == '0' {
		return 0, ""
	}
	cc := 0
	for i := 1; i <= 3 && i <= len(digits); i++ {
		cc = cc*10 + int(digits[i-1]-'0')
		if t.codes[cc] != nil {
			return cc, digits[i:]
		}
	}
	return 0, ""
}

// regionAndType is GetRegionCodeForNumber and GetNumberType: the region
// the national number belongs to among its calling code's (nil when none),
// and its type there. ok is false when a region it would look at cannot be
// served here.
func (t *fastTables) regionAndType(cc int, nsn string) (region *fastRegion, typ phonenumbers.PhoneNumberType, ok bool) {
	regions := t.codes[cc]
	if len(regions) == 1 {
		r := regions[0].get()
		if r == nil {
			return nil, phonenumbers.UNKNOWN, false
		}
		return r, r.numberType(nsn), true
	}
	for _, lr := range regions {
		r := lr.get()
		switch {
		case r == nil:
			return nil, phonenumbers.UNKNOWN, false
		case r.leading != nil:
			if r.leading.matchPrefix(nsn) {
				return r, r.numberType(nsn), true
			}
		default:
			if typ := r.numberType(nsn); typ != phonenumbers.UNKNOWN {
				return r, typ, true
			}
		}
	}
	return nil, phonenumbers.UNKNOWN, true
}

// fastParse does what parse does for a number in the common shapes, and
// reports served false for anything else. A number Parse reads without
// error but IsValidNumber refuses is served with invalid, the reason parse
// gives it as written; Normalize decides whether parse would try it again.
func (n *Normalizer) fastParse(s string) (num Number, invalid string, served bool) {
	if n.slowOnly || len(s) > 250 {
		return Number{}, "", false
	}
	var buf [32]byte
	digits := buf[:0]
	plus := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if len(digits) == len(buf) {
				return Number{}, "", false
			}
			digits = append(digits, c)
		case c == '+':
			if plus || len(digits) > 0 {
				return Number{}, "", false
			}
			plus = true
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/':
		default:
			return Number{}, "", false
		}
	}
	if len(digits) < 3 {
		return Number{}, "", false
	}
	t := fastTablesLoaded()
	d := string(digits)
	def := n.def.get() // the default region's metadata; nil for none
	if n.region == "" {
		switch {
		case plus:
		case d[0] == '0' && d[1] == '0': // plusForDoubleZero
			d, plus = d[2:], true
		default:
			return Number{}, "", false
		}
	} else if def == nil {
		return Number{}, "", false
	}

	cc, nsn, ok := t.countryCode(d, plus, def)
	if !ok {
		return Number{}, "", false
	}
	meta := def
	if cc != 0 {
		// The calling code's main region, unless it is the default one; a
		// non-geographic code (no region) is left to the slow path.
		main := t.codes[cc][0]
		if main == nil {
			return Number{}, "", false
		}
		if main != n.def {
			if meta = main.get(); meta == nil {
				return Number{}, "", false
			}
		}
	} else {
		nsn = d
		cc = def.cc
	}
	if len(nsn) < 2 {
		return Number{}, "", false
	}
	potential := meta.stripNationalPrefix(nsn)
	switch meta.lengthResult(potential) {
	case phonenumbers.TOO_SHORT, phonenumbers.IS_POSSIBLE_LOCAL_ONLY, phonenumbers.INVALID_LENGTH:
	default:
		nsn = potential
	}
	if len(nsn) < 2 || len(nsn) > 17 {
		return Number{}, "", false
	}

	// IsValidNumberForRegion also asks that the region's calling code be
	// cc: every region libphonenumber lists for a code has that code.
	region, typ, ok := t.regionAndType(cc, nsn)
	switch {
	case !ok:
		return Number{}, "", false
	case region == nil || typ == phonenumbers.UNKNOWN:
		// What invalidDetail says: IsPossibleNumberWithReason reads the
		// calling code's main region.
		main := t.codes[cc][0].get()
		if main == nil {
			return Number{}, "", false
		}
		switch main.lengthResult(nsn) {
		case phonenumbers.TOO_SHORT:
			return Number{}, "too short for " + main.where, true
		case phonenumbers.TOO_LONG:
			return Number{}, "too long for " + main.where, true
		}
		return Number{}, "not a valid number in " + main.where, true
	}
	e164 := "+" + region.ccDigits + nsn
	return Number{E164: e164, Type: TypeName(typ), Region: region.id, Timezones: n.zones(e164)}, "", true
}

// countryCode is maybeExtractCountryCode on the digits of a number: the
// calling code and what follows it, or 0 when the number is national. ok
// is false where Parse would fail.
func (t *fastTables) countryCode(d string, plus bool, def *fastRegion) (cc int, nsn string, ok bool) {
	if !plus && def != nil {
		if m := def.idd.match(d); m != nil && (m[1] == len(d) || d[m[1]] != '0') {
			d, plus = d[m[1]:], true
		}
	}
	if plus {
		if len(d) <= 2 {
			return 0, "", false
		}
		cc, nsn = t.extractCountryCode(d)
		return cc, nsn, cc != 0
	}
	if strings.HasPrefix(d, def.ccDigits) {
		potential := def.stripNationalPrefix(d[len(def.ccDigits):])
		if (!def.generalPattern(d) && def.generalPattern(potential)) || def.lengthResult(d) == phonenumbers.TOO_LONG {
			return def.cc, potential, true
		}
	}
	return 0, "", true
}
