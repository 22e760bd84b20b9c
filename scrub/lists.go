package scrub

import (
	"fmt"
	"strings"
)

// List names one of the company's own lists.
type List string

// The lists a number can be on.
const (
	ListOptOut    List = "optout"
	ListBlacklist List = "blacklist"
	ListWhitelist List = "whitelist"
)

// Lists is every list, in precedence order: a number on the blacklist is
// reported as blacklisted even if it has also opted out, and either beats the
// whitelist.
var Lists = []List{ListBlacklist, ListOptOut, ListWhitelist}

// ParseList accepts a list name as typed on the command line.
func ParseList(s string) (List, error) {
	for _, l := range Lists {
		if string(l) == strings.ToLower(strings.TrimSpace(s)) {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown list %q (want optout, blacklist or whitelist)", s)
}

// Channel is a way of contacting a person. Opt-outs are kept per channel.
type Channel string

// The channels. ChannelAll on an opt-out suppresses every channel.
const (
	ChannelVoice    Channel = "voice"
	ChannelSMS      Channel = "sms"
	ChannelWhatsApp Channel = "whatsapp"
	ChannelEmail    Channel = "email"
	ChannelAll      Channel = "all"
)

// Channels lists the channels a campaign can use (every channel but "all").
var Channels = []Channel{ChannelVoice, ChannelSMS, ChannelWhatsApp, ChannelEmail}

// ParseChannel accepts a campaign channel: voice, sms, whatsapp or email.
func ParseChannel(s string) (Channel, error) {
	c := Channel(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Channels {
		if c == known {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown channel %q (want voice, sms, whatsapp or email)", s)
}

// ParseOptOutChannel accepts the channel of an opt-out entry, which may also be "all".
func ParseOptOutChannel(s string) (Channel, error) {
	if Channel(strings.ToLower(strings.TrimSpace(s))) == ChannelAll {
		return ChannelAll, nil
	}
	c, err := ParseChannel(s)
	if err != nil {
		return "", fmt.Errorf("unknown channel %q (want voice, sms, whatsapp, email or all)", s)
	}
	return c, nil
}
