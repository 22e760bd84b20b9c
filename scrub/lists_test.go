package scrub

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseList(t *testing.T) {
	for in, want := range map[string]List{
		"optout": ListOptOut, "blacklist": ListBlacklist, "whitelist": ListWhitelist,
		" OptOut ": ListOptOut, "BLACKLIST": ListBlacklist,
	} {
		got, err := ParseList(in)
		if err != nil || got != want {
			t.Errorf("ParseList(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "opt-out", "greylist", "all"} {
		got, err := ParseList(in)
		if err == nil {
			t.Errorf("ParseList(%q) = %q, want an error", in, got)
			continue
		}
		if want := "unknown list " + strconv.Quote(in) + " (want optout, blacklist or whitelist)"; err.Error() != want {
			t.Errorf("ParseList(%q): error %q, want %q", in, err, want)
		}
	}
}

func TestParseChannel(t *testing.T) {
	for in, want := range map[string]Channel{
		"voice": ChannelVoice, "sms": ChannelSMS, "whatsapp": ChannelWhatsApp, "email": ChannelEmail,
		"SMS": ChannelSMS, " Voice ": ChannelVoice,
	} {
		got, err := ParseChannel(in)
		if err != nil || got != want {
			t.Errorf("ParseChannel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// "all" is for opt-outs: a campaign runs on one channel.
	for _, in := range []string{"", "all", "fax", "phone"} {
		got, err := ParseChannel(in)
		if err == nil {
			t.Errorf("ParseChannel(%q) = %q, want an error", in, got)
			continue
		}
		if want := "unknown channel " + strconv.Quote(in) + " (want voice, sms, whatsapp or email)"; err.Error() != want {
			t.Errorf("ParseChannel(%q): error %q, want %q", in, err, want)
		}
	}
}

func TestParseOptOutChannel(t *testing.T) {
	for in, want := range map[string]Channel{
		"all": ChannelAll, "ALL": ChannelAll, " All ": ChannelAll,
		"voice": ChannelVoice, "sms": ChannelSMS, "WhatsApp": ChannelWhatsApp, "email": ChannelEmail,
	} {
		got, err := ParseOptOutChannel(in)
		if err != nil || got != want {
			t.Errorf("ParseOptOutChannel(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "fax", "any"} {
		got, err := ParseOptOutChannel(in)
		if err == nil {
			t.Errorf("ParseOptOutChannel(%q) = %q, want an error", in, got)
			continue
		}
		if !strings.Contains(err.Error(), "email or all)") || !strings.Contains(err.Error(), strconv.Quote(in)) {
			t.Errorf("ParseOptOutChannel(%q): error %q, want it to name the value and offer all", in, err)
		}
	}
}

// Lists is in precedence order, and Channels holds no "all".
func TestListsAndChannels(t *testing.T) {
	if len(Lists) != 3 || Lists[0] != ListBlacklist || Lists[1] != ListOptOut || Lists[2] != ListWhitelist {
		t.Errorf("Lists = %v, want [blacklist optout whitelist]", Lists)
	}
	for _, c := range Channels {
		if c == ChannelAll {
			t.Errorf("Channels holds %q", c)
		}
	}
}
