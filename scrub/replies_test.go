package scrub

import "testing"

func TestReplyMatcherDefaults(t *testing.T) {
	m := NewReplyMatcher(nil, nil)
	tests := []struct {
		msg  string
		kind ReplyKind
		word string
	}{
		{"STOP", ReplyStop, "STOP"},
		{"  stop!! ", ReplyStop, "STOP"},
		{"Stop.", ReplyStop, "STOP"},
		{"opt-out", ReplyStop, "OPT OUT"},
		{"OptOut", ReplyStop, "OPTOUT"},
		{"Arrêt", ReplyStop, "ARRET"},
		{"no más", ReplyStop, "NO MAS"},
		{"Baja", ReplyStop, "BAJA"},
		{"td", ReplyStop, "TD"},
		{"T", ReplyStop, "T"},
		{"退订", ReplyStop, "退订"},
		{"退订。", ReplyStop, "退订"},
		{"不要再发", ReplyStop, "不要再发"},
		{"START", ReplyStart, "START"},
		{"unstop", ReplyStart, "UNSTOP"},
		{"please stop texting me", ReplyMentions, "STOP"},
		{"退订谢谢", ReplyMentions, "退订"},
		{"Quiero darme de baja por favor", ReplyMentions, "BAJA"},
		{"no más mensajes", ReplyMentions, "NO MAS"},
		{"STOP STOP", ReplyMentions, "STOP"},
		// Short words count only alone: "T" in a sentence is not a stop.
		{"I want the T shirt in N size", ReplyOther, ""},
		{"see you at the weekend", ReplyOther, ""},
		{"stopping by later", ReplyOther, ""},
		{"", ReplyOther, ""},
		{"!!!", ReplyOther, ""},
		{"yes please", ReplyOther, ""},
		// Compatibility forms, invisible characters and entities read as plain text.
		{"ＳＴＯＰ", ReplyStop, "STOP"},
		{"ＢＡＪＡ", ReplyStop, "BAJA"},
		{"𝐒𝐓𝐎𝐏", ReplyStop, "STOP"},
		{"ST\u200bOP", ReplyStop, "STOP"},
		{"ST\u00adOP", ReplyStop, "STOP"},
		{"&#83;TOP", ReplyStop, "STOP"},
		{"stop&nbsp;", ReplyStop, "STOP"},
		{"退訂", ReplyStop, "退訂"},
		{"ＳＴＯＰ ｐｌｅａｓｅ ｓｔｏｐ", ReplyMentions, "STOP"},
		// Letters written apart go to a person.
		{"S T O P", ReplyMentions, "STOP"},
		{"s.t.o.p", ReplyMentions, "STOP"},
		{"退 订", ReplyMentions, "退订"},
		{"B-A-J-A", ReplyMentions, "BAJA"},
	}
	for _, tt := range tests {
		kind, word := m.Classify(tt.msg)
		if kind != tt.kind || word != tt.word {
			t.Errorf("Classify(%q) = %v %q, want %v %q", tt.msg, kind, word, tt.kind, tt.word)
		}
	}
}

func TestReplyMatcherConfigured(t *testing.T) {
	m := NewReplyMatcher([]string{"basta", "no llamar"}, []string{"alta"})
	for msg, want := range map[string]ReplyKind{
		"Basta":                ReplyStop,
		"no llamar":            ReplyStop,
		"STOP":                 ReplyOther, // the configured list replaces the defaults
		"ya basta de mensajes": ReplyMentions,
		"ALTA":                 ReplyStart,
		"por favor no llamar+": ReplyMentions,
		"llamar no":            ReplyOther,
	} {
		if got, _ := m.Classify(msg); got != want {
			t.Errorf("Classify(%q) = %v, want %v", msg, got, want)
		}
	}
}
