package scrub

import "testing"

// FuzzClassify checks that any reply can be classified, and that a stop
// word, sent by itself, is always a stop.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"STOP", "please stop", "ＳＴＯＰ", "退订谢谢", "S T O P", "&#83;TOP", "\u200b", ""} {
		f.Add(s)
	}
	m := NewReplyMatcher(nil, nil)
	f.Fuzz(func(t *testing.T, msg string) {
		kind, word := m.Classify(msg)
		if kind == ReplyOther {
			return
		}
		if word == "" {
			t.Fatalf("Classify(%q) = %v with no word", msg, kind)
		}
		if kind == ReplyStop || kind == ReplyMentions {
			if again, _ := m.Classify(word); again != ReplyStop {
				t.Fatalf("Classify(%q) named %q, which by itself is %v, not a stop", msg, word, again)
			}
		}
	})
}
