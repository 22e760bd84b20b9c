package scrub

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// digitDFA runs several regular expressions over a string of ASCII digits
// in one pass, with one table lookup a digit. Each state carries the set of
// patterns that match a string ending there. It is built from the same
// regular expressions libphonenumber's metadata holds, by the subset
// construction over Go's own compiled form of them, so it accepts exactly
// what regexp does on digit strings.
type digitDFA struct {
	next   [][10]int32 // next[state][digit]; -1 when no pattern can match any more
	accept []uint32    // accept[state]: bit i set when pattern i matches here
}

// maxDFAStates bounds one automaton; a region that needs more is left to
// the slow path rather than allowed to take memory without limit.
const maxDFAStates = 1 << 16

var errNotDigitPattern = errors.New("pattern needs more than digits to match")

// compileDigitDFA builds the automaton for up to 32 patterns, each matched
// as regexp would with syntax.Perl flags. It refuses patterns with anchors
// or other empty-width assertions.
func compileDigitDFA(patterns []string) (*digitDFA, error) {
	if len(patterns) > 32 {
		return nil, fmt.Errorf("%d patterns: at most 32", len(patterns))
	}
	progs := make([]*syntax.Prog, len(patterns))
	for i, p := range patterns {
		re, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			return nil, err
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			return nil, err
		}
		for _, inst := range prog.Inst {
			if inst.Op == syntax.InstEmptyWidth {
				return nil, errNotDigitPattern
			}
		}
		progs[i] = prog
	}
	b := dfaBuilder{progs: progs, index: map[string]int32{}, dfa: &digitDFA{}}
	var start []nfaState
	for i, prog := range progs {
		start = append(start, nfaState{prog: i, pc: uint32(prog.Start)})
	}
	startSet := b.closure(start)
	if len(startSet) == 0 {
		dead := [10]int32{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1}
		return &digitDFA{next: [][10]int32{dead}, accept: []uint32{0}}, nil
	}
	if _, err := b.state(startSet); err != nil {
		return nil, err
	}
	for s := 0; s < len(b.sets); s++ {
		for d := range 10 {
			next, err := b.step(b.sets[s], rune('0'+d))
			if err != nil {
				return nil, err
			}
			b.dfa.next[s][d] = next
		}
	}
	return b.dfa, nil
}

// match runs the automaton over digits and returns the set of patterns
// that match the whole of it; a non-digit byte matches nothing.
func (a *digitDFA) match(digits string) uint32 {
	s := int32(0)
	for i := 0; i < len(digits); i++ {
		d := digits[i] - '0'
		if d > 9 {
			return 0
		}
		if s = a.next[s][d]; s < 0 {
			return 0
		}
	}
	return a.accept[s]
}

// matchPrefix reports whether pattern 0 matches some prefix of digits, as
// regexp's "^(?:pattern)" does.
func (a *digitDFA) matchPrefix(digits string) bool {
	s := int32(0)
	for i := 0; ; i++ {
		if a.accept[s]&1 != 0 {
			return true
		}
		if i == len(digits) {
			return false
		}
		d := digits[i] - '0'
		if d > 9 {
			return false
		}
		if s = a.next[s][d]; s < 0 {
			return false
		}
	}
}

type nfaState struct {
	prog int
	pc   uint32
}

type dfaBuilder struct {
	progs []*syntax.Prog
	sets  [][]nfaState // the NFA states behind each DFA state
	index map[string]int32
	dfa   *digitDFA
}

// closure follows the empty moves from seeds and returns the states that
// consume a rune or match, sorted, so that equal sets compare equal.
func (b *dfaBuilder) closure(seeds []nfaState) []nfaState {
	seen := map[nfaState]bool{}
	var out []nfaState
	stack := slices.Clone(seeds)
	for len(stack) > 0 {
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[st] {
			continue
		}
		seen[st] = true
		inst := &b.progs[st.prog].Inst[st.pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			stack = append(stack, nfaState{st.prog, inst.Out}, nfaState{st.prog, inst.Arg})
		case syntax.InstCapture, syntax.InstNop:
			stack = append(stack, nfaState{st.prog, inst.Out})
		case syntax.InstFail:
		default: // InstMatch and the rune instructions
			out = append(out, st)
		}
	}
	slices.SortFunc(out, func(x, y nfaState) int {
		if x.prog != y.prog {
			return x.prog - y.prog
		}
		return int(x.pc) - int(y.pc)
	})
	return out
}

// state returns the DFA state for a closed set, adding it if it is new.
func (b *dfaBuilder) state(set []nfaState) (int32, error) {
	if len(set) == 0 {
		return -1, nil
	}
	var key strings.Builder
	for _, st := range set {
		key.WriteString(strconv.Itoa(st.prog))
		key.WriteByte(':')
		key.WriteString(strconv.FormatUint(uint64(st.pc), 10))
		key.WriteByte(' ')
	}
	if id, ok := b.index[key.String()]; ok {
		return id, nil
	}
	if len(b.sets) == maxDFAStates {
		return 0, fmt.Errorf("more than %d states", maxDFAStates)
	}
	id := int32(len(b.sets))
	b.index[key.String()] = id
	b.sets = append(b.sets, set)
	var accept uint32
	for _, st := range set {
		if b.progs[st.prog].Inst[st.pc].Op == syntax.InstMatch {
			accept |= 1 << st.prog
		}
	}
	b.dfa.next = append(b.dfa.next, [10]int32{})
	b.dfa.accept = append(b.dfa.accept, accept)
	return id, nil
}

func (b *dfaBuilder) step(set []nfaState, r rune) (int32, error) {
	var seeds []nfaState
	for _, st := range set {
		inst := &b.progs[st.prog].Inst[st.pc]
		if inst.Op != syntax.InstMatch && inst.MatchRune(r) {
			seeds = append(seeds, nfaState{st.prog, inst.Out})
		}
	}
	return b.state(b.closure(seeds))
}
