// Package names holds the lists the personal-data guard reads words with:
// people's names (forenames and surnames from many languages) and the
// common words of British English. Both are shipped as plain text, one
// word a line, lower case and without diacritics (Fold); SOURCE.md names
// where each came from and under which licence.
package names

import (
	_ "embed"
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
	people, words, rare map[string]struct{}
)

func load() {
	people = readList(peopleText)
	words = readList(wordsText)
	rare = readList(rareText)
}

func readList(text string) map[string]struct{} {
	m := make(map[string]struct{}, strings.Count(text, "\n")+1)
	for line := range strings.SplitSeq(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		m[line] = struct{}{}
	}
	return m
}

// IsName says whether w, folded, is a forename or surname of the list.
func IsName(w string) bool {
	once.Do(load)
	_, ok := people[w]
	return ok
}

// IsWord says whether w, folded, is a common English word: one written in
// lower case in the dictionary ("will", "hope", "green"; not "Kent").
func IsWord(w string) bool {
	once.Do(load)
	_, ok := words[w]
	return ok
}

// IsCommonWord says whether w, folded, is an everyday English word: one of
// the smaller dictionary (wbritish-small). "will", "hope", "green" are;
// "john", "josh", "carter", which the larger one holds in senses few use,
// are not.
func IsCommonWord(w string) bool {
	once.Do(load)
	if _, ok := words[w]; !ok {
		return false
	}
	_, r := rare[w]
	return !r
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
