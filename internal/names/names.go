// Package names holds the lists the personal-data guard reads words with:
// people's names (forenames and surnames from many languages) and the
// common words of British English. Both are shipped as plain text, one
// word a line, lower case and without diacritics (Fold); SOURCE.md names
// where each came from and under which licence.
package names

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// people.txt: @cspell/dict-people-names (MIT) and supplement.txt.
//
//go:embed people.txt
var peopleText string

// words.txt: the lower-case words of Debian's wbritish (SCOWL).
//
//go:embed words.txt
var wordsText string

// rare.txt: the words of words.txt that Debian's wbritish-small lacks.
//
//go:embed rare.txt
var rareText string

var (
	once                sync.Once
	people, words, rare wordList
)

func load() {
	people = readList(peopleText)
	words = readList(wordsText)
	rare = readList(rareText)
}

// wordList is a list's words in byte order, with where each first letter's
// words start: built in a few milliseconds (a map of the 127,000 words took
// 60-180 ms, which a bot's first command waited for), looked up in a
// dozen comparisons.
type wordList struct {
	words []string
	first [28]int // words[first[k]:first[k+1]] start with letter k (26: anything else)
}

func letterIndex(c byte) int {
	if c >= 'a' && c <= 'z' {
		return int(c - 'a')
	}
	return 26
}

func readList(text string) wordList {
	var l wordList
	l.words = make([]string, 0, strings.Count(text, "\n")+1)
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		l.words = append(l.words, line)
	}
	// The files are written sorted; sort anyway rather than misread one
	// edited by hand.
	if !sort.StringsAreSorted(l.words) {
		sort.Strings(l.words)
	}
	k := 0
	for i, w := range l.words {
		for ; k <= letterIndex(w[0]); k++ {
			l.first[k] = i
		}
	}
	for ; k < len(l.first); k++ {
		l.first[k] = len(l.words)
	}
	return l
}

func (l *wordList) has(w string) bool {
	if w == "" {
		return false
	}
	k := letterIndex(w[0])
	part := l.words[l.first[k]:l.first[k+1]]
	i := sort.SearchStrings(part, w)
	return i < len(part) && part[i] == w
}

// IsName says whether w, folded, is a forename or surname of the list.
func IsName(w string) bool {
	once.Do(load)
	return people.has(w)
}

// IsWord says whether w, folded, is a common English word: one written in
// lower case in the dictionary ("will", "hope", "green"; not "Kent").
func IsWord(w string) bool {
	once.Do(load)
	return words.has(w)
}

// IsCommonWord says whether w, folded, is an everyday English word: one of
// the smaller dictionary (wbritish-small). "will", "hope", "green" are;
// "john", "josh", "carter", which the larger one holds in senses few use,
// are not.
func IsCommonWord(w string) bool {
	once.Do(load)
	return words.has(w) && !rare.has(w)
}

// Fold returns w as the lists hold it: lower case, letters without their
// diacritics ("Wiśniewski" is "wisniewski", "Łukasz" "lukasz"), a curly
// apostrophe as "'". It returns "" for a word with anything but letters,
// apostrophes and hyphens in it.
func Fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c >= 'a' && c <= 'z', c == '\'', c == '-':
		case c >= 'A' && c <= 'Z':
			ascii = false
		case c >= 0x80:
			ascii = false
		default:
			return ""
		}
	}
	if ascii {
		return w
	}
	var b strings.Builder
	b.Grow(len(w))
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == '’' || r == '‘':
			r = '\''
		case r == 'ł' || r == 'Ł':
			r = 'l'
		case r == 'ø' || r == 'Ø':
			r = 'o'
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case r == 'ı':
			r = 'i'
		case r == 'ß':
			b.WriteString("ss")
			continue
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
			continue
		case r == '\'' || r == '-':
		case unicode.IsLetter(r):
			r = unicode.ToLower(r)
		default:
			return ""
		}
		b.WriteRune(r)
	}
	return b.String()
}
