package scrub

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// zoneData is nyaruka/phonenumbers' map from number prefixes to time zones,
// byte for byte (go run ./cmd/genzones; TestZonesDataIsNyarukas).
//
//go:embed zones.gz
var zoneData []byte

// zoneTrie answers what phonenumbers.GetTimezonesForPrefix answers, the
// zones of the longest prefix of a number in its map, with one walk down
// the number's digits instead of a map lookup for every prefix length.
type zoneTrie struct {
	nodes []zoneNode // nodes[0] is the root
	sets  [][]string // the zones of each prefix; shared, never to be changed
}

type zoneNode struct {
	next [10]int32 // child node per digit; 0 for none
	set  int32     // 1 + the index of the prefix's zones in sets; 0 when it is not a prefix of the map
}

var (
	zonesOnce sync.Once
	zones     *zoneTrie
	zonesErr  error
)

func zonesLoaded() (*zoneTrie, error) {
	zonesOnce.Do(func() { zones, zonesErr = parseZones(zoneData) })
	return zones, zonesErr
}

// lookup is the zones of the longest prefix of digits in the map, or nil
// when no prefix of it is there. digits are an E.164 number without its +.
func (z *zoneTrie) lookup(digits string) []string {
	node, set := int32(0), int32(0)
	for i := 0; i < len(digits); i++ {
		c := digits[i] - '0'
		if c > 9 {
			break
		}
		if node = z.nodes[node].next[c]; node == 0 {
			break
		}
		if s := z.nodes[node].set; s != 0 {
			set = s
		}
	}
	if set == 0 {
		return nil
	}
	return z.sets[set-1]
}

// parseZones reads nyaruka's serialized form (its loadIntArrayMap): the
// zone names, then each prefix as the difference from the one before and
// the indexes of its zones.
func parseZones(data []byte) (*zoneTrie, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("time zone data: %w", err)
	}
	r := bufio.NewReader(zr)
	var size uint32
	if err := binary.Read(r, binary.LittleEndian, &size); err != nil {
		return nil, fmt.Errorf("time zone data: %w", err)
	}
	names := make([]byte, size)
	if _, err := io.ReadFull(r, names); err != nil {
		return nil, fmt.Errorf("time zone data: %w", err)
	}
	values := strings.Split(string(names), "\n")
	var count uint32
	if err := binary.Read(r, binary.LittleEndian, &count); err != nil {
		return nil, fmt.Errorf("time zone data: %w", err)
	}
	z := &zoneTrie{nodes: make([]zoneNode, 1, 4*count)}
	key := uint64(0)
	for range count {
		diff, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, fmt.Errorf("time zone data: %w", err)
		}
		key += diff
		n, err := r.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("time zone data: %w", err)
		}
		set := make([]string, n)
		for i := range set {
			var v uint16
			if err := binary.Read(r, binary.LittleEndian, &v); err != nil {
				return nil, fmt.Errorf("time zone data: %w", err)
			}
			if int(v) >= len(values) {
				return nil, fmt.Errorf("time zone data: zone %d of %d", v, len(values))
			}
			set[i] = values[v]
		}
		z.sets = append(z.sets, set)
		z.add(strconv.FormatUint(key, 10), int32(len(z.sets)))
	}
	return z, nil
}

func (z *zoneTrie) add(prefix string, set int32) {
	node := int32(0)
	for i := 0; i < len(prefix); i++ {
		c := prefix[i] - '0'
		next := z.nodes[node].next[c]
		if next == 0 {
			next = int32(len(z.nodes))
			z.nodes = append(z.nodes, zoneNode{})
			z.nodes[node].next[c] = next
		}
		node = next
	}
	z.nodes[node].set = set
}
