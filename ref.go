package actionbot

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A plan numbers its actions its own way: "5.2", "1a", "1d*", "1.1.1",
// "DAB 1", "P2.4", "a)". The bot keeps each id as the plan writes it and
// answers to it however a person types it: case, spaces, a leading "#" or
// "(" and a trailing "*", ")" or "." do not matter ("/action dab1",
// "/action (1a)", "/action 1D"). Where two of a plan's ids read the same
// that way ("1d" and "1d*"), the one typed exactly is meant; otherwise the
// bot says it could be either, and never guesses.

// MaxRefLength is the longest action id, in characters.
const MaxRefLength = 24

// MaxRefWords is how many words an id may have ("DAB 1" has two).
const MaxRefWords = 3

// CleanRef tidies an id as a plan writes it for keeping: spaces collapsed,
// a leading "#" and enclosing brackets ("(1a)" is 1a) and a trailing "." or
// ")" ("a)", "1.") taken off. It returns false when s cannot be an id: empty,
// too long, more than MaxRefWords words, or holding a character that is
// neither a letter, a digit nor one of ". - / * _".
func CleanRef(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimPrefix(s, "#")
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		s = s[1 : len(s)-1]
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, ")"), ".")
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > MaxRefLength || len(strings.Fields(s)) > MaxRefWords {
		return "", false
	}
	digits := false
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits = true
		case unicode.IsLetter(r), r == ' ', strings.ContainsRune(".-/*_", r):
		default:
			return "", false
		}
	}
	// Words with no digit are an id only when short ("a", "AB"): a word
	// such as "done" or "Training" is not a number anyone gives an action.
	if !digits && (len(strings.Fields(s)) > 1 || utf8.RuneCountInString(s) > 2) {
		return "", false
	}
	if n, ok := ParseRef(s); ok {
		return n, true // "5.02" is 5.2, as it always was
	}
	return s, true
}

// RefMatchKey is the form in which a typed id meets the plan's: lower case,
// with no spaces, and without a leading "#" or "(" or a trailing "*", ")"
// or ".". "DAB 1", "dab1" and "DAB1" are one key; so are "1d*" and "1D".
func RefMatchKey(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), ""))
	s = strings.TrimLeft(s, "#(")
	s = strings.TrimRight(s, "*).")
	if n, ok := ParseRef(s); ok {
		return n
	}
	return s
}

// RefIndex finds a plan's actions by the ids people type. It is built once
// per plan and read concurrently. It is small, as it lives beside every
// snapshot of the plan: most plans' ids are already in the form typed ids
// are matched in (RefMatchKey: "5.2", "1a"), and those are found through
// the position of each id, which the snapshot keeps anyway; only the
// others ("DAB 1", "1d*", "P2.4") take an entry of their own.
type RefIndex struct {
	n   int              // how many ids
	at  func(int) string // the i-th id in plan order
	pos map[string]int   // id as kept -> its place
	// other maps the RefMatchKey of each id that is not its own key to its
	// index in refs, or -1 where several ids read the same.
	other  map[string]int32
	maxLen int // the most words of any id
}

// NewRefIndex indexes refs, given in plan order.
func NewRefIndex(refs []string) *RefIndex {
	pos := make(map[string]int, len(refs))
	for i, r := range refs {
		pos[r] = i
	}
	return NewRefIndexOf(len(refs), func(i int) string { return refs[i] }, pos)
}

// NewRefIndexOf indexes n ids, the i-th in plan order given by at, with pos
// mapping each to its place: what an owner such as a snapshot holds anyway,
// shared and never changed, so that the index adds no copy of the ids.
func NewRefIndexOf(n int, at func(int) string, pos map[string]int) *RefIndex {
	ix := &RefIndex{n: n, at: at, pos: pos, maxLen: 1}
	for i := range n {
		r := at(i)
		if strings.IndexByte(r, ' ') >= 0 {
			ix.maxLen = max(ix.maxLen, len(strings.Fields(r)))
		}
		k := RefMatchKey(r)
		if k == r {
			continue
		}
		if ix.other == nil {
			ix.other = map[string]int32{}
		}
		_, taken := ix.other[k]
		if _, own := pos[k]; taken || own {
			ix.other[k] = -1
		} else {
			ix.other[k] = int32(i)
		}
	}
	return ix
}

func exactKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Over returns the index reading its ids through at: for an owner whose
// ids are the same, in the same places, held anew (the next snapshot of a
// plan after a change of state). The rest of the index is shared.
func (ix *RefIndex) Over(at func(int) string) *RefIndex {
	c := *ix
	c.at = at
	return &c
}

// Refs returns the indexed ids in plan order, in a new slice.
func (ix *RefIndex) Refs() []string {
	if ix == nil {
		return nil
	}
	out := make([]string, ix.n)
	for i := range out {
		out[i] = ix.at(i)
	}
	return out
}

// First returns the first id in plan order, or "" when there is none.
func (ix *RefIndex) First() string {
	if ix.Len() == 0 {
		return ""
	}
	return ix.at(0)
}

// Len is how many ids the index holds.
func (ix *RefIndex) Len() int {
	if ix == nil {
		return 0
	}
	return ix.n
}

