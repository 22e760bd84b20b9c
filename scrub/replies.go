package scrub

import (
	"html"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// DefaultStopWords are the replies that are an opt-out by themselves: the
// carriers' and regulators' keywords in English, French, Spanish and Chinese.
var DefaultStopWords = []string{"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT",
	"ARRET", "BAJA", "ALTO", "PARAR", "NO MAS", "TD", "T", "N", "R", "退订", "取消", "不要再发",
	"退訂", "不要再發"} // the last two: traditional Chinese

// DefaultStartWords are the replies that ask to be contacted again.
var DefaultStartWords = []string{"START", "UNSTOP"}

// ReplyKind is what a reply asks for.
type ReplyKind int

// The kinds of reply.
const (
	ReplyOther    ReplyKind = iota // nothing the matcher knows
	ReplyStop                      // the whole message is a stop word: an opt-out
	ReplyMentions                  // a longer message containing a stop word: for a person to read
	ReplyStart                     // the whole message is a start word
)

// ReplyMatcher classifies SMS and WhatsApp replies.
type ReplyMatcher struct {
	stop, start [][]string // each word, folded and split into tokens
}

// NewReplyMatcher returns a matcher for the stop and start words (nil: the defaults).
func NewReplyMatcher(stop, start []string) *ReplyMatcher {
	if stop == nil {
		stop = DefaultStopWords
	}
	if start == nil {
		start = DefaultStartWords
	}
	m := &ReplyMatcher{}
	for _, w := range stop {
		if t := tokens(w); len(t) > 0 {
			m.stop = append(m.stop, t)
		}
	}
	for _, w := range start {
		if t := tokens(w); len(t) > 0 {
			m.start = append(m.start, t)
		}
	}
	return m
}

// Classify says what message asks for and, unless ReplyOther, the word
// that says it. A whole message is compared without regard to case,
// accents, spacing or punctuation ("Stop!", "opt-out", "Arrêt"). A longer
// message mentions a stop word when it holds the word's tokens in a row,
// or, for Chinese, its characters anywhere ("退订谢谢"); words of one or two
// Latin letters (T, N, TD) count only as the whole message, since as parts
// of a sentence they are mostly something else.
func (m *ReplyMatcher) Classify(message string) (ReplyKind, string) {
	msg := tokens(message)
	if len(msg) == 0 {
		return ReplyOther, ""
	}
	for _, w := range m.stop {
		if equalTokens(msg, w) {
			return ReplyStop, strings.Join(w, " ")
		}
	}
	for _, w := range m.start {
		if equalTokens(msg, w) {
			return ReplyStart, strings.Join(w, " ")
		}
	}
	// Letters written apart ("S T O P", "s.t.o.p", "退 订") are read together.
	squashed := strings.Join(msg, "")
	for _, w := range m.stop {
		word := strings.Join(w, " ")
		switch {
		case hasHan(word):
			if strings.Contains(squashed, strings.Join(w, "")) {
				return ReplyMentions, word
			}
		case len(word) <= 2:
		case containsTokens(msg, w), squashed == strings.Join(w, ""):
			return ReplyMentions, word
		}
	}
	return ReplyOther, ""
}

// fold is how messages and words are compared: compatibility forms made
// plain (ＳＴＯＰ, 𝐒𝐓𝐎𝐏, ligatures), accents and invisible format characters
// (zero-width spaces, soft hyphens) removed; upper case is applied after.
var fold = transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), runes.Remove(runes.In(unicode.Cf)), norm.NFC)

// tokens splits s, its HTML entities decoded (gateways pass &#83;TOP on)
// and folded, into its words: runs of letters and digits.
func tokens(s string) []string {
	folded, _, err := transform.String(fold, html.UnescapeString(s))
	if err != nil {
		folded = s
	}
	return strings.FieldsFunc(strings.ToUpper(folded), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func equalTokens(a, b []string) bool { return slices.Equal(a, b) }

// containsTokens reports whether word's tokens appear in msg in a row.
func containsTokens(msg, word []string) bool {
	for i := 0; i+len(word) <= len(msg); i++ {
		if equalTokens(msg[i:i+len(word)], word) {
			return true
		}
	}
	return false
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