// Lookup finds the action a person means by s: the one id that reads the
// same (RefMatchKey), or, where several do, the one written exactly
// (ignoring case and spacing). It returns the candidates when several read
// the same and none is exact, and nothing when none does.
func (ix *RefIndex) Lookup(s string) (ref string, alts []string) {
	if ix == nil {
		return "", nil
	}
	k := RefMatchKey(s)
	i, ok := ix.other[k]
	if !ok {
		j, own := ix.pos[k]
		if !own {
			return "", nil
		}
		return ix.at(j), nil
	}
	if i >= 0 {
		return ix.at(int(i)), nil
	}
	exact := exactKey(s)
	for i := range ix.n {
		r := ix.at(i)
		if RefMatchKey(r) != k {
			continue
		}
		if exactKey(r) == exact {
			return r, nil
		}
		alts = append(alts, r)
	}
	return "", alts
}

// Match finds an id at the start of words, trying the longest run of words
// first ("DAB 1 done" is DAB 1 and then "done"). n is how many words it
// took; alts are the candidates when the words could mean more than one id.
func (ix *RefIndex) Match(words []string) (ref string, n int, alts []string) {
	if ix == nil {
		return "", 0, nil
	}
	for n = min(len(words), ix.maxLen, MaxRefWords); n >= 1; n-- {
		ref, alts = ix.Lookup(strings.Join(words[:n], " "))
		// Words run together only as the id itself runs: "dab1" is DAB 1,
		// but "1 60" is not an id 160, it is 1 and then 60.
		if n > 1 {
			if ref != "" && len(strings.Fields(ref)) != n {
				ref = ""
			}
			alts = slices.DeleteFunc(alts, func(a string) bool { return len(strings.Fields(a)) != n })
			if len(alts) == 1 {
				ref, alts = alts[0], nil
			}
		}
		if ref != "" || len(alts) > 0 {
			return ref, n, alts
		}
	}
	return "", 0, nil
}

// Under returns the ids that begin with prefix and a separator, in plan
// order: under "1.1" are 1.1.1 and 1.1.2, where a plan's 1.1 is a priority
// and not an action.
func (ix *RefIndex) Under(prefix string) []string {
	if ix == nil || prefix == "" {
		return nil
	}
	p := strings.ToLower(prefix)
	number := strings.Trim(p, "0123456789") == ""
	var out []string
	for i := range ix.n {
		r := ix.at(i)
		l := strings.ToLower(r)
		if len(l) <= len(p) || !strings.HasPrefix(l, p) {
			continue
		}
		// 1.1.1 is under 1.1, and 1a under 1; 10 is not under 1.
		if next := rune(l[len(p)]); strings.ContainsRune(". -/", next) || number && unicode.IsLetter(next) {
			out = append(out, r)
		}
	}
	return out
}

// ShapedLike reports whether the plan has an id written like s but for
// its numbers and letters: DAB 2 is shaped like DAB 1, 1e like 1d*, 3.4
// like 1.2. A typed id of the plan's shape that the plan lacks is a
// mistaken id ("No action DAB 2 — did you mean DAB 1?"), not an unknown
// word.
func (ix *RefIndex) ShapedLike(s string) bool {
	// One word typed is matched as run together ("dab2" like DAB 1); words
	// typed apart only with ids of as many words.
	spaced := strings.Contains(strings.TrimSpace(s), " ")
	shape := func(x string) string {
		if spaced {
			return refShape(x)
		}
		return strings.ReplaceAll(refShape(x), " ", "")
	}
	want := shape(s)
	for i := range ix.n {
		if shape(ix.at(i)) == want {
			return true
		}
	}
	return false
}

// refShape writes an id as its kinds of characters: a run of digits is 9,
// a run of letters a, a run of spaces one space; "-", "*" and brackets are
// left out.
func refShape(s string) string {
	var b strings.Builder
	last := rune(0)
	for _, r := range strings.ToLower(s) {
		var k rune
		switch {
		case unicode.IsDigit(r):
			k = '9'
		case unicode.IsLetter(r):
			k = 'a'
		case r == ' ':
			k = ' '
		case strings.ContainsRune("-*()#", r):
			continue
		default:
			k = r
		}
		if k != last || k != '9' && k != 'a' && k != ' ' {
			b.WriteRune(k)
		}
		last = k
	}
	return b.String()
}

// SameDigits returns the ids whose figures, read without their dots, are
// s, itself figures alone: "52" is 5.2 typed without its dot, "111" 1.1.1
// or 11.1. None when s is not two or more figures, is an id itself, or ix
// is nil.
func (ix *RefIndex) SameDigits(s string) []string {
	if ix == nil || len(s) < 2 || strings.Trim(s, "0123456789") != "" {
		return nil
	}
	var out []string
	for _, r := range ix.Refs() {
		if r == s {
			return nil
		}
		if strings.ReplaceAll(r, ".", "") == s {
			out = append(out, r)
		}
	}
	return out
}

// Numeric reports whether every id is the bot's own priority.n numbering.
func (ix *RefIndex) Numeric() bool {
	if ix == nil {
		return true
	}
	for i := range ix.n {
		r := ix.at(i)
		if _, ok := ParseRef(r); !ok {
			return false
		}
	}
	return true
}
